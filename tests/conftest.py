"""Shared helpers: example and scratch workspaces, the CLI, and document text."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from offergen import verify
from offergen.cli import cli
from offergen.errors import ValidationFailed
from offergen.validate import load_workspace
from offergen.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
WORKSPACE_PARTS = (
    "offergen.yaml",
    "catalog.yaml",
    "discounts.yaml",
    "clients",
    "offers",
    "templates",
)


def copy_workspace(source: Path, target: Path) -> Path:
    """A copy of a workspace; the shipped templates are used when `source` has none."""
    target.mkdir(parents=True, exist_ok=True)
    for part in WORKSPACE_PARTS:
        shipped = part == "templates" and not (source / part).exists()
        origin = ROOT / part if shipped else source / part
        if origin.is_dir():
            shutil.copytree(origin, target / part, dirs_exist_ok=True)
        elif origin.exists():
            shutil.copy2(origin, target / part)
    return target


@functools.cache
def example_workspace() -> Path:
    """A copy of the example workspace outside git, made once per test session: tests
    never read the checkout's own files, which an uncommitted edit may change."""
    scratch = Path(tempfile.mkdtemp(prefix="offergen-example-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    return copy_workspace(ROOT, scratch / "example")


def load_strict(root: Path) -> Workspace:
    """The workspace, or `ValidationFailed` with every problem (warnings too) when an
    error stands anywhere: the verdict `offergen check` gives."""
    workspace = load_workspace(root)
    if workspace.errors:
        raise ValidationFailed(workspace.problems)
    return workspace


def run(*args: str | Path) -> Result:
    """Run the offergen CLI in-process, as a user would from a shell."""
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def _bytes(path_or_bytes: Path | bytes) -> bytes:
    return path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes


def pdf_text(path_or_bytes: Path | bytes) -> str:
    return verify.pdf_text(_bytes(path_or_bytes))


def pdf_pages(path: Path) -> int:
    return len(verify.pdf_pages(path.read_bytes()))


def docx_text(path_or_bytes: Path | bytes) -> str:
    """Every paragraph of the body, tables (cells joined by tabs) and footers, in order."""
    return "\n".join(verify.docx_lines(_bytes(path_or_bytes), footers=True))


def docx_xml(path: Path, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of the minimal valid workspace to break or extend in a test."""
    return copy_workspace(DATA / "minimal", tmp_path / "ws")


@pytest.fixture(scope="session")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace outside git: for commands whose output must not depend on
    the repository's history or on uncommitted edits (see test_history.py for those)."""
    return copy_workspace(ROOT, tmp_path_factory.mktemp("example-copy"))


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace built once per test session; returns its out/ folder."""
    workspace = copy_workspace(ROOT, tmp_path_factory.mktemp("example"))
    result = run("-C", workspace, "build")
    assert result.exit_code == 0, result.output
    return workspace / "out"


@pytest.fixture
def write(scratch: Path) -> Callable[[str, str], Path]:
    def write_file(relative: str, text: str) -> Path:
        path = scratch / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write_file
