"""Turn two HTML renderings into the newer one with `<ins>`/`<del>`, for the PDF redline."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator
from typing import Literal, NamedTuple

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from .align import COLLAPSIBLE, TEXT, Node, Op, Unit, diff_runs
from .redliner import Redliner


def blank_html(html: str) -> str:
    """The page with an empty body: the HTML counterpart of `blank_docx`."""
    root = lxml.html.document_fromstring(html)
    for child in list(root.body):
        root.body.remove(child)
    root.body.text = None
    blank: str = lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")
    return blank


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


def redline_html(old: str, new: str, *, furniture: Collection[str] = ()) -> str | None:
    """NEW's HTML with `<ins>`/`<del class="redline">` for the changes; None if none.

    Only visible text counts: markup and whitespace that HTML folds are not changes. A
    `<style>` added to `<head>` colours the marks for WeasyPrint. Elements with a class
    named in `furniture` are page furniture, not content (a running footer, a watermark:
    what a DOCX keeps in its header and footer, which `redline_docx` does not compare):
    they stay as NEW has them, never marked and never a change by themselves.
    """
    old_root = lxml.html.document_fromstring(old)
    new_root = lxml.html.document_fromstring(new)
    redliner = HtmlRedliner(old_root, new_root, furniture)
    if not redliner.redline(old_root.body, new_root.body):
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

    def __init__(self, old: Node, new: Node, furniture: Collection[str] = ()) -> None:
        self.holders = _block_holders(old) | _block_holders(new)
        self.furniture = frozenset(furniture)

    def units(self, container: Node) -> list[Unit]:
        units: list[Unit] = []
        for child in container.iterchildren(etree.Element):
            if child.tag in HIDDEN_TAGS or not self.furniture.isdisjoint(child.classes):
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
