"""Every file offergen reads to render stays inside templates/ once links are resolved:
`check` names the link that leads outside, and neither `check` nor `build` opens the file
it leads to."""

from __future__ import annotations

import os
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from offergen.confine import Refused, read_template, template_file

from .conftest import ROOT, docx_text, give_a_contract, pdf_text, run

SECRET = "SECRET-OUTSIDE-7f3a"
OUTSIDE = "leads outside templates/ (links are refused)"

_opened: list[str] | None = None


def _record_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | bytes | Path):
        _opened.append(os.fsdecode(args[0]))


# An audit hook cannot be removed: it records only while a test asks it to.
sys.addaudithook(_record_opens)


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Every path Python opens in this process while the test runs."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


Make = Callable[[Path, Path], tuple[str, str]]  # (workspace, outside) -> (link, lines)


@dataclass(frozen=True)
class Case:
    """A file under templates/ replaced by a link to `outside`, which holds SECRET."""

    make: Make
    contract: bool = False


def _shipped(name: str) -> str:
    return (ROOT / "templates" / name).read_text("utf-8")


def _link(workspace: Path, relative: str, target: Path) -> None:
    link = workspace / "templates" / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(target)


def _text_file(relative: str, what: str, content: Callable[[], str]) -> Make:
    def make(workspace: Path, outside: Path) -> tuple[str, str]:
        outside.write_text(content(), "utf-8")
        _link(workspace, relative, outside)
        return outside.name, f"templates/{relative}:1:1: {what} {OUTSIDE}"

    return make


def _secret_docx(workspace: Path, outside: Path) -> tuple[str, str]:
    document = Document(str(ROOT / "templates" / "proposal.docx"))
    document.add_paragraph(SECRET)
    document.save(str(outside))
    _link(workspace, "proposal.docx", outside)
    return outside.name, f"templates/proposal.docx:1:1: template {OUTSIDE}"


def _secret_font(workspace: Path, outside: Path) -> tuple[str, str]:
    outside.write_bytes((ROOT / "templates" / "fonts" / "DejaVuSans-Bold.ttf").read_bytes())
    _link(workspace, "fonts/DejaVuSans-Bold.ttf", outside)
    return outside.name, f"templates/fonts/DejaVuSans-Bold.ttf:1:1: font {OUTSIDE}"


def _css_font(workspace: Path, outside: Path) -> tuple[str, str]:
    """@font-face in the (real) stylesheet naming a font that is a link leading outside."""
    outside.write_bytes((ROOT / "templates" / "fonts" / "DejaVuSans-Bold.ttf").read_bytes())
    _link(workspace, "fonts/secret.ttf", outside)
    css = workspace / "templates" / "style.css"
    rule = '@font-face { font-family: "Secret"; src: url(fonts/secret.ttf); }\n'
    text = css.read_text("utf-8")
    css.write_text(text + rule, "utf-8")
    line, column = text.count("\n") + 1, rule.index("fonts/") + 1
    return outside.name, (
        f"templates/style.css:{line}:{column}: only files under templates/ may be used, "
        "not fonts/secret.ttf"
    )


def _html_image(workspace: Path, outside: Path) -> tuple[str, str]:
    """An image the layout shows, a link leading outside."""
    outside.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><text y="10">{SECRET}</text></svg>', "utf-8"
    )
    _link(workspace, "img/secret.svg", outside)
    html = workspace / "templates" / "proposal.html"
    marker = "{% block content %}"
    text = html.read_text("utf-8").replace(marker, marker + '<img src="img/secret.svg">')
    html.write_text(text, "utf-8")
    at = text.index("img/secret.svg")
    line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    return outside.name, (
        f"templates/proposal.html:{line}:{column}: only files under templates/ may be used, "
        "not img/secret.svg"
    )


def _clause_folder(workspace: Path, outside: Path) -> tuple[str, str]:
    """templates/clauses/ itself a link to a folder elsewhere."""
    outside.mkdir()
    library = _shipped("clauses/supply.yaml").replace("Договор поставки", SECRET)
    (outside / "supply.yaml").write_text(library, "utf-8")
    folder = workspace / "templates" / "clauses"
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    return "supply.yaml", f"templates/clauses/supply.yaml:1:1: clause library {OUTSIDE}"


PROPOSAL = "documents blocked: a-1 (proposal)."
OFFER = "1 of 1 offers blocked (a-1)."
CASES: dict[str, tuple[Case, str]] = {
    "layout": (
        Case(
            _text_file(
                "proposal.html",
                "template",
                lambda: _shipped("proposal.html").replace(
                    "{% block content %}", "{% block content %}" + SECRET
                ),
            )
        ),
        PROPOSAL,
    ),
    "included layout": (
        Case(
            _text_file("letterhead.html", "template", lambda: _shipped("letterhead.html") + SECRET)
        ),
        PROPOSAL,
    ),
    "stylesheet": (
        Case(
            _text_file(
                "style.css",
                "stylesheet",
                lambda: _shipped("style.css") + f'body::before {{ content: "{SECRET}"; }}\n',
            )
        ),
        PROPOSAL,
    ),
    "labels": (
        Case(
            _text_file(
                "labels.yaml",
                "labels",
                lambda: _shipped("labels.yaml").replace("Коммерческое предложение", SECRET),
            )
        ),
        OFFER,
    ),
    "clause library": (
        Case(
            _text_file(
                "clauses/supply.yaml",
                "clause library",
                lambda: _shipped("clauses/supply.yaml").replace("Договор поставки", SECRET),
            ),
            contract=True,
        ),
        OFFER,
    ),
    "clause folder": (Case(_clause_folder, contract=True), OFFER),
    "docx template": (Case(_secret_docx), PROPOSAL),
    "watermark font": (Case(_secret_font), PROPOSAL),
    "font from the stylesheet": (Case(_css_font), PROPOSAL),
    "image from a layout": (Case(_html_image), PROPOSAL),
}


def _written_text(out: Path) -> str:
    """Everything the build put in out/, as text: PDF text layers, DOCX parts, the rest."""
    found = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            found.append(pdf_text(path))
        elif path.suffix == ".docx":
            found.append(docx_text(path))
            with zipfile.ZipFile(path) as archive:  # properties, headers, footers too
                found += [
                    archive.read(part).decode("utf-8", "replace") for part in archive.namelist()
                ]
        else:
            found.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(found)


@pytest.mark.parametrize("case", CASES)
def test_a_link_leading_outside_templates_is_reported_and_never_read(
    case: str, scratch: Path, tmp_path: Path, opened: list[str]
) -> None:
    made, summary_tail = CASES[case]
    if made.contract:
        give_a_contract(scratch)
    outside = tmp_path / "elsewhere" / "outside"
    outside.parent.mkdir()
    name, problem = made.make(scratch, outside)
    secret = outside / name if outside.is_dir() else outside
    opened.clear()  # what the test itself wrote

    checked = run("-C", scratch, "check", "--today", "2026-11-28")
    assert checked.exit_code == 1
    assert checked.stderr == f"{problem}\n1 error in 1 file; {summary_tail}\n"

    built = run("-C", scratch, "build", "--jobs", "1")
    assert built.exit_code == 1
    assert "Traceback" not in built.output and "internal error" not in built.output
    assert SECRET not in built.output
    out = scratch / "out"
    assert SECRET not in (_written_text(out) if out.exists() else "")
    reads = {Path(path).resolve() for path in opened}
    assert secret.resolve() not in reads
    if summary_tail == PROPOSAL:
        assert f"BLOCKED a-1/proposal: {problem} (not built" in built.stderr
    else:
        assert f"BLOCKED a-1: {problem} (nothing built)" in built.stderr


def test_links_that_stay_inside_templates_are_followed(scratch: Path) -> None:
    templates = scratch / "templates"
    (templates / "shared").mkdir()
    (templates / "letterhead.html").rename(templates / "shared" / "letterhead.html")
    (templates / "letterhead.html").symlink_to(Path("shared") / "letterhead.html")
    assert run("-C", scratch, "check", "--today", "2026-11-28").exit_code == 0
    assert run("-C", scratch, "build", "--jobs", "1").exit_code == 0


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../offergen.yaml", OUTSIDE),
        ("/etc/hostname", OUTSIDE),
        ("nothing.html", "not found"),
        ("clauses", "not found"),  # a folder is not a file
        ("loop.html", "cannot be resolved (a loop of links?)"),
    ],
)
def test_a_name_is_resolved_inside_templates_or_refused(scratch: Path, name: str, why: str) -> None:
    templates = scratch / "templates"
    (templates / "loop.html").symlink_to("loop.html")
    with pytest.raises(Refused) as refused:
        template_file(templates, name)
    assert refused.value.why == why
    assert refused.value.problem("template").message == f"template {why}"


def test_the_bytes_read_are_those_of_the_file_inside(scratch: Path) -> None:
    templates = scratch / "templates"
    assert read_template(templates, "style.css") == (templates / "style.css").read_bytes()
    assert template_file(templates, templates / "style.css") == (templates / "style.css").resolve()
