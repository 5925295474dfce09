"""What a non-editable install gets: the wheel carries the templates, the example workspace
and the schemas, and works from them alone; and the pre-commit hooks this repository
exposes run as pre-commit would run them."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, copy_workspace, pdf_text

# What setup.py and MANIFEST.in need to build the wheel, copied out of the checkout.
SOURCE_PARTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "templates")
EXAMPLE_PARTS = ("offergen.yaml", "catalog.yaml", "discounts.yaml", "clients", "offers")
NOT_SOURCE = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")


def tracked_files(root: Path, *, pattern: str = "*") -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built with pip from a copy of the sources (a build in the checkout would
    leave build/ behind)."""
    source = tmp_path_factory.mktemp("source")
    for part in (*SOURCE_PARTS, *EXAMPLE_PARTS):
        origin = ROOT / part
        if origin.is_dir():
            shutil.copytree(origin, source / part, ignore=NOT_SOURCE)
        else:
            shutil.copy2(origin, source / part)
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, source]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [built] = dist.glob("offergen-*.whl")
    return built


def test_the_wheel_ships_the_templates_the_example_and_the_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"offergen/templates/{name}" for name in tracked_files(ROOT / "templates")}
    assert templates and templates <= names
    example = {f"offergen/example/{name}" for name in EXAMPLE_PARTS[:3]}
    for folder in EXAMPLE_PARTS[3:]:
        files = tracked_files(ROOT / folder, pattern="*.yaml")
        example |= {f"offergen/example/{folder}/{name}" for name in files}
    assert example <= names
    schemas = {f"offergen/schemas/{n}" for n in tracked_files(ROOT / "src/offergen/schemas")}
    assert schemas <= names
    assert "offergen/py.typed" in names
    assert not [name for name in names if name.startswith(("tests/", "templates/"))]


def test_a_workspace_builds_from_the_wheel_alone(wheel: Path, tmp_path: Path) -> None:
    """The wheel unpacked ahead of the editable checkout on the path: init --example and
    build use only what it ships."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    home = tmp_path / "home"
    home.mkdir()

    def offergen(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "offergen.cli", *args]
        return subprocess.run(command, cwd=home, env=env, capture_output=True, text=True)

    where = subprocess.run(
        [sys.executable, "-c", "import offergen.workspace as w; print(w.SHIPPED_TEMPLATES)"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip() == str(site / "offergen" / "templates")
    init = offergen("init", "--example", "demo")
    assert init.returncode == 0, init.stderr
    built = offergen("-C", "demo", "build", "acme-2026-001")
    assert built.returncode == 0, built.stderr
    assert "Северный ветер" in pdf_text(home / "demo" / "out" / "acme-2026-001" / "proposal.pdf")


# --- pre-commit ----------------------------------------------------------------------------------

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))


def run_hook(hook: dict[str, object], workspace: Path) -> subprocess.CompletedProcess[str]:
    """As pre-commit runs a python hook: its entry and args, from the workspace's root, with
    the installed console script first on PATH (no file names: pass_filenames is false)."""
    command = [*shlex.split(str(hook["entry"])), *map(str, hook.get("args", []))]  # type: ignore[call-overload]
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(command, cwd=workspace, env=env, capture_output=True, text=True)


def test_the_hooks_are_python_hooks_that_run_once_on_workspace_changes() -> None:
    assert [hook["id"] for hook in HOOKS] == ["offergen-check", "offergen-review"]
    for hook in HOOKS:
        assert (hook["language"], hook["pass_filenames"]) == ("python", False)
        for changed in ("offergen.yaml", "offers/a-1.yaml", "clients/a.yaml", "templates/x.html"):
            assert re.search(hook["files"], changed), (hook["id"], changed)
        for unrelated in ("README.md", "out/a-1/proposal.pdf", "notes/offers/x.yaml"):
            assert not re.search(hook["files"], unrelated), (hook["id"], unrelated)


@pytest.mark.parametrize("hook", HOOKS, ids=[hook["id"] for hook in HOOKS])
def test_each_hook_passes_a_sound_workspace_and_stops_a_broken_one(
    hook: dict[str, object], tmp_path: Path
) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    assert run_hook(hook, workspace).returncode == 0
    config = workspace / "offergen.yaml"
    config.write_text(config.read_text("utf-8").replace("7707083893", "7707083894"), "utf-8")
    broken = run_hook(hook, workspace)
    assert broken.returncode == 1
    assert "offergen.yaml:5:8: seller.inn: " in broken.stderr + broken.stdout
