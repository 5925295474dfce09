"""Turn a contract DOCX into its blocks as the client left them: every tracked change
accepted (insertions and moves kept, deletions and moved-from text dropped), each block
placed by the bookmarks offergen put in (a clause, the preamble, the parties, …)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from lxml import etree  # type: ignore[import-untyped]

from ..errors import OffergenError
from .marks import CLAUSE_PREFIX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT = "word/document.xml"
COMMENTS = "word/comments.xml"
GONE = {W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "pPr", W + "rPr"}
CHARACTERS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "\u2011"}
SPACES = re.compile(r"[ \t\n\r]+")  # not U+00A0: "943 054,32 ₽" stays one word
NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+")  # "3.6. " before a clause's text

Node: TypeAlias = Any  # an lxml element: lxml ships no type information


class UnreadableDocument(OffergenError):
    """The file is not a Word document offergen can read."""


@dataclass(frozen=True)
class Block:
    """One paragraph, or one table row, of the document.

    `region` says where it is: `header` (title, city, date), `preamble`, `clause`,
    `sections` (section titles and other contract text between clauses), `parties`,
    `appendix` (an appendix's heading), `specification`, `discounts`. A clause's block
    names its bookmark; a row its table (counted through the document) and its cells; a
    parties line its column.
    """

    region: str
    text: str
    bookmark: str | None = None
    table: int | None = None
    cells: tuple[str, ...] = ()
    column: int | None = None


def plain(text: str) -> str:
    """The text with runs of spaces, tabs and breaks as one space, trimmed."""
    return SPACES.sub(" ", text).strip()


def clause_number(text: str) -> tuple[str, str]:
    """ "3.6. Покупатель …" -> ("3.6", "Покупатель …"); ("", text) without a number."""
    found = NUMBER.match(text)
    return (found.group(1), text[found.end() :]) if found else ("", text)


def read_blocks(docx: bytes) -> list[Block]:
    """The body's blocks in order, with tracked changes accepted."""
    return list(_blocks(_body(_part(docx, DOCUMENT))))


def read_comments(docx: bytes) -> list[str]:
    """The comments' authors and texts: "Author: text"."""
    try:
        root = _part(docx, COMMENTS)
    except UnreadableDocument:
        return []
    return [
        f"{comment.get(W + 'author') or '?'}: {plain(accepted_text(comment))}"
        for comment in root.iter(W + "comment")
    ]


def accepted_text(node: Node) -> str:
    """The text under `node` once every tracked change is accepted."""
    return "".join(_pieces(node))


def _pieces(node: Node) -> Iterator[str]:
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag in GONE:
            continue
        if tag == W + "t":
            yield child.text or ""
        elif tag in CHARACTERS:
            yield CHARACTERS[tag]
        else:
            yield from _pieces(child)


def _part(docx: bytes, name: str) -> Node:
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            data = archive.read(name)
    except (zipfile.BadZipFile, KeyError) as error:
        raise UnreadableDocument(f"not a Word document (.docx): {error}") from None
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise UnreadableDocument(f"a damaged Word document: {error}") from None


def _body(root: Node) -> Node:
    body = root.find(W + "body")
    if body is None:
        raise UnreadableDocument("a Word document without a body")
    return body


def _flat(container: Node) -> Iterator[Node]:
    """Paragraphs and tables in order, looking through content controls and moves."""
    for child in container:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "ins", W + "moveTo", W + "customXml"):
            yield from _flat(child)


def _bookmarks(node: Node) -> list[str]:
    return [mark.get(W + "name") or "" for mark in node.iter(W + "bookmarkStart")]


def _blocks(body: Node) -> Iterator[Block]:
    region, tables = "header", 0
    for node in _flat(body):
        names = _bookmarks(node)
        if node.tag == W + "tbl":
            tables += 1
            parties = any(name.startswith("og_parties") for name in names)
            yield from _table(node, "parties" if parties else region, tables)
            region = "appendix" if parties else region
            continue
        if _vanished(node):
            continue
        text = plain(accepted_text(node))
        clause = next((name for name in names if name.startswith(CLAUSE_PREFIX)), None)
        if clause is not None:
            yield Block("clause", text, bookmark=clause)
            region = "sections"
            continue
        if "og_preamble" in names:
            yield Block("preamble", text)
            region = "sections"
            continue
        region = _region_after(names, region)
        if text:
            yield Block(region, text)


def _region_after(names: list[str], region: str) -> str:
    if "og_specification" in names:
        return "specification"
    if "og_discounts" in names:
        return "discounts"
    return region


def _vanished(paragraph: Node) -> bool:
    """A paragraph deleted whole: its mark deleted or moved away, and no text kept."""
    mark = paragraph.find(f"{W}pPr/{W}rPr")
    gone = mark is not None and (
        mark.find(W + "del") is not None or mark.find(W + "moveFrom") is not None
    )
    return gone and not plain(accepted_text(paragraph))


def _table(table: Node, region: str, number: int) -> Iterator[Block]:
    for row in table.iter(W + "tr"):
        if row.find(f"{W}trPr/{W}del") is not None:
            continue
        cells = [cell for cell in row if cell.tag == W + "tc"]
        if region == "parties":
            for column, cell in enumerate(cells):
                for paragraph in cell.iter(W + "p"):
                    text = plain(accepted_text(paragraph))
                    if text:
                        yield Block(region, text, table=number, column=column)
            continue
        texts = tuple(plain(accepted_text(cell)) for cell in cells)
        if any(texts):
            yield Block(region, " | ".join(texts), table=number, cells=texts)
