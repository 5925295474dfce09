"""Turn a built PDF and DOCX pair into a verdict: do both carry the same words, in order?

The DOCX is read as Word shows it (body paragraphs and table cells in order, headers
and footers apart); the PDF as its text layer, page by page, less what only paged media
add: the running footer with its page counter, and table headers repeated on later
pages. A draft's watermark is in neither: a shape in the DOCX header, the outlines of
its letters in the PDF.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from pypdf import PdfReader

from .errors import OffergenError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTEXT_WORDS = 6
REDLINE = "redline-"  # redlines carry both versions' words: not a pair to compare


class Unreadable(OffergenError):
    """A built file that cannot be read as what its name says: damaged, cut short."""

    def __init__(self, kind: str, error: Exception) -> None:
        self.kind = kind  # "pdf" or "docx"
        super().__init__(f"not a {kind.upper()} that can be read ({type(error).__name__}: {error})")


def pdf_pages(data: bytes) -> list[str]:
    logger, level = logging.getLogger("pypdf"), logging.getLogger("pypdf").level
    logger.setLevel(logging.ERROR)  # its notes on a damaged file: the verdict says it
    try:
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise Unreadable("pdf", error) from None
    finally:
        logger.setLevel(level)


def _word(data: bytes) -> Any:
    try:
        return Document(io.BytesIO(data))
    except Exception as error:  # zipfile, python-docx and lxml raise many kinds
        raise Unreadable("docx", error) from None


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


def _text_of(element: object) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))  # type: ignore[attr-defined]


def _cell_text(cell: object) -> str:
    # Paragraphs inside a cell are separate lines, as Word shows them.
    return "\n".join(_text_of(p) for p in cell.iter(W + "p"))  # type: ignore[attr-defined]


def docx_lines(data: bytes, *, footers: bool = False) -> list[str]:
    """Body paragraphs, then table rows with their cells joined by tabs, in document order."""
    document = _word(data)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_text_of(child))
        elif tag == "tbl":
            for row in child.iter(W + "tr"):
                lines.append("\t".join(_cell_text(cell) for cell in row.iter(W + "tc")))
    if footers:
        lines += [_text_of(section.footer._element) for section in document.sections]
    return lines


def docx_header_rows(data: bytes) -> list[list[str]]:
    """The words of every table row marked to repeat on each page."""
    document = _word(data)
    rows = []
    for row in document.element.body.iter(W + "tr"):
        properties = row.find(W + "trPr")
        if properties is not None and properties.find(W + "tblHeader") is not None:
            rows.append(words(" ".join(_cell_text(cell) for cell in row.iter(W + "tc"))))
    return rows


def words(text: str) -> list[str]:
    """Whitespace-separated words; a line broken after a hyphen is joined again."""
    text = re.sub(r"-\s*\n\s*", "-", text.replace("\u00a0", " "))
    return [word for word in text.split() if not set(word) <= {"_"}]


@dataclass(frozen=True)
class Difference:
    index: int
    pdf: str
    docx: str

    def __str__(self) -> str:
        return f"word {self.index + 1}: PDF «{self.pdf}» / DOCX «{self.docx}»"


def compare(pdf: bytes, docx: bytes, page_label: str, of_label: str) -> Difference | None:
    """The first place where the two documents' words differ, or None; `Unreadable`
    when either cannot be read."""
    docx_words = [w for line in docx_lines(docx) for w in words(line)]
    pdf_words = _without_page_furniture(pdf_pages(pdf), page_label, of_label)
    for header in docx_header_rows(docx):
        pdf_words = _drop_repeats(pdf_words, header, _count(docx_words, header))
    for index, (left, right) in enumerate(zip(pdf_words, docx_words, strict=False)):
        if left != right:
            return Difference(index, _around(pdf_words, index), _around(docx_words, index))
    if len(pdf_words) != len(docx_words):
        index = min(len(pdf_words), len(docx_words))
        return Difference(index, _around(pdf_words, index), _around(docx_words, index))
    return None


def _without_page_furniture(pages: Sequence[str], page_label: str, of_label: str) -> list[str]:
    # Each page ends with the running footer and "стр. N из M": drop that line pair.
    counter = re.compile(
        rf"\n[^\n]*\n?\s*{re.escape(page_label)}\s+\d+\s+{re.escape(of_label)}\s+\d+\s*$"
    )
    kept: list[str] = []
    for page in pages:
        kept += words(counter.sub("", "\n" + page.rstrip()))
    return kept


def _count(sequence: Sequence[str], part: Sequence[str]) -> int:
    return sum(1 for i in range(len(sequence)) if list(sequence[i : i + len(part)]) == list(part))


def _drop_repeats(sequence: list[str], part: Sequence[str], keep: int) -> list[str]:
    if not part:
        return sequence
    out, seen, i = [], 0, 0
    while i < len(sequence):
        if list(sequence[i : i + len(part)]) == list(part):
            seen += 1
            if seen > keep:
                i += len(part)
                continue
        out.append(sequence[i])
        i += 1
    return out


def _around(sequence: Sequence[str], index: int) -> str:
    start = max(0, index - CONTEXT_WORDS // 2)
    shown = sequence[start : index + CONTEXT_WORDS]
    return " ".join(shown) if shown else "(end)"


def pairs(names: Iterable[str]) -> list[str]:
    """Document stems that have both a .pdf and a .docx among `names`, redlines apart."""
    found = set(names)
    return sorted(
        name[:-4]
        for name in found
        if name.endswith(".pdf") and f"{name[:-4]}.docx" in found and not name.startswith(REDLINE)
    )
