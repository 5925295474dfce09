"""diff on real output: what redlines mark, the console's lines, the redline files kept.

Each test makes its own repository from a copy of the example workspace (see
test_history.py), never touching the checkout or its history.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from offergen import diff as diff_module
from offergen.render import Templates

from .conftest import Repo, pdf_text, run
from .test_history import CONTRACT, OFFER, marks, redlined, sent_then_changed

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_PATH = "{urn:schemas-microsoft-com:vml}textpath"  # the text of a WordArt watermark
WATERMARK = "ПРОЕКТ"
STAMP = "версия"


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every PDF that `diff` draws, as it goes to WeasyPrint."""
    drawn: list[str] = []
    original = diff_module.html_to_pdf

    def recording(templates: Templates, template: str, page: str) -> bytes:
        drawn.append(page)
        return original(templates, template, page)

    monkeypatch.setattr(diff_module, "html_to_pdf", recording)
    return drawn


def docx_marks(path: Path) -> Iterator[str]:
    """The text of every w:ins and w:del in every part of a DOCX (headers and footers too),
    shapes' text paths included."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml"):
                continue
            root = etree.fromstring(archive.read(name))
            for mark in root.iter(W + "ins", W + "del"):
                yield "".join(mark.itertext())
                yield from (shape.get("string") for shape in mark.iter(TEXT_PATH))


def html_marks(page: str) -> list[str]:
    document = lxml.html.document_fromstring(page)
    return [mark.text_content() for mark in document.iter("ins", "del")]


def redlines(folder: Path, ext: str) -> list[Path]:
    return sorted(folder.glob(f"redline-*.{ext}"))


def test_a_status_change_alone_redlines_nothing(repo: Repo) -> None:
    """sent → review moves the version stamp and brings ПРОЕКТ back: neither is content."""
    repo.edit(f"offers/{CONTRACT}.yaml", "status: approved", "status: sent")
    repo.commit("Отправлено клиенту", "2026-11-03")
    repo.edit(f"offers/{CONTRACT}.yaml", "status: sent", "status: review")
    repo.commit("Снова на согласовании", "2026-11-04")
    result = run("-C", repo.root, "diff", CONTRACT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  status: sent → review",
        "same text: proposal, discount_scheme, contract, disagreements",
    ]
    assert not (repo.root / "out" / CONTRACT).exists()


def test_redlines_leave_the_watermark_and_the_version_stamp_unmarked(
    repo: Repo, pages: list[str]
) -> None:
    sent, changed = sent_then_changed(repo)  # sent → review, with 8 pumps and 21 days
    result = run("-C", repo.root, "diff", CONTRACT)
    assert result.exit_code == 0, result.output
    folder = repo.root / "out" / CONTRACT
    assert len(redlines(folder, "docx")) == len(pages) == 3
    for path in redlines(folder, "docx"):
        marks = list(docx_marks(path))
        assert "8" in marks  # the pumps: a change is marked
        for mark in marks:
            assert WATERMARK not in mark and STAMP not in mark, (path.name, mark)
            assert sent[:7] not in mark and changed[:7] not in mark, (path.name, mark)
    for page in pages:
        marks = html_marks(page)
        assert "8" in marks
        assert [m for m in marks if WATERMARK in m or STAMP in m or sent[:7] in m] == []
    for path in redlines(folder, "pdf"):
        text = pdf_text(path)
        assert sent[:7] not in text  # was "версия 2 3 · b8f63c7 56b19e2"
        assert f"версия 2 · {changed[:7]}" in text  # sending it was no new version
        assert WATERMARK not in text  # drawn as outlines, never in the text layer
    # the new version is a draft again, as it says: its pages draw the watermark
    assert pages and all('class="watermark"' in page for page in pages)


def test_a_redline_back_to_the_sent_version_has_no_watermark(repo: Repo, pages: list[str]) -> None:
    sent, changed = sent_then_changed(repo)
    result = run("-C", repo.root, "diff", CONTRACT, changed, sent)
    assert result.exit_code == 0, result.output
    assert pages and all(WATERMARK not in page for page in pages)
    for path in redlines(repo.root / "out" / CONTRACT, "pdf"):
        text = pdf_text(path)
        assert WATERMARK not in text  # the struck-through ПРОЕКТ of the draft was drawn here
        first = repo.git("rev-list", "--max-parents=0", "HEAD")  # sending changed nothing
        assert changed[:7] not in text and f"версия 1 · {first[:7]}" in text
    for path in redlines(repo.root / "out" / CONTRACT, "docx"):
        with zipfile.ZipFile(path) as archive:
            assert all(
                WATERMARK not in archive.read(name).decode("utf-8")
                for name in archive.namelist()
                if name.endswith(".xml")
            )


# --- the console's lines ------------------------------------------------------------------


def test_console_lines_show_the_changed_words_in_context(repo: Repo) -> None:
    repo.edit(
        f"offers/{CONTRACT}.yaml",
        "в течение 10 (десяти)\n            банковских дней",
        "в течение 20 (двадцати)\n            календарных дней",
    )
    result = run("-C", repo.root, "diff", CONTRACT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:3] == [
        "  contract.negotiation.payment.prepayment.rounds[0].text: «…Товара в течение 10 (десяти)"
        " банковских дней с даты…» → «…Товара в течение 20 (двадцати) календарных дней с даты…»",
        "  clause 3.5 (payment.prepayment): «…Товара в течение 10 (десяти) банковских дней с"
        " даты…» → «…Товара в течение 20 (двадцати) календарных дней с даты…»",
    ]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("6", "8", "x: 6 → 8"),  # short values whole, as before
        (
            "Срок поставки составляет 14 календарных дней с даты получения предоплаты на счёт.",
            "Срок поставки составляет 21 календарный день с даты получения предоплаты на счёт.",
            "x: «Срок поставки составляет 14 календарных дней с даты…»"
            " → «Срок поставки составляет 21 календарный день с даты…»",
        ),
        (  # added at the end: the words before it, and where
            "Поставщик вправе досрочно поставить Товар по согласованию с Покупателем.",
            "Поставщик вправе досрочно поставить Товар по согласованию с Покупателем."
            " Досрочная поставка не меняет сроков оплаты.",
            "x: «…согласованию с Покупателем.» → «…согласованию с Покупателем. Досрочная"
            " поставка не меняет…»",
        ),
        (  # rewritten whole: cut at a word, never wider than 60
            "Первая редакция пункта, в которой каждое слово было другим и длинным-длинным.",
            "Вторая версия текста, где ни одно слово не совпадает с прежним вариантом вообще.",
            "x: «Первая редакция пункта, в которой каждое слово было другим…»"
            " → «Вторая версия текста, где ни одно слово не совпадает с…»",
        ),
    ],
)
def test_a_change_shows_whole_values_or_words_in_context(old: str, new: str, line: str) -> None:
    shown = diff_module.change_line("x", old, new)
    assert shown == line
    assert all(len(side) <= diff_module.WIDTH for side in re.findall("«([^»]*)»", shown))


# --- the redline files --------------------------------------------------------------------


def test_each_pair_of_versions_keeps_its_own_redlines(repo: Repo) -> None:
    sent, changed = sent_then_changed(repo)  # 6 → 8 pumps
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 8", "qty: 10")
    ten = repo.commit("Десять насосов", "2026-11-06")
    assert run("-C", repo.root, "diff", CONTRACT, sent, changed).exit_code == 0
    result = run("-C", repo.root, "diff", CONTRACT, changed, ten)
    assert result.exit_code == 0, result.output
    folder = repo.root / "out" / CONTRACT
    first = redlined(folder, "proposal.docx", sent, changed)
    second = redlined(folder, "proposal.docx", changed, ten)
    # Compared as a set: the names sort by commit hashes, which vary with the example's data.
    assert {path.name for path in redlines(folder, "docx") if "proposal" in path.name} == {
        f"redline-proposal.{changed[:7]}-{ten[:7]}.docx",
        f"redline-proposal.{sent[:7]}-{changed[:7]}.docx",
    }
    assert [text for text, _, _ in marks(first, "ins")][:1] == ["8"]
    assert [text for text, _, _ in marks(second, "ins")][:1] == ["10"]
    assert f"{second.name}\n" in result.stdout  # the second diff says which it wrote
    assert len(redlines(folder, "pdf")) == len(redlines(folder, "docx")) == 6


def test_builds_and_verify_leave_redlines_alone(repo: Repo) -> None:
    source = repo.root / "offers" / f"{OFFER}.yaml"
    plain = source.read_text("utf-8")
    source.write_text(plain + 'contract: {type: supply, number: "2026/020", city: Москва}\n')
    base = repo.git("rev-parse", "HEAD")
    repo.commit("Договор к КП", "2026-11-02")
    assert run("-C", repo.root, "build", OFFER).exit_code == 0
    assert run("-C", repo.root, "diff", OFFER).exit_code == 0
    folder = repo.root / "out" / OFFER
    made = sorted(path.name for path in folder.glob("redline-*"))
    assert made == [
        redlined(folder, "contract.docx", base).name,
        redlined(folder, "contract.pdf", base).name,
    ]
    verified = run("-C", repo.root, "verify", OFFER)
    assert verified.exit_code == 0, verified.output
    assert "redline" not in verified.output
    source.write_text(plain)  # the contract goes: its build removes its documents, not its redlines
    built = run("-C", repo.root, "build", OFFER)
    assert built.exit_code == 0, built.output
    assert not (folder / "contract.docx").exists() and (folder / "proposal.docx").exists()
    assert sorted(path.name for path in folder.glob("redline-*")) == made
    assert run("-C", repo.root, "verify", OFFER).exit_code == 0
