"""Turn two sequences of units into aligned steps, and two texts into word-level spans.

Both formats are read as a sequence of units (paragraph-like blocks and table rows); the
two sequences are aligned here, and paired units are diffed word by word here, once for
DOCX and HTML alike.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal, NamedTuple, TypeAlias

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
    old_bounds, new_bounds = offsets(old), offsets(new)
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
    old_at, new_at = offsets(old_tokens), offsets(new_tokens)
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


def offsets(parts: Sequence[str]) -> list[int]:
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
