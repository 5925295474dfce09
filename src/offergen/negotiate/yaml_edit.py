"""Turn the client's proposals into rounds appended to an offer file, leaving every other
line of it as it was: comments, key order, quoting, flow mappings and line breaks.

ruamel.yaml reads the file round trip to find where the negotiation record ends and to
write the new lines; they are spliced into the original text, then the result is read
back and compared with the intended data. Everywhere else offergen reads YAML with its
strict loader (load.py), which this never replaces.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString

from ..errors import OffergenError
from ..write import write_atomic

WIDTH = 88  # where a new text folds; the offer files keep to 100 columns


class UnwritableOffer(OffergenError):
    """The offer file's contract is not a mapping this edit can add to."""


@dataclass(frozen=True)
class ClientRound:
    clause_id: str
    date: date
    text: str


def append_rounds(path: Path, rounds: Sequence[ClientRound]) -> None:
    """Append each round to `contract.negotiation.<clause id>`, creating the record
    (state open) where the clause has none."""
    text = path.read_text(encoding="utf-8")
    for entry in rounds:
        text = append_round(text, entry, path.name)
    write_atomic(path, text.encode("utf-8"))


def append_round(text: str, entry: ClientRound, name: str) -> str:
    """`text` with the round added; other lines untouched where the layout allows."""
    data = round_trip_yaml().load(text)
    contract = data.get("contract") if isinstance(data, dict) else None
    if not isinstance(contract, dict):
        raise UnwritableOffer(f"{name}: contract: is not a mapping")
    spliced = _spliced(text, data, contract, entry)
    expected = round_trip_yaml().load(text)
    _add(expected["contract"], entry)
    if spliced is not None and _reads(spliced) == _plain_data(expected):
        return spliced
    return dumped_yaml(expected)  # a flow-style record: rewritten whole, comments kept


def _add(contract: Any, entry: ClientRound) -> None:
    negotiation = contract.get("negotiation")
    if negotiation is None:
        negotiation = contract["negotiation"] = CommentedMap()
    if not isinstance(negotiation, dict):
        raise UnwritableOffer("contract.negotiation: is not a mapping")
    record = negotiation.get(entry.clause_id)
    if record is None:
        negotiation[entry.clause_id] = _record(entry)
    else:
        record["rounds"].append(_round(entry))


def _round(entry: ClientRound) -> CommentedMap:
    return CommentedMap([("by", "client"), ("date", entry.date), ("text", _folded(entry.text))])


def _record(entry: ClientRound) -> CommentedMap:
    return CommentedMap([("rounds", CommentedSeq([_round(entry)])), ("state", "open")])


def _folded(text: str) -> FoldedScalarString:
    """`text: >-` folded at spaces near WIDTH, as the offer files write long texts."""
    folded: FoldedScalarString = FoldedScalarString(text)
    positions, start = [], 0
    while len(text) - start > WIDTH:
        space = text.rfind(" ", start, start + WIDTH)
        if space <= start:
            break
        positions.append(space)
        start = space + 1
    folded.fold_pos = positions  # type: ignore[attr-defined]  # set in __new__, not declared
    return folded


# --- splicing ---------------------------------------------------------------------------------


def _spliced(text: str, data: Any, contract: Any, entry: ClientRound) -> str | None:
    """Insert the new lines where the record, the negotiation or the contract ends."""
    lines = text.splitlines(keepends=True)
    negotiation = contract.get("negotiation")
    if negotiation is None:
        where = _end(lines, [(data, "contract")])
        fragment = {"negotiation": {entry.clause_id: _record(entry)}}
        return _insert(lines, where, _indent_of(contract), fragment)
    if not isinstance(negotiation, CommentedMap) or negotiation.fa.flow_style():
        return None
    record = negotiation.get(entry.clause_id)
    if record is None:
        where = _end(lines, [(data, "contract"), (contract, "negotiation")])
        return _insert(lines, where, _indent_of(negotiation), {entry.clause_id: _record(entry)})
    rounds = record.get("rounds") if isinstance(record, CommentedMap) else None
    if not isinstance(rounds, CommentedSeq) or rounds.fa.flow_style() or not rounds:
        return None
    path = [(data, "contract"), (contract, "negotiation"), (negotiation, entry.clause_id)]
    where = _end(lines, [*path, (record, "rounds")])
    line, column = rounds.lc.item(len(rounds) - 1)
    dash = lines[line].rfind("-", 0, column)
    return None if dash < 0 else _insert(lines, where, dash, [_round(entry)])


def _end(lines: list[str], path: list[tuple[Any, str]]) -> int:
    """The line after the value of the last key of `path`: the line of the next key of
    the innermost mapping that has one, else the end of the file; blank lines and
    comments just before it stay after the insertion."""
    end = len(lines)
    for mapping, key in reversed(path):
        keys = list(mapping)
        after = keys.index(key) + 1
        if after < len(keys):
            end = mapping.lc.key(keys[after])[0]
            break
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _indent_of(mapping: Any) -> int:
    first = next(iter(mapping), None)
    return int(mapping.lc.key(first)[1]) if first is not None else 2


def _insert(lines: list[str], where: int, indent: int, fragment: Any) -> str:
    buffer = io.StringIO()
    round_trip_yaml().dump(fragment, buffer)
    pad = " " * indent
    dumped = textwrap.dedent(buffer.getvalue())  # a sequence comes with its offset
    new = [pad + line if line.strip() else line for line in dumped.splitlines(True)]
    if where > 0 and not lines[where - 1].endswith("\n"):
        lines[where - 1] += "\n"
    return "".join([*lines[:where], *new, *lines[where:]])


def _reads(text: str) -> Any:
    try:
        return _plain_data(round_trip_yaml().load(text))
    except YAMLError:
        return None


def dumped_yaml(data: Any) -> str:
    buffer = io.StringIO()
    round_trip_yaml().dump(data, buffer)
    return buffer.getvalue()


def _plain_data(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_data(item) for item in value]
    return str(value) if isinstance(value, str) else value


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never refold what is already there
    yaml.indent(mapping=2, sequence=4, offset=2)  # "rounds:\n  - by: client", as written
    yaml.representer.ignore_aliases = lambda *_: True  # the same date twice, written twice
    return yaml


# --- top-level edits (offergen send) ----------------------------------------------------------


def set_top_level(text: str, key: str, value: str, after: str, name: str) -> str:
    """`text` with the top-level `key: value` (a plain word such as a status): the word
    replaced where the key stands, else a line added after the value of `after`."""
    data = round_trip_yaml().load(text)
    if not isinstance(data, CommentedMap):
        raise UnwritableOffer(f"{name}: is not a mapping")
    lines = text.splitlines(keepends=True)
    expected = round_trip_yaml().load(text)
    expected[key] = value
    spliced: str | None = None
    if key in data:
        line, column = data.lc.value(key)
        word = re.compile(r"[^\s#,{}\[\]]+").match(lines[line], column)
        if word is not None:
            lines[line] = lines[line][: word.start()] + value + lines[line][word.end() :]
            spliced = "".join(lines)
    elif after in data:
        spliced = _insert(lines, _end(lines, [(data, after)]), 0, {key: value})
    if spliced is not None and _reads(spliced) == _plain_data(expected):
        return spliced
    return dumped_yaml(expected)


def append_top_level(text: str, key: str, entry: dict[str, Any], name: str) -> str:
    """`text` with `entry` appended to the top-level list `key` (made at the end of the
    file when there is none); other lines untouched where the layout allows."""
    data = round_trip_yaml().load(text)
    if not isinstance(data, CommentedMap):
        raise UnwritableOffer(f"{name}: is not a mapping")
    record = _commented(entry)
    expected = round_trip_yaml().load(text)
    known = expected.get(key)
    if known is None:
        expected[key] = CommentedSeq([record])
    elif isinstance(known, list):
        known.append(record)
    else:
        raise UnwritableOffer(f"{name}: {key}: is not a list")
    lines = text.splitlines(keepends=True)
    spliced: str | None = None
    present = data.get(key)
    if key not in data:
        spliced = _insert(lines, len(lines), 0, {key: [record]})
    elif isinstance(present, CommentedSeq) and present and not present.fa.flow_style():
        line, column = present.lc.item(len(present) - 1)
        dash = lines[line].rfind("-", 0, column)
        where = _end(lines, [(data, key)])
        spliced = None if dash < 0 else _insert(lines, where, dash, [record])
    if spliced is not None and _reads(spliced) == _plain_data(expected):
        return spliced
    return dumped_yaml(expected)


def _commented(entry: dict[str, Any]) -> CommentedMap:
    """`entry` for ruamel: a list of words in flow style (`to: [a@b.ru]`), mappings in
    block style, so that long values keep to their own lines."""
    record = CommentedMap()
    for field, value in entry.items():
        if isinstance(value, list):
            items = CommentedSeq([CommentedMap(v) if isinstance(v, dict) else v for v in value])
            if not any(isinstance(v, dict) for v in value):
                items.fa.set_flow_style()
            value = items
        record[field] = value
    return record
