"""`offergen check`: one case per kind of bad input, each with its exact message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import DATA, copy_workspace, example_workspace, run

INVALID = DATA / "invalid"
CASES = sorted(path.name for path in INVALID.iterdir() if path.is_dir())


def test_the_minimal_workspace_is_valid(scratch: Path) -> None:
    result = run("-C", scratch, "check", "--today", "2026-11-28")
    assert result.exit_code == 0
    assert result.output == "ok: 1 offer, 1 client, 1 catalog item\n"


def test_the_example_workspace_is_valid() -> None:
    result = run("-C", example_workspace(), "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 6 offers, 4 clients")


def invalid_workspace(case: str, target: Path) -> Path:
    """The minimal workspace with the files of an invalid case laid over it."""
    workspace = copy_workspace(DATA / "minimal", target)
    for source in (INVALID / case).rglob("*"):
        if source.is_file() and source.name != "expected.txt":
            overlaid = workspace / source.relative_to(INVALID / case)
            overlaid.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, overlaid)
    return workspace


@pytest.mark.parametrize("case", CASES)
def test_invalid_input_is_reported_exactly(case: str, tmp_path: Path) -> None:
    workspace = invalid_workspace(case, tmp_path / "ws")
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    result = run("-C", workspace, "check")
    assert result.exit_code == 1
    assert result.stderr == expected
    assert "Traceback" not in result.output


def test_every_case_has_a_message_located_by_line_and_column() -> None:
    for case in CASES:
        first = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
        path, line, column, _ = first.split(":", 3)
        assert path.endswith((".yaml", ".yml")) or path.startswith("templates/"), case
        assert int(line) >= 1 and int(column) >= 1, case


def test_a_missing_workspace_is_one_clear_error(tmp_path: Path) -> None:
    result = run("-C", tmp_path, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "catalog.yaml:1:1: file not found; is this an offergen workspace? "
        "(offergen -C DIR points elsewhere)",
        "offergen.yaml:1:1: file not found; is this an offergen workspace? "
        "(offergen -C DIR points elsewhere)",
        "2 errors in 2 files.",
    ]


def test_a_failed_check_builds_nothing(scratch: Path) -> None:
    (scratch / "offers" / "a-1.yaml").write_text("number: X\n", encoding="utf-8")
    result = run("-C", scratch, "build")
    assert result.exit_code == 1
    assert "nothing was built" in result.stderr
    assert not (scratch / "out").exists()
