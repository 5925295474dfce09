"""A fast CLI: commands that render nothing load no renderer, and clause texts are
compiled once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from offergen import clauses
from offergen.validate import load_workspace

from .conftest import copy_workspace, example_workspace

# What only rendering (or declining a name for a contract) needs; each costs a cold
# command a noticeable part of a second to import.
RENDERERS = ("weasyprint", "docxtpl", "pymorphy3", "pytrovich", "watchfiles")

_PROBE = """
import json, sys
from offergen.cli import cli
try:
    cli(sys.argv[1:], prog_name="offergen")
except SystemExit as done:
    code = done.code
else:
    code = 0
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"code": code, "modules": loaded}), file=sys.stderr)
"""


def _modules_after(*args: str) -> tuple[object, set[str]]:
    """Run the CLI in a fresh interpreter; its exit code and the top-level modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


@pytest.mark.parametrize("command", [["--help"], ["check"], ["status"], ["price", "acme-2026-001"]])
def test_a_command_that_renders_nothing_loads_no_renderer(command: list[str]) -> None:
    code, loaded = _modules_after("-C", str(example_workspace()), *command)
    assert code in (0, None), command
    assert "offergen" in loaded  # the probe did run the command
    assert not loaded & set(RENDERERS), sorted(loaded & set(RENDERERS))


def test_a_build_loads_the_renderers_only_when_something_is_stale(tmp_path: Path) -> None:
    """The probe sees a renderer when one is loaded; a build with nothing to render
    (everything up to date) loads none."""
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    build = ("-C", str(workspace), "build", "--jobs", "1", "nordic-2026-003")
    code, loaded = _modules_after(*build)
    assert code in (0, None)
    assert {"weasyprint", "docxtpl"} <= loaded
    code, loaded = _modules_after(*build)
    assert code in (0, None)
    assert not loaded & set(RENDERERS), sorted(loaded & set(RENDERERS))


def test_clause_texts_are_compiled_once_per_process(tmp_path: Path) -> None:
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    load_workspace(workspace)  # the rules draw up every contract's clauses
    compiled = clauses.compiled_texts()
    again = load_workspace(copy_workspace(example_workspace(), tmp_path / "again"))
    assert again.offers  # the contracts were drawn up a second time ...
    assert clauses.compiled_texts() == compiled  # ... from the texts compiled the first time


_COMPILES = """
import sys
from pathlib import Path
from offergen.clauses import compiled_texts
from offergen.validate import load_workspace
workspace = load_workspace(Path(sys.argv[1]))
print(compiled_texts(), sorted(map(str, workspace.problems)))
"""


def test_a_later_process_takes_the_clause_code_from_the_cache(tmp_path: Path) -> None:
    """Like Python's .pyc: the first process compiles, the next reads the code."""
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}  # a cache of this test's own
    (tmp_path / "tmp").mkdir()
    workspace = str(example_workspace())
    runs = [
        subprocess.run(
            [sys.executable, "-c", _COMPILES, workspace],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.split(" ", 1)
        for _ in range(2)
    ]
    (first, judged), (second, judged_again) = runs
    assert int(first) > 0 and int(second) == 0
    assert judged_again == judged  # the same verdict from cached code
    assert list((tmp_path / "tmp").glob("_jinja2-cache-*/__offergen_clause_*.cache"))
