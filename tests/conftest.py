"""Shared helpers: example and scratch workspaces, the CLI, and document text."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document
from pypdf import PdfReader

from offergen.cli import cli

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


def run(*args: str | Path) -> Result:
    """Run the offergen CLI in-process, as a user would from a shell."""
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def pdf_text(path_or_bytes: Path | bytes) -> str:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def docx_text(path_or_bytes: Path | bytes) -> str:
    """Every paragraph of the body, tables (cells joined by tabs) and footers, in order."""
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter(_w("t"))))
        elif tag == "tbl":
            for row in child.iter(_w("tr")):
                cells = [
                    "".join(t.text or "" for t in cell.iter(_w("t"))) for cell in row.iter(_w("tc"))
                ]
                lines.append("\t".join(cells))
    for section in document.sections:
        lines.append("".join(t.text or "" for t in section.footer._element.iter(_w("t"))))
    return "\n".join(lines)


def docx_xml(path: Path, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of the minimal valid workspace to break or extend in a test."""
    return copy_workspace(DATA / "minimal", tmp_path / "ws")


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
