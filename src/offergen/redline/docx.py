"""Turn two DOCX renderings into the newer one with Word's tracked changes (w:ins, w:del).

Word and LibreOffice offer to accept or reject each change: accepting all gives the new
text, rejecting all the old.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from lxml import etree  # type: ignore[import-untyped]

from .align import OTHER, TEXT, Node, Op, Span, Unit, diff_runs, offsets
from .redliner import Redliner

DOCUMENT = "word/document.xml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

CHARACTERS = {
    W + "tab": "\t",
    W + "br": "\n",
    W + "cr": "\n",
    W + "noBreakHyphen": "\u2011",
    W + "softHyphen": "\u00ad",
}
TEXT_PARTS = {W + "t", *CHARACTERS}
SIMPLE_RUN = {W + "rPr", W + "lastRenderedPageBreak", *TEXT_PARTS}
SIMPLE_PARAGRAPH = {W + "pPr", W + "r", W + "bookmarkStart", W + "bookmarkEnd", W + "proofErr"}
ANCHORS = {W + "bookmarkStart", W + "bookmarkEnd"}
# Left out of deleted copies: they point into OLD's other parts (relationships, comments,
# notes) or name things NEW names too (bookmarks), and would break or confuse NEW.
UNSAFE_IN_COPIES = (
    *ANCHORS,
    W + "commentRangeStart",
    W + "commentRangeEnd",
    W + "commentReference",
    W + "footnoteReference",
    W + "endnoteReference",
    W + "drawing",
    W + "pict",
    W + "object",
    W + "sectPr",
    W + "permStart",
    W + "permEnd",
    W + "proofErr",
)
MARKS = (W + "ins", W + "del")


class Atom(NamedTuple):
    """One text-bearing child of a run, and its text."""

    run: Node
    part: Node
    text: str


def redline_docx(old: bytes, new: bytes, *, author: str, date: datetime) -> bytes | None:
    """NEW's DOCX with its body's changes from OLD as tracked changes; None if none.

    Accepting every change gives NEW's text, rejecting every change gives OLD's. Only the
    body is compared; every other member of the zip is NEW's, in NEW's order and with
    NEW's timestamps, so the output is the same on every run. A naive `date` is UTC.
    """
    old_root, new_root = _read_document(old), _read_document(new)
    body = new_root.find(W + "body")
    if not DocxRedliner(author, date).redline(old_root.find(W + "body"), body):
        return None
    for container in (body, *body.iter(W + "tc")):
        _settle_marks(container)
    _number_marks(new_root)
    xml = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _replace_member(new, DOCUMENT, xml)


def blank_docx(docx: bytes) -> bytes:
    """The document with an empty body, its section kept: the old side of a document that
    did not exist before, so that its redline shows all of it inserted."""
    root = _read_document(docx)
    body = root.find(W + "body")
    for child in list(body):
        if child.tag != W + "sectPr":
            body.remove(child)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _replace_member(docx, DOCUMENT, xml)


def redline_counts(docx: bytes) -> tuple[int, int]:
    """How many `w:ins` and `w:del` marks a DOCX body carries (paragraph and row marks too)."""
    root = _read_document(docx)
    return len(list(root.iter(W + "ins"))), len(list(root.iter(W + "del")))


def _read_document(docx: bytes) -> Node:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read(DOCUMENT)
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))


def _replace_member(archive: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, data if info.filename == name else source.read(info))
    return out.getvalue()


def _settle_marks(container: Node) -> None:
    """Move each paragraph mark change that cannot be carried out onto an earlier mark.

    A paragraph whose mark goes (an inserted one on rejection, a deleted one on acceptance)
    joins the next paragraph. With only a table that stays after it, or nothing, there is
    none to join, and an empty paragraph would stay behind. Marking instead the nearest
    earlier mark that is not so marked joins the paragraphs between into this one, which
    gives the right text either way, in the formatting of this paragraph: what Word
    itself records when the last paragraph of a document goes.
    """
    blocks = [child for child in container if child.tag in (W + "p", W + "tbl")]
    for tag in MARKS:
        for index, block in enumerate(blocks):
            mark = block.find(f"{W}pPr/{W}rPr/{tag}")
            if mark is not None and not _joins(blocks[index + 1 :], tag):
                _remark(reversed(blocks[:index]), mark)


def _joins(following: Sequence[Node], tag: str) -> bool:
    """Whether a paragraph meets another before a table that stays once `tag` is gone."""
    for block in following:
        if block.tag == W + "p":
            return True
        if not _goes(block, tag):
            return False
    return False


def _remark(preceding: Iterable[Node], mark: Node) -> None:
    """Move `mark` to the nearest of the `preceding` paragraphs without one like it."""
    for block in preceding:
        if block.tag == W + "tbl" and not _goes(block, mark.tag):
            return  # a paragraph cannot join a table
        if block.tag == W + "p" and block.find(f"{W}pPr/{W}rPr/{mark.tag}") is None:
            marks = _mark_properties(_properties(block, "pPr"))
            inserted = len(marks) and marks[0].tag == W + "ins"
            marks.insert(1 if mark.tag == W + "del" and inserted else 0, mark)  # ins before del
            return


def _goes(table: Node, tag: str) -> bool:
    """Whether every row of `table` is marked `tag`: the table goes with them."""
    return all(row.find(f"{W}trPr/{tag}") is not None for row in table.iterchildren(W + "tr"))


def _number_marks(root: Node) -> None:
    """Give the new marks ids in document order, above every id the document already has."""
    taken = (element.get(W + "id", "") for element in root.iter(etree.Element))
    next_id = 1 + max((int(value) for value in taken if value.isdigit()), default=0)
    for mark in root.iter(*MARKS):
        if mark.get(W + "id") == "":
            mark.set(W + "id", str(next_id))
            next_id += 1


def _docx_text(node: Node) -> str:
    return "".join(
        _character(part) for part in node.iter(*TEXT_PARTS) if part.getparent().tag == W + "r"
    )


def _character(part: Node) -> str:
    return CHARACTERS.get(part.tag) or part.text or ""


def _atoms(paragraph: Node) -> list[Atom]:
    return [
        Atom(run, part, _character(part))
        for run in paragraph.iterchildren(W + "r")
        for part in run
        if part.tag in TEXT_PARTS
    ]


def _is_simple(paragraph: Node) -> bool:
    """Only runs of text, with nothing a rebuild of the runs could lose."""
    return all(
        child.tag in SIMPLE_PARAGRAPH
        and (child.tag != W + "r" or all(part.tag in SIMPLE_RUN for part in child))
        for child in paragraph
    )


class DocxRedliner(Redliner):
    """Units are a body's or a cell's paragraphs and its tables' rows."""

    def __init__(self, author: str, date: datetime) -> None:
        if date.tzinfo is not None:
            date = date.astimezone(UTC)
        # The id is a placeholder, numbered at the end in document order.
        self.attributes = {
            W + "id": "",
            W + "author": author,
            W + "date": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def units(self, container: Node) -> list[Unit]:
        units: list[Unit] = []
        for child in container.iterchildren(etree.Element):
            if child.tag == W + "p":
                units.append(Unit(TEXT, _docx_text(child), child))
            elif child.tag == W + "tbl":
                units += [self.row_unit(row) for row in child.iterchildren(W + "tr")]
            elif child.tag != W + "sectPr" and (key := _docx_text(child)):
                units.append(Unit(OTHER, key, child))
        return units

    def cells(self, row: Node) -> list[Node]:
        return list(row.iterchildren(W + "tc"))

    def is_leaf(self, cell: Node) -> bool:
        return False

    def text(self, node: Node) -> str:
        return _docx_text(node)

    def can_diff_text(self, old: Node, new: Node) -> bool:
        return _is_simple(old) and _is_simple(new)

    def diff_text(self, old: Node, new: Node) -> None:
        """Rebuild the runs of `new`; bookmarks stay, proofing marks and layout hints go."""
        old_atoms, new_atoms = _atoms(old), _atoms(new)
        spans = diff_runs([a.text for a in old_atoms], [a.text for a in new_atoms])
        starts = offsets([a.text for a in new_atoms])
        anchors = _anchors(new)
        children: list[Node] = []
        run: Node = None
        source: tuple[Op, Node] | None = None  # where the text of `run` comes from
        for span in spans:
            atom = (old_atoms if span.op == "delete" else new_atoms)[span.run]
            if span.op != "delete" and (due := _due(anchors, starts[span.run] + span.start)):
                children += due
                source = None
            if source != (span.op, atom.run):
                run = self._run_like(atom.run)
                self._add_run(children, run, span.op)
                source = (span.op, atom.run)
            run.append(_text_part(atom, span))
        children += [anchor for _, anchor in anchors]
        for child in list(new):
            if child.tag != W + "pPr":
                new.remove(child)
        new.extend(children)

    def _run_like(self, source: Node) -> Node:
        run = source.makeelement(W + "r", {})
        properties = source.find(W + "rPr")
        if properties is not None:
            run.append(copy.deepcopy(properties))
        return run

    def _add_run(self, children: list[Node], run: Node, op: Op) -> None:
        if op == "equal":
            children.append(run)
            return
        tag = W + ("ins" if op == "insert" else "del")
        last = children[-1] if children else None
        if last is None or last.tag != tag or last.get(W + "id") != "":
            last = self._mark(tag)
            children.append(last)
        last.append(run)

    def _mark(self, tag: str) -> Node:
        return etree.Element(tag, self.attributes)

    def mark_inserted(self, node: Node) -> None:
        self._mark_all(node, W + "ins")

    def deleted_copy(self, node: Node) -> Node:
        node = copy.deepcopy(node)
        for element in list(node.iter(*UNSAFE_IN_COPIES)):
            element.getparent().remove(element)
        for link in list(node.iter(W + "hyperlink")):
            _unwrap(link)
        for element in list(node.iter(etree.Element)):
            if any(name.startswith(R) for name in element.attrib):
                element.getparent().remove(element)
            for name in (W14 + "paraId", W14 + "textId"):
                element.attrib.pop(name, None)
        for mark in node.iter(*MARKS):
            mark.set(W + "id", "")
        for text in node.iter(W + "t"):
            text.tag = W + "delText"
        for instruction in node.iter(W + "instrText"):
            instruction.tag = W + "delInstrText"
        self._mark_all(node, W + "del")
        return node

    def _mark_all(self, node: Node, tag: str) -> None:
        """Mark every run, paragraph mark and row under `node` (itself included)."""
        for run in list(node.iter(W + "r")):
            if run.getparent().tag in MARKS:
                continue
            previous = run.getprevious()
            if previous is not None and previous.tag == tag and previous.get(W + "id") == "":
                previous.append(run)  # one mark for neighbouring runs
            else:
                mark = self._mark(tag)
                run.addprevious(mark)
                mark.append(run)
        for paragraph in node.iter(W + "p"):
            _mark_properties(_properties(paragraph, "pPr")).insert(0, self._mark(tag))
        for row in node.iter(W + "tr"):
            properties = _properties(row, "trPr")
            change = properties.find(W + "trPrChange")
            if change is not None:
                change.addprevious(self._mark(tag))  # ins and del come before trPrChange
            else:
                properties.append(self._mark(tag))

    def table_of(self, row: Node) -> Node:
        return row.getparent()

    def empty_table(self, table: Node) -> Node:
        empty = table.makeelement(W + "tbl", dict(table.attrib))
        empty.extend(copy.deepcopy(child) for child in table if child.tag != W + "tr")
        return empty

    def append(self, container: Node, node: Node) -> None:
        last = container[-1] if len(container) else None
        if last is not None and last.tag == W + "sectPr":
            last.addprevious(node)  # nothing may follow the body's section properties
        else:
            container.append(node)


def _anchors(paragraph: Node) -> list[tuple[int, Node]]:
    """Bookmarks of a paragraph, with the text offset they sit at."""
    anchors: list[tuple[int, Node]] = []
    offset = 0
    for child in paragraph:
        if child.tag == W + "r":
            offset += len(_docx_text(child))
        elif child.tag in ANCHORS:
            anchors.append((offset, child))
    return anchors


def _text_part(atom: Atom, span: Span) -> Node:
    if atom.part.tag != W + "t":
        return copy.deepcopy(atom.part)
    text = atom.text[span.start : span.end]
    part = atom.part.makeelement(W + ("delText" if span.op == "delete" else "t"), {})
    part.text = text
    if text != text.strip():
        part.set(XML_SPACE, "preserve")
    return part


def _due(anchors: list[tuple[int, Node]], offset: int) -> list[Node]:
    """Take the anchors that sit at or before `offset`."""
    due = []
    while anchors and anchors[0][0] <= offset:
        due.append(anchors.pop(0)[1])
    return due


def _properties(parent: Node, name: str) -> Node:
    """A paragraph's pPr or a row's trPr, created where the schema wants it: first."""
    found = parent.find(W + name)
    if found is None:
        found = parent.makeelement(W + name, {})
        parent.insert(1 if len(parent) and parent[0].tag == W + "tblPrEx" else 0, found)
    return found


def _mark_properties(paragraph_properties: Node) -> Node:
    """The paragraph mark's rPr: last in pPr but for a section break and pPrChange."""
    found = paragraph_properties.find(W + "rPr")
    if found is None:
        found = paragraph_properties.makeelement(W + "rPr", {})
        tail = {W + "sectPr", W + "pPrChange"}
        following = next((c for c in paragraph_properties if c.tag in tail), None)
        if following is not None:
            following.addprevious(found)
        else:
            paragraph_properties.append(found)
    return found


def _unwrap(element: Node) -> None:
    for child in list(element):
        element.addprevious(child)
    element.getparent().remove(element)
