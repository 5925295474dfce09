"""Turn YAML bytes into plain data plus a map of where every value stands in the source.

One loader serves every workspace file. It is deliberately stricter than YAML:
anchors, aliases, tags other than the plain ones, duplicate keys and text that is not
UTF-8 are errors; only `true`/`false` are booleans (no `NO -> False`); numbers become
exact `Decimal`s from their source text (no floats, no octal); dates stay text for the
models to check. Every failure becomes a `Problem` with path, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .characters import shown
from .errors import Problem, ValidationFailed
from .limits import MAX_FILE_BYTES, MAX_NESTING

Loc = tuple[str | int, ...]
Position = tuple[int, int]

_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_PLAIN_TAGS = {
    BaseResolver.DEFAULT_SCALAR_TAG,
    BaseResolver.DEFAULT_SEQUENCE_TAG,
    BaseResolver.DEFAULT_MAPPING_TAG,
}


LINE_ESCAPES = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def format_loc(loc: Loc) -> str:
    """Write a data path the way users read it: `items[2].qty` (a key's control
    characters escaped)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = shown(part).translate(LINE_ESCAPES)  # a problem is one line
            text += f".{key}" if text else key
    return text


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text value inside `data`, with where it stands."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*loc, index))


@dataclass
class Document:
    """One loaded YAML file: its data and the source position of every key and value."""

    path: str
    data: Any
    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """Where `loc` stands; a missing value points at the nearest enclosing one."""
        if key and loc in self.keys:
            return self.keys[loc]
        while loc not in self.values and loc:
            loc = loc[:-1]
        return self.values.get(loc, (1, 1))

    def problem(
        self, loc: Loc, message: str, *, key: bool = False, severity: str = "error"
    ) -> Problem:
        line, column = self.position(loc, key=key)
        return Problem(self.path, line, column, format_loc(loc), message, severity)


class _Refusal(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _StrictLoader(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's pure-Python pipeline without a constructor and without implicit types."""

    depth = 0  # of the collection being composed

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise _Refusal("aliases (*name) are not allowed; write the value out", event.start_mark)
        if isinstance(event, NodeEvent) and event.anchor is not None:
            raise _Refusal("anchors (&name) are not allowed; write the value out", event.start_mark)
        # The composer recurses once per level: refuse a deep file before Python's stack ends.
        depth = self.depth
        if isinstance(event, CollectionStartEvent) and depth >= MAX_NESTING:
            raise _Refusal(
                f"lists and mappings nested more than {MAX_NESTING} levels deep; "
                "no workspace file needs that many",
                event.start_mark,
            )
        self.depth = depth + 1
        try:
            node = Composer.compose_node(self, parent, index)
        finally:
            self.depth = depth
        explicit = getattr(event, "tag", None)
        if node is not None and explicit not in (None, "!"):
            node.explicit_tag = explicit  # type: ignore[attr-defined]  # even !!str is refused
        return node


try:  # libyaml's scanner and parser, when PyYAML was built with it (PyPI's wheels are)
    from yaml._yaml import CParser

    class _FastLoader(CParser, Composer, BaseResolver):
        """libyaml's events composed by the same strict composer: about eight times faster
        than the pure-Python scanner. Used only for files it reads without complaint."""

        depth = 0

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            BaseResolver.__init__(self)

        compose_node = _StrictLoader.compose_node
        get_single_node = Composer.get_single_node

    _LIBYAML = True
except ImportError:  # pragma: no cover
    _LIBYAML = False


def _fast_node(text: str) -> tuple[bool, Node | None]:
    """(True, the file's node) through libyaml, or (False, None) when the strict loader
    must read it: a file libyaml refuses (the pure-Python loader words the message users
    see), or one with tabs or characters YAML forbids, which that loader judges alone."""
    if not _LIBYAML or "\t" in text or Reader.NON_PRINTABLE.search(text):
        return False, None
    try:
        return True, _FastLoader(text).get_single_node()
    except (yaml.YAMLError, _Refusal):
        return False, None


def load_document(raw: bytes, path: str) -> Document:
    """Parse one file's bytes; raise `ValidationFailed` with every problem found."""
    text = _decode(raw, path)
    read, node = _fast_node(text)
    if not read:
        node = _slow_node(text, path)
    document = Document(path, None)
    if node is None:
        raise ValidationFailed([Problem(path, 1, 1, "", "the file is empty; expected a mapping")])
    problems: list[Problem] = []
    document.data = _convert(node, (), document, problems)
    if not problems and not isinstance(document.data, dict):
        problems.append(document.problem((), "expected a mapping of keys to values"))
    if problems:
        raise ValidationFailed(problems)
    return document


def _slow_node(text: str, path: str) -> Node | None:
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as error:
        message = f"character U+{error.character:04X} is not allowed in YAML; remove it"
        where = _line_column(text, error.position)
        raise ValidationFailed([Problem(path, *where, "", message)]) from None
    try:
        node = loader.get_single_node()
    except _Refusal as refusal:
        raise ValidationFailed([_problem_at(path, refusal.mark, refusal.message)]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ValidationFailed([_problem_at(path, mark, _yaml_message(error))]) from None
    except yaml.YAMLError as error:
        raise ValidationFailed([Problem(path, 1, 1, "", f"invalid YAML: {error}")]) from None
    finally:
        loader.dispose()
    return node


def _decode(raw: bytes, path: str) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationFailed(
            [Problem(path, 1, 1, "", f"file is larger than {MAX_FILE_BYTES} bytes")]
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        good = raw[: error.start].decode("utf-8")
        message = f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
        raise ValidationFailed(
            [Problem(path, *_line_column(good, len(good)), "", message)]
        ) from None
    if "\x00" in text:
        where = _line_column(text, text.index("\x00"))
        message = "not UTF-8 text (NUL byte); save the file as UTF-8"
        raise ValidationFailed([Problem(path, *where, "", message)])
    return text


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _problem_at(path: str, mark: Any, message: str) -> Problem:
    if mark is None:
        return Problem(path, 1, 1, "", message)
    return Problem(path, mark.line + 1, mark.column + 1, "", message)


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or str(error)
    if "'\\t'" in problem:
        return "tab character in indentation or before a value; indent with spaces"
    if "another document" in problem:
        return "only one YAML document per file; remove the '---' and what follows"
    hints = {
        "mapping values are not allowed here": (
            "; check the indentation, or quote a value that contains ': '"
        ),
        "found undefined tag handle": "; tags are not allowed",
    }
    hint = next((h for start, h in hints.items() if problem.startswith(start)), "")
    context = f" ({error.context})" if error.context else ""
    return f"invalid YAML: {problem}{context}{hint}"


def _convert(node: Node, loc: Loc, doc: Document, problems: list[Problem]) -> Any:
    doc.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    tag = getattr(node, "explicit_tag", None) or (None if node.tag in _PLAIN_TAGS else node.tag)
    if tag is not None:
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(doc.problem(loc, f"tag {tag} is not allowed; remove it"))
        return None
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_convert(item, (*loc, i), doc, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
            problems.append(doc.problem(loc, "keys must be plain text"))
            continue
        key = key_node.value
        key_loc = (*loc, key)
        key_position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in mapping:
            first_line = doc.keys[key_loc][0]
            problems.append(
                Problem(
                    doc.path,
                    *key_position,
                    format_loc(key_loc),
                    f"duplicate key (first given on line {first_line})",
                )
            )
            continue
        doc.keys[key_loc] = key_position
        mapping[key] = _convert(value_node, key_loc, doc, problems)
    return mapping


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    if node.style:  # quoted or block scalars are always text (plain: None, or "" from libyaml)
        return value
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if _NUMBER.fullmatch(value):
        return Decimal(value)
    return value
