"""Shared helpers: example and scratch workspaces, git repositories, the CLI, document text."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
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


def built_texts(workspace: Path, offer_id: str, document: str) -> list[str]:
    """Build the offer and read one document's text from its PDF and its DOCX, each with
    its spaces (no-break ones too) folded: what both formats must say alike."""
    built = run("-C", workspace, "build", offer_id)
    assert built.exit_code == 0, built.output
    folder = workspace / "out" / offer_id
    return [
        " ".join(read(folder / f"{document}.{ext}").replace("\u00a0", " ").split())
        for ext, read in (("pdf", pdf_text), ("docx", docx_text))
    ]


def skip_outside_ci(reason: str) -> None:
    """Skip with the reason on a developer's machine that lacks something; in CI, where
    the project's own files install everything the tests need, fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must have it (see the Makefile's system-deps)")
    pytest.skip(reason)


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


def give_a_contract(workspace: Path, offer_id: str = "a-1") -> None:
    """Give an offer of the minimal workspace a supply contract (and its client the
    signatory a contract names)."""
    offer, client = workspace / "offers" / f"{offer_id}.yaml", workspace / "clients" / "acme.yaml"
    contract = 'contract:\n  type: supply\n  number: "2026/1"\n  city: Москва\n  date: 2026-11-28\n'
    offer.write_text(offer.read_text("utf-8") + contract, "utf-8")
    signatory = "signatory: {name: Смирнов Алексей Викторович, position: Директор, basis: Устава}"
    client.write_text(client.read_text("utf-8") + signatory + "\n", "utf-8")


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


class Repo:
    """A scratch git repository holding a workspace, committed on the dates asked."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, day: str = "2026-11-01") -> str:
        stamp = f"{day}T10:00:00+03:00"
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Пётр Петров",
            "GIT_AUTHOR_EMAIL": "p.petrov@example.ru",
            "GIT_COMMITTER_NAME": "Пётр Петров",
            "GIT_COMMITTER_EMAIL": "p.petrov@example.ru",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), "utf-8")

    def commit(self, message: str, day: str) -> str:
        self.git("add", "-A", day=day)
        self.git("commit", "-q", "-m", message, day=day)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """The example workspace in a folder whose name is not ASCII, with .gitignore'd out/."""
    root = copy_workspace(ROOT, tmp_path / "Коммерческие предложения")
    (root / ".gitignore").write_text("out/\n", "utf-8")
    made = Repo(root)
    made.commit("Первая версия", "2026-11-01")
    return made
