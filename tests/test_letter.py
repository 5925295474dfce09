"""The proposal reads as a letter to a person: the greeting, and how its pages break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from offergen.grammar import polite_name
from offergen.shipped import SHIPPED_TEMPLATES

from .conftest import built_texts, copy_workspace, example_workspace, run

CONTACT = "Анна Смирнова"  # acme-2026-001 (and -005) name this contact of clients/acme.yaml


def _rename_contact(workspace: Path, name: str) -> None:
    """The acme contact, in its card and in every offer naming it, renamed `name`."""
    for path in [workspace / "clients" / "acme.yaml", *(workspace / "offers").glob("*.yaml")]:
        path.write_text(path.read_text("utf-8").replace(CONTACT, name), "utf-8")


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Смирнова Анна Сергеевна", "Уважаемая Анна Сергеевна!"),
        ("Анна Сергеевна Смирнова", "Уважаемая Анна Сергеевна!"),
        ("Волков Дмитрий Андреевич", "Уважаемый Дмитрий Андреевич!"),
        ("Алиев Рашид Гейдар оглы", "Уважаемый Рашид Гейдар оглы!"),
        ("Анна Смирнова", "Уважаемые коллеги!"),  # no patronymic: no first name alone
    ],
)
def test_a_russian_proposal_greets_a_named_contact_by_name_and_patronymic(
    tmp_path: Path, name: str, greeting: str
) -> None:
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    _rename_contact(workspace, name)
    for text in built_texts(workspace, "acme-2026-001", "proposal"):
        assert greeting in text
        assert "коллеги" not in text or greeting == "Уважаемые коллеги!"


def test_the_patronymic_tells_the_form_of_address() -> None:
    assert polite_name("Кузнецова Мария Олеговна") == ("Мария Олеговна", "female")
    assert polite_name("Рашид Гейдар-оглы Алиев") == ("Рашид Гейдар-оглы", "male")
    assert polite_name("Иванов Иван Ильич") == ("Иван Ильич", "male")
    assert polite_name("Petr Petrov") is None
    assert polite_name("Петров") is None


def _offer_with_lines(workspace: Path, count: int) -> None:
    """acme-2026-001 with `count` one-line items instead of its own: a letter of any length."""
    path = workspace / "offers" / "acme-2026-001.yaml"
    text = path.read_text("utf-8")
    head, rest = text.split("items:\n", 1)
    tail = rest[rest.index("\ndiscount:") + 1 :]
    items = "".join(
        f"  - {{name: Позиция {index}, unit: шт., qty: 1, price: 1000, vat_rate: 22}}\n"
        for index in range(1, count + 1)
    )
    path.write_text(f"{head}items:\n{items}{tail}", "utf-8")


def _pages(workspace: Path) -> list[str]:
    built = run("-C", workspace, "build", "acme-2026-001", "--format", "pdf")
    assert built.exit_code == 0, built.output
    reader = PdfReader(workspace / "out" / "acme-2026-001" / "proposal.pdf")
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_no_page_holds_only_the_closing_of_the_letter(tmp_path: Path) -> None:
    """However long the offer, the page with the signature also holds what precedes the
    closing (validity, manager, signature): the closing is never a page of its own."""
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    count = 1
    while len(_pages(workspace)) == 1:  # the first length that needs a second page
        count += 1
        assert count < 60, "the letter never reached a second page"
        _offer_with_lines(workspace, count)
    for lines in range(count, count + 10):  # the closing moves across the page break
        _offer_with_lines(workspace, lines)
        pages = _pages(workspace)
        last = pages[-1]
        assert "Иванов Иван Иванович" in last  # the signature ends the letter
        before, validity, _ = last.partition("Предложение действительно до")
        assert validity, f"{lines} lines: the closing is split across pages"
        assert "Ваш менеджер" in last
        assert before.strip(), f"{lines} lines: the last page holds only the closing"


def test_the_docx_keeps_the_closing_with_the_terms(tmp_path: Path) -> None:
    """Word lays the DOCX out itself: the terms, the validity and the manager line keep
    with the next paragraph down to the signature, whose row never splits."""
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    built = run("-C", workspace, "build", "acme-2026-001", "--format", "docx")
    assert built.exit_code == 0, built.output
    document = Document(str(workspace / "out" / "acme-2026-001" / "proposal.docx"))
    paragraphs = {p.text: p for p in document.paragraphs if p.text}
    validity = next(p for text, p in paragraphs.items() if text.startswith("Предложение"))
    manager = next(p for text, p in paragraphs.items() if text.startswith("Ваш менеджер"))
    assert validity.paragraph_format.keep_with_next
    assert manager.paragraph_format.keep_with_next
    terms = next(t for t in document.tables if t.rows[0].cells[0].text == "Оплата")
    last_row = terms.rows[-1]
    assert all(p.paragraph_format.keep_with_next for c in last_row.cells for p in c.paragraphs)
    signature = document.tables[-1]
    assert "Иванов Иван Иванович" in signature.rows[0].cells[2].text
    assert signature.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_own_labels_without_a_newer_label_print_the_shipped_wording(tmp_path: Path) -> None:
    """A workspace's copy of the templates predates greeting_female: check warns, and the
    documents print offergen's own wording instead of refusing every offer."""
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    if not (workspace / "templates").is_dir():
        shutil.copytree(SHIPPED_TEMPLATES, workspace / "templates")
    labels = workspace / "templates" / "labels.yaml"
    kept = [
        line
        for line in labels.read_text("utf-8").splitlines(keepends=True)
        if not line.startswith(("greeting_male:", "greeting_female:"))
    ]
    labels.write_text("".join(kept), "utf-8")
    _rename_contact(workspace, "Смирнова Анна Сергеевна")
    checked = run("-C", workspace, "check")
    assert checked.exit_code == 0, checked.output
    assert (
        "warning: missing greeting_male, greeting_female: the documents print offergen's "
        "own wording until you add them"
    ) in checked.stderr
    for text in built_texts(workspace, "acme-2026-001", "proposal"):
        assert "Уважаемая Анна Сергеевна!" in text
