"""Turn aligned units of two trees into the newer tree marked with what changed.

The driver is written once; an adapter per format (`DocxRedliner`, `HtmlRedliner`) only
says how to read units from its tree and how to mark them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from .align import ROW, TEXT, Change, Delete, Equal, Insert, Node, Step, Unit, align


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
