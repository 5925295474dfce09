"""Trouble in out/ fails only the offer it concerns: the build goes on for the others,
exits 1, and says for each failed offer what stands in the way and what to do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import run, skip_outside_ci

KEPT = "its earlier documents are kept, now stale"


@pytest.fixture
def two(scratch: Path) -> Path:
    """The minimal workspace with a second offer, b-2."""
    offer = (scratch / "offers" / "a-1.yaml").read_text(encoding="utf-8")
    (scratch / "offers" / "b-2.yaml").write_text(offer.replace("КП-1", "КП-2"), encoding="utf-8")
    return scratch


def _build(workspace: Path, *args: str) -> tuple[int, list[str], list[str]]:
    result = run("-C", workspace, "build", "--format", "docx", *args)
    assert "internal error" not in result.output and "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def test_an_offer_folder_that_is_a_file_fails_that_offer(two: Path) -> None:
    (two / "out").mkdir()
    (two / "out" / "a-1").write_text("notes", encoding="utf-8")
    code, out, err = _build(two, "--jobs", "2")
    assert code == 1
    assert err == [
        "FAILED a-1: out/a-1 is a file, not a folder: move it away and build again "
        "(nothing written)"
    ]
    assert out[-1].startswith("1 document built, 0 up to date, 1 offer failed, 2 offers in")
    assert (two / "out" / "a-1").read_text(encoding="utf-8") == "notes"
    assert (two / "out" / "b-2" / "proposal.docx").is_file()


def test_an_offer_folder_linked_elsewhere_fails_that_offer_and_is_not_touched(
    two: Path, tmp_path: Path
) -> None:
    assert _build(two)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(two / "out" / "a-1", elsewhere)
    before = _snapshot(elsewhere)
    shutil.rmtree(two / "out" / "a-1")
    (two / "out" / "a-1").symlink_to(elsewhere, target_is_directory=True)
    code, out, err = _build(two, "--force")
    assert code == 1
    assert err == [
        f"FAILED a-1: out/a-1 is a link to {elsewhere}: offergen writes only into real "
        "folders; remove the link and build again (nothing written)"
    ]
    assert out[-1].startswith("1 document built, 0 up to date, 1 offer failed")
    assert _snapshot(elsewhere) == before


def test_a_linked_folder_of_a_blocked_offer_is_not_read(two: Path, tmp_path: Path) -> None:
    assert _build(two)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.move(two / "out" / "a-1", elsewhere)
    (two / "out" / "a-1").symlink_to(elsewhere, target_is_directory=True)
    offer = two / "offers" / "a-1.yaml"
    offer.write_text(offer.read_text("utf-8").replace("qty: 2", "qty: 0"), "utf-8")
    code, _, err = _build(two)
    assert code == 1
    assert err[0].startswith("BLOCKED a-1: offers/a-1.yaml:")
    assert err[0].endswith("(nothing built)")  # what lies behind the link is not ours


def test_a_linked_folder_of_a_vanished_offer_is_not_emptied(two: Path, tmp_path: Path) -> None:
    assert _build(two)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.move(two / "out" / "b-2", elsewhere)
    (two / "out" / "b-2").symlink_to(elsewhere, target_is_directory=True)
    (two / "offers" / "b-2.yaml").unlink()
    before = _snapshot(elsewhere)
    assert _build(two)[0] == 0
    assert _snapshot(elsewhere) == before


@pytest.mark.parametrize(
    "manifest",
    [
        '{"offer": "a-1", "documents": null}',
        '{"offer": "a-1", "documents": ["proposal.docx"]}',
        '{"offer": "a-1", "documents": {"proposal.docx": null}}',
        '{"offer": "a-1", "documents": {"../../offers/a-1.yaml": {"inputs": "x"}}}',
        '{"offer": "a-1", "documents": {"proposal.docx": {"inputs": 5, "sha256": []}}}',
        "[]",
        '"a-1"',
        "{",
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=["null", "list", "null-entry", "path", "wrong-types", "array", "string", "cut", "deep"],
)
def test_a_damaged_manifest_only_makes_its_offer_build_again(two: Path, manifest: str) -> None:
    assert _build(two)[0] == 0
    (two / "out" / "a-1" / "manifest.json").write_text(manifest, encoding="utf-8")
    code, out, err = _build(two)
    assert (code, err) == (0, [])
    assert "[1/2] built a-1: proposal.docx" in out or "[2/2] built a-1: proposal.docx" in out
    assert out[-1].startswith("1 document built, 1 up to date, 0 offers failed")
    rewritten = json.loads((two / "out" / "a-1" / "manifest.json").read_text(encoding="utf-8"))
    assert list(rewritten["documents"]) == ["proposal.docx"]
    # and when its offer is gone, the damaged manifest of its folder stops nothing
    (two / "out" / "b-2" / "manifest.json").write_text(manifest, encoding="utf-8")
    (two / "offers" / "b-2.yaml").unlink()
    assert _build(two)[0] == 0
    assert (two / "offers" / "a-1.yaml").is_file()


def test_a_document_that_is_a_folder_fails_its_offer_and_keeps_the_rest(two: Path) -> None:
    assert _build(two)[0] == 0
    manifest = (two / "out" / "a-1" / "manifest.json").read_bytes()
    (two / "out" / "a-1" / "proposal.docx").unlink()
    (two / "out" / "a-1" / "proposal.docx").mkdir()
    code, out, err = _build(two, "--force")
    assert code == 1
    assert err == [
        "FAILED a-1: out/a-1/proposal.docx is a folder, not a file: move it away and build "
        f"again ({KEPT})"
    ]
    assert out[-1].startswith("1 document built, 0 up to date, 1 offer failed")
    assert (two / "out" / "a-1" / "manifest.json").read_bytes() == manifest


@contextmanager
def _unwritable(folder: Path) -> Iterator[str]:
    """`folder` refuses new files (as root, whom permissions do not stop, by the immutable
    attribute); yields the reason the system gives."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "Permission denied"
        finally:
            folder.chmod(0o755)
        return
    if shutil.which("chattr") is None:
        skip_outside_ci("running as root without chattr: nothing makes a folder unwritable")
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if done.returncode != 0:
        skip_outside_ci(f"chattr +i is refused here: {done.stderr.decode().strip()}")
    try:
        yield "Operation not permitted"
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_an_unwritable_folder_fails_its_offer_and_leaves_its_files(two: Path) -> None:
    assert _build(two)[0] == 0
    before = _snapshot(two / "out" / "a-1")
    with _unwritable(two / "out" / "a-1") as reason:
        code, out, err = _build(two, "--force")
    assert code == 1
    assert err == [
        f"FAILED a-1: cannot write out/a-1/proposal.docx ({reason}): make it and its folder "
        f"writable and build again ({KEPT})"
    ]
    assert out[-1].startswith("1 document built, 0 up to date, 1 offer failed")
    assert _snapshot(two / "out" / "a-1") == before
    assert not [p.name for p in (two / "out" / "a-1").iterdir() if p.name.endswith(".tmp")]


def test_an_output_folder_that_is_a_file_is_one_clear_error(two: Path) -> None:
    (two / "out").write_text("not a folder", encoding="utf-8")
    code, out, err = _build(two)
    assert (code, out) == (1, [])
    assert err == [
        f"error: {(two / 'out').resolve()} is a file, not a folder: move it away and build again"
    ]


def test_temporary_files_of_a_killed_build_are_removed_and_nothing_else(two: Path) -> None:
    assert _build(two)[0] == 0
    folder = two / "out" / "a-1"
    (folder / ".proposal.docx.k3x_9qa1.tmp").write_bytes(b"half a docx")
    (folder / ".manifest.json.abcdefgh.tmp").write_bytes(b"{")
    kept = [
        folder / "notes.tmp",
        folder / ".notes.tmp",
        two / "out" / ".proposal.docx.k3x_9qa1.tmp",
    ]
    for path in kept:
        path.write_text("mine", encoding="utf-8")
    code, out, _ = _build(two)
    assert code == 0
    assert out[-1].startswith("0 documents built, 2 up to date, 0 offers failed")
    assert sorted(path.name for path in folder.iterdir()) == [
        ".notes.tmp",
        "manifest.json",
        "notes.tmp",
        "proposal.docx",
    ]
    assert all(path.read_text(encoding="utf-8") == "mine" for path in kept)
