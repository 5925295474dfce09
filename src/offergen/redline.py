"""Turn two renderings of one document into the newer one marked up with what changed.

DOCX gets native tracked changes (`w:ins` / `w:del`) that Word and LibreOffice offer to
accept or reject; HTML gets `<ins>` / `<del>` elements that WeasyPrint draws in colour.
Both formats are read as a sequence of units (paragraph-like blocks and table rows), the
two sequences are aligned, and paired units are diffed word by word. The alignment and
the word diff are written once here; an adapter per format only says how to read units
from its tree and how to mark them.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from typing import Any, Literal, NamedTuple, TypeAlias

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

__all__ = ["blank_docx", "blank_html", "redline_counts", "redline_docx", "redline_html"]

Node: TypeAlias = Any  # an lxml element: lxml ships no type information

# Numbers keep their no-break thousands separators and decimal comma ("1 234,00"), so a
# changed amount reads as one replaced number rather than a patchwork of digit groups.
TOKEN = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*|\w+|\s+|[^\w\s]")
COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")  # what HTML folds into one space; not U+00A0
MIN_LIKENESS = 0.5
BAND = 25  # in a long run of changed units, only those this close in order may pair

# ---------------------------------------------------------------------------------------
# Units and their alignment, shared by both formats

TEXT = "text"  # a paragraph or leaf block: diffed word by word when paired
OTHER = "other"  # a block of any other kind: kept, inserted or deleted whole, never diffed
ROW = "row"  # prefix of a row's kind, followed by its number of cells


@dataclass(frozen=True)
class Unit:
    """A paragraph-like block or a table row, with the visible text that identifies it."""

    kind: str  # TEXT, OTHER or "row<cells>": only rows with as many cells are diffed cell by cell
    key: str
    node: Node
    cells: tuple[str, ...] = ()

    @property
    def is_row(self) -> bool:
        return self.kind.startswith(ROW)


@dataclass(frozen=True)
class Equal:
    old: Unit
    new: Unit


@dataclass(frozen=True)
class Change:
    old: Unit
    new: Unit


@dataclass(frozen=True)
class Insert:
    new: Unit


@dataclass(frozen=True)
class Delete:
    old: Unit


Step: TypeAlias = Equal | Change | Insert | Delete


def align(old: Sequence[Unit], new: Sequence[Unit]) -> list[Step]:
    """The steps that turn `old` into `new`, in document order."""
    matcher = SequenceMatcher(
        None, [(u.kind, u.key) for u in old], [(u.kind, u.key) for u in new], autojunk=False
    )
    steps: list[Step] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps += [Equal(o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            steps += _pair(old[i1:i2], new[j1:j2])
    return steps


def _pair(old: Sequence[Unit], new: Sequence[Unit]) -> list[Step]:
    """Pair replaced units in order: as many pairs as possible, then the most alike.

    Units alike by less than MIN_LIKENESS stay unpaired unless they are the only two of
    their kind here: an unrelated new clause reads better inserted whole than diffed
    against a deleted one, but a lone pair is most likely one unit rewritten, and a
    paragraph diffed in place keeps its paragraph mark out of the changes.
    Unpaired units become deletions, put before the insertions between two pairs.
    """
    weights = _weights(old, new)
    best = [[0.0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in reversed(range(len(old))):
        for j in reversed(range(len(new))):
            paired = best[i + 1][j + 1] + weights[i, j] if (i, j) in weights else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], paired)
    steps: list[Step] = []
    i = j = 0
    while i < len(old) or j < len(new):
        if (i, j) in weights and best[i][j] == best[i + 1][j + 1] + weights[i, j]:
            steps.append(Change(old[i], new[j]))
            i, j = i + 1, j + 1
        elif i < len(old) and best[i][j] == best[i + 1][j]:
            steps.append(Delete(old[i]))
            i += 1
        else:
            steps.append(Insert(new[j]))
            j += 1
    return steps


def _weights(old: Sequence[Unit], new: Sequence[Unit]) -> dict[tuple[int, int], float]:
    """1 + likeness for each pairable (old, new) couple: a pair counts more than likeness.

    Only couples near the diagonal are weighed, so that a table whose every row changed
    costs time in proportion to its rows, not to their square.
    """
    weights: dict[tuple[int, int], float] = {}
    width = BAND * max(len(old), len(new))
    old_words = [_words(unit.key) for unit in old]
    old_kinds, new_kinds = Counter(u.kind for u in old), Counter(u.kind for u in new)
    matcher: SequenceMatcher[str] = SequenceMatcher(autojunk=False)
    for j, theirs in enumerate(new):
        if theirs.kind == OTHER:
            continue
        alone = old_kinds[theirs.kind] == new_kinds[theirs.kind] == 1
        floor = 0.0 if alone else MIN_LIKENESS
        matcher.set_seq2(_words(theirs.key))  # the matcher caches its analysis of seq2
        first = max(0, -(-(j * len(old) - width) // len(new)))
        last = min(len(old), (j * len(old) + width) // len(new) + 1)
        for i in range(first, last):
            if old[i].kind != theirs.kind:
                continue
            matcher.set_seq1(old_words[i])
            if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
                likeness = matcher.ratio()
                if likeness >= floor:
                    weights[i, j] = 1.0 + likeness
    return weights


def _words(text: str) -> list[str]:
    return [token for token in TOKEN.findall(text) if not token.isspace()]


# ---------------------------------------------------------------------------------------
# The word diff, shared by both formats

Op: TypeAlias = Literal["equal", "insert", "delete"]


class Span(NamedTuple):
    """Part of one source run: kept or inserted (a NEW run) or deleted (an OLD run)."""

    op: Op
    run: int
    start: int
    end: int


def diff_runs(old: Sequence[str], new: Sequence[str], *, fold_space: bool = False) -> list[Span]:
    """Diff the texts of two run sequences by words, cut at the runs' boundaries.

    Runs are what carries formatting (DOCX runs, HTML text nodes): the caller rebuilds
    each span with the formatting of the run it comes from. With `fold_space`, runs of
    spaces, tabs and newlines are one space, as HTML shows them.
    """
    old_bounds, new_bounds = _bounds(old), _bounds(new)
    spans: list[Span] = []
    for op, start, end in _diff_text("".join(old), "".join(new), fold_space):
        spans += _cut(op, start, end, old_bounds if op == "delete" else new_bounds)
    return spans


def _diff_text(old: str, new: str, fold_space: bool) -> list[tuple[Op, int, int]]:
    """(op, start, end) pieces, offsets into `new` for kept and inserted text, else `old`."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    fold = _fold if fold_space else str
    matcher = SequenceMatcher(
        None, [fold(t) for t in old_tokens], [fold(t) for t in new_tokens], autojunk=False
    )
    old_at, new_at = _bounds(old_tokens), _bounds(new_tokens)
    blocks: list[Block] = [
        (tag, old_at[i1], old_at[i2], new_at[j1], new_at[j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    pieces: list[tuple[Op, int, int]] = []
    for tag, a1, a2, b1, b2 in _absorb_equalities(blocks):
        if tag == "equal":
            pieces.append(("equal", b1, b2))
            continue
        if a2 > a1 and not (fold_space and _at_edge(old, a1, a2)):
            pieces.append(("delete", a1, a2))
        if b2 > b1:
            pieces.append(("equal" if fold_space and _at_edge(new, b1, b2) else "insert", b1, b2))
    return pieces


def _at_edge(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is leading or trailing whitespace, which HTML does not show."""
    return (start == 0 or end == len(text)) and bool(COLLAPSIBLE.fullmatch(text, start, end))


Block: TypeAlias = tuple[str, int, int, int, int]


def _absorb_equalities(blocks: list[Block]) -> list[Block]:
    """Fold kept text into the changes around it when it is no longer than either of them.

    Without this a rewritten phrase keeps stray common words ("Девятьсот сорок [три]
    тысячи" against "Один миллион … девяносто [три]") and reads as a patchwork; with it,
    "14 дней" -> "21 день" is one change. This is diff-match-patch's semantic cleanup.
    """
    merged: list[Block] = []
    for block in blocks:
        while block[0] != "equal" and len(merged) >= 2 and _absorbs(merged[-2], merged[-1], block):
            merged.pop()
            first = merged.pop()
            block = ("replace", first[1], block[2], first[3], block[4])
        merged.append(block)
    return merged


def _absorbs(before: Block, kept: Block, after: Block) -> bool:
    return (
        before[0] != "equal"
        and kept[0] == "equal"
        and kept[4] - kept[3] <= min(_size(before), _size(after))
    )


def _size(block: Block) -> int:
    return max(block[2] - block[1], block[4] - block[3])


def _fold(token: str) -> str:
    return " " if COLLAPSIBLE.fullmatch(token) else token


def _bounds(parts: Sequence[str]) -> list[int]:
    """Offsets where each part starts, and the total length last."""
    bounds = [0]
    for part in parts:
        bounds.append(bounds[-1] + len(part))
    return bounds


def _cut(op: Op, start: int, end: int, bounds: list[int]) -> list[Span]:
    spans = []
    run = bisect_right(bounds, start) - 1
    while start < end:
        stop = min(end, bounds[run + 1])
        if stop > start:
            spans.append(Span(op, run, start - bounds[run], stop - bounds[run]))
            start = stop
        run += 1
    return spans


# ---------------------------------------------------------------------------------------
# Driving an adapter over aligned units, shared by both formats


class Redliner(ABC):
    """Marks the NEW tree with the changes from the OLD one; subclasses know the format."""

    @abstractmethod
    def units(self, container: Node) -> list[Unit]:
        """The units directly in `container` (the body or a table cell), in order."""

    @abstractmethod
    def cells(self, row: Node) -> list[Node]: ...

    @abstractmethod
    def is_leaf(self, cell: Node) -> bool:
        """Whether a cell holds text directly rather than units of its own."""

    @abstractmethod
    def text(self, node: Node) -> str: ...

    @abstractmethod
    def can_diff_text(self, old: Node, new: Node) -> bool: ...

    @abstractmethod
    def diff_text(self, old: Node, new: Node) -> None:
        """Mark the word changes from `old` inside `new`."""

    @abstractmethod
    def mark_inserted(self, node: Node) -> None: ...

    @abstractmethod
    def deleted_copy(self, node: Node) -> Node:
        """A copy of an OLD unit, marked deleted and safe to put in the NEW tree."""

    @abstractmethod
    def table_of(self, row: Node) -> Node: ...

    @abstractmethod
    def empty_table(self, table: Node) -> Node:
        """A table like OLD's `table`, without rows: a home for rows of a deleted table."""

    @abstractmethod
    def append(self, container: Node, node: Node) -> None: ...

    def row_unit(self, row: Node) -> Unit:
        cells = tuple(self._cell_key(cell) for cell in self.cells(row))
        return Unit(f"{ROW}{len(cells)}", "\t".join(cells), row, cells)

    def _cell_key(self, cell: Node) -> str:
        if self.is_leaf(cell):
            return self.text(cell)
        return "\n".join(unit.key for unit in self.units(cell))

    def redline(self, old: Node, new: Node) -> bool:
        """Mark `new` (a body) with the changes from `old`; False when nothing changed."""
        old_units, new_units = self.units(old), self.units(new)
        if [(u.kind, u.key) for u in old_units] == [(u.kind, u.key) for u in new_units]:
            return False
        self._redline_units(old_units, new_units, new)
        return True

    def _redline_units(self, old: list[Unit], new: list[Unit], container: Node) -> None:
        steps = align(old, new)
        places = _Places(self, container, steps)
        for index, (step, following) in enumerate(zip(steps, _following(steps), strict=True)):
            match step:
                case Equal(new=unit):
                    places.previous = unit
                case Insert(new=unit):
                    self.mark_inserted(unit.node)
                    places.previous = unit
                case Change(old=old_unit, new=unit):
                    if not self._change(old_unit, unit):
                        places.put(self.deleted_copy(old_unit.node), old_unit, unit, [unit])
                        self.mark_inserted(unit.node)
                    places.previous = unit
                case Delete(old=old_unit):
                    reach = _reach(steps[index + 1 :]) if old_unit.is_row else []
                    places.put(self.deleted_copy(old_unit.node), old_unit, following, reach)

    def _change(self, old: Unit, new: Unit) -> bool:
        """Diff a pair in place; False when it can only be deleted and inserted whole."""
        if old.key == new.key:
            return True
        if old.kind == TEXT:
            if not self.can_diff_text(old.node, new.node):
                return False
            self.diff_text(old.node, new.node)
            return True
        changed = [
            (ours, theirs)
            for ours, theirs, our_key, their_key in zip(
                self.cells(old.node), self.cells(new.node), old.cells, new.cells, strict=True
            )
            if our_key != their_key
        ]
        # Checked before anything is marked: a row is diffed cell by cell or not at all.
        if not all(self._can_diff_cell(ours, theirs) for ours, theirs in changed):
            return False
        for ours, theirs in changed:
            if self.is_leaf(ours):
                self.diff_text(ours, theirs)
            else:
                self._redline_units(self.units(ours), self.units(theirs), theirs)
        return True

    def _can_diff_cell(self, old: Node, new: Node) -> bool:
        leaf = self.is_leaf(old)
        return leaf == self.is_leaf(new) and (not leaf or self.can_diff_text(old, new))


def _following(steps: Sequence[Step]) -> list[Unit | None]:
    """For each step, the first NEW unit after it: where a deletion can be put before."""
    following: list[Unit | None] = []
    upcoming: Unit | None = None
    for step in reversed(steps):
        following.append(upcoming)
        if not isinstance(step, Delete):
            upcoming = step.new
    return following[::-1]


def _reach(steps: Sequence[Step]) -> list[Unit]:
    """The NEW units a deleted row may go before without changing the order of OLD's units.

    That is past inserted units and other deleted rows, up to the next unit both have: a
    row deleted just before a new paragraph can still join the rest of its table.
    """
    reach: list[Unit] = []
    for step in steps:
        if isinstance(step, Delete):
            if step.old.is_row:
                continue
            break
        reach.append(step.new)
        if not isinstance(step, Insert):
            break
    return reach


class _Places:
    """Puts deleted OLD units into the NEW tree of one container, where OLD had them.

    A deletion goes after the unit placed before it, or before the NEW unit after it,
    preferring the one whose parent is the NEW counterpart of the deleted unit's parent
    (learnt from the units both versions have). A row goes only into a table: next to a
    row of the matching table, or else into an empty copy of its own table.
    """

    def __init__(self, redliner: Redliner, container: Node, steps: Sequence[Step]) -> None:
        self.redliner = redliner
        self.container = container
        self.previous: Unit | None = None
        self.parents: dict[Node, Node] = {}
        for step in steps:
            if isinstance(step, Equal | Change):
                self.parents.setdefault(step.old.node.getparent(), step.new.node.getparent())

    def put(self, node: Node, old: Unit, following: Unit | None, reach: list[Unit]) -> None:
        if not old.is_row:
            self._put_block(node, old.node, following)
        elif not self._put_row(node, old.node, reach):
            origin = self.redliner.table_of(old.node)
            table = self.redliner.empty_table(origin)
            table.append(node)
            self.parents[old.node.getparent()] = table  # for the next rows of that table
            self._put_block(table, origin, following)
        self.previous = Unit(old.kind, old.key, node, old.cells)

    def _put_row(self, node: Node, origin: Node, reach: list[Unit]) -> bool:
        previous = self.previous
        if previous is not None and previous.is_row and self._fits(previous.node, origin):
            previous.node.addnext(node)
            return True
        for unit in reach:
            if unit.is_row and self._fits(unit.node, origin):
                unit.node.addprevious(node)
                return True
        return False

    def _put_block(self, node: Node, origin: Node, following: Unit | None) -> None:
        before = self._outer(self.previous)
        after = self._outer(following)
        if before is not None and (
            after is None or self._fits(before, origin) or not self._fits(after, origin)
        ):
            before.addnext(node)
        elif after is not None:
            after.addprevious(node)
        else:
            self.redliner.append(self.container, node)

    def _outer(self, unit: Unit | None) -> Node | None:
        """What a block can sit next to: the unit itself, or a row's table."""
        if unit is None:
            return None
        return self.redliner.table_of(unit.node) if unit.is_row else unit.node

    def _fits(self, anchor: Node, origin: Node) -> bool:
        """Whether `anchor` shares the parent that `origin` had in OLD."""
        parent = anchor.getparent()
        target = self.parents.get(origin.getparent())
        if target is not None:
            return bool(parent is target)
        return all(parent is not known for known in self.parents.values())


# ---------------------------------------------------------------------------------------
# DOCX: native tracked changes in word/document.xml

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


def blank_html(html: str) -> str:
    """The page with an empty body: the HTML counterpart of `blank_docx`."""
    root = lxml.html.document_fromstring(html)
    for child in list(root.body):
        root.body.remove(child)
    root.body.text = None
    blank: str = lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")
    return blank


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
        starts = _bounds([a.text for a in new_atoms])
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


# ---------------------------------------------------------------------------------------
# HTML: <ins> and <del> for the PDF

BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "dd", "details"),
        *("dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav"),
        *("ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "ul"),
    }
)
# Not text: a drawing (the draft watermark is an <svg>) shows a status, not a change.
HIDDEN_TAGS = frozenset({"head", "script", "style", "template", "svg"})
CELL_TAGS = frozenset({"td", "th"})
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
REDLINE_CSS = (
    "ins.redline { color: #1f4fbf; text-decoration: underline; }\n"
    "del.redline { color: #c62828; text-decoration: line-through; }\n"
    "del.redline + ins.redline { margin-left: 0.2em; }\n"  # "14 дней 21 день", not "дней21"
)


class Slot(NamedTuple):
    """One text node of HTML: an element's text or tail."""

    owner: Node
    name: Literal["text", "tail", "br"]  # "br": a line break, read as a space
    text: str


def redline_html(old: str, new: str) -> str | None:
    """NEW's HTML with `<ins>`/`<del class="redline">` for the changes; None if none.

    Only visible text counts: markup and whitespace that HTML folds are not changes. A
    `<style>` added to `<head>` colours the marks for WeasyPrint.
    """
    old_root = lxml.html.document_fromstring(old)
    new_root = lxml.html.document_fromstring(new)
    if not HtmlRedliner(old_root, new_root).redline(old_root.body, new_root.body):
        return None
    head = new_root.find("head")
    if head is None:
        head = new_root.makeelement("head", {})
        new_root.insert(0, head)
    style = head.makeelement("style", {})
    style.text = REDLINE_CSS
    head.append(style)
    html: str = lxml.html.tostring(new_root, doctype="<!DOCTYPE html>", encoding="unicode")
    return html


class HtmlRedliner(Redliner):
    """Units are leaf elements (no block inside) and table rows."""

    def __init__(self, old: Node, new: Node) -> None:
        self.holders = _block_holders(old) | _block_holders(new)

    def units(self, container: Node) -> list[Unit]:
        units: list[Unit] = []
        for child in container.iterchildren(etree.Element):
            if child.tag in HIDDEN_TAGS:
                continue
            if child.tag == "tr":
                units.append(self.row_unit(child))
            elif child in self.holders:
                units += self.units(child)
            else:
                units.append(Unit(TEXT, self.text(child), child))
        return units

    def cells(self, row: Node) -> list[Node]:
        return [cell for cell in row.iterchildren(etree.Element) if cell.tag in CELL_TAGS]

    def is_leaf(self, cell: Node) -> bool:
        return cell not in self.holders

    def text(self, node: Node) -> str:
        return COLLAPSIBLE.sub(" ", "".join(slot.text for slot in _slots(node))).strip()

    def can_diff_text(self, old: Node, new: Node) -> bool:
        return new.tag not in VOID_TAGS  # marks cannot go inside <br> or <img>

    def diff_text(self, old: Node, new: Node) -> None:
        old_text = "".join(slot.text for slot in _slots(old))
        slots = list(_slots(new))
        spans = diff_runs([old_text], [slot.text for slot in slots], fold_space=True)
        pieces: list[list[tuple[Op, str]]] = [[] for _ in slots]
        current = 0
        for span in spans:
            if span.op == "delete":
                # A line break is no text node: what is deleted there goes after it.
                at = current + 1 if slots[current].name == "br" else current
                pieces[at].append(("delete", old_text[span.start : span.end]))
            else:
                current = span.run
                pieces[current].append((span.op, slots[current].text[span.start : span.end]))
        for slot, slot_pieces in zip(slots, pieces, strict=True):
            if slot.name != "br" and any(op != "equal" for op, _ in slot_pieces):
                _rewrite(slot, slot_pieces)

    def mark_inserted(self, node: Node) -> None:
        _wrap_leaves(node, "ins")

    def deleted_copy(self, node: Node) -> Node:
        node = copy.deepcopy(node)
        node.tail = None
        for element in node.iter(etree.Element):
            element.attrib.pop("id", None)  # ids must stay unique
        _wrap_leaves(node, "del")
        return node

    def table_of(self, row: Node) -> Node:
        table = next(row.iterancestors("table"), None)
        return row.getparent() if table is None else table

    def empty_table(self, table: Node) -> Node:
        return table.makeelement(table.tag, {k: v for k, v in table.attrib.items() if k != "id"})

    def append(self, container: Node, node: Node) -> None:
        container.append(node)


def _block_holders(root: Node) -> set[Node]:
    """Every element with a block element inside: those are read as containers."""
    holders: set[Node] = set()
    for block in root.iter(*BLOCK_TAGS):
        for ancestor in block.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return holders


def _slots(node: Node) -> Iterator[Slot]:
    """The visible text nodes under `node`, in reading order."""
    if node.tag == "br":
        yield Slot(node, "br", " ")
    else:
        yield Slot(node, "text", node.text or "")
        for child in node:
            if isinstance(child.tag, str) and child.tag not in HIDDEN_TAGS:
                yield from _slots(child)
            yield Slot(child, "tail", child.tail or "")


def _rewrite(slot: Slot, pieces: list[tuple[Op, str]]) -> None:
    """Replace one text node by its pieces: kept text stays text, the rest is marked."""
    if slot.name == "text":
        parent, index = slot.owner, 0
    else:
        parent = slot.owner.getparent()
        index = parent.index(slot.owner) + 1
    setattr(slot.owner, slot.name, None)
    marks: list[Node] = []
    for op, text in pieces:
        if op == "equal" and not marks:
            setattr(slot.owner, slot.name, (getattr(slot.owner, slot.name) or "") + text)
        elif op == "equal":
            marks[-1].tail = (marks[-1].tail or "") + text
        elif marks and marks[-1].tag == _html_tag(op) and not marks[-1].tail:
            marks[-1].text += text
        else:
            marks.append(parent.makeelement(_html_tag(op), {"class": "redline"}))
            marks[-1].text = text
            parent.insert(index + len(marks) - 1, marks[-1])


def _html_tag(op: Op) -> str:
    return "ins" if op == "insert" else "del"


def _wrap_leaves(node: Node, tag: str) -> None:
    """Wrap the content of every leaf element under `node` (itself included) in `tag`."""
    holders = _block_holders(node)
    for element in list(node.iter(etree.Element)):
        leaf = element not in holders and element.tag not in HIDDEN_TAGS
        top = element is node or element.getparent() in holders
        if leaf and top and (element.text or len(element)):
            mark = element.makeelement(tag, {"class": "redline"})
            mark.text, element.text = element.text, None
            mark.extend(list(element))
            element.append(mark)
