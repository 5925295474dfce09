"""Turn values and their explanations into the lines of a commented YAML file, and write
a new file without ever replacing one."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import NotFound, OffergenError, did_you_mean
from ..models import ID_PATTERN
from ..write import write_atomic

COMMENT_COLUMN = 32


# A value still to be filled in: `"<адрес: индекс, город, улица, дом>"`.
def quoted(value: str) -> str:
    """A YAML scalar that reads back as exactly `value` (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def line(text: str, why: str = "", indent: str = "") -> str:
    """`text`, then its explanation as a comment in the comment column."""
    text = indent + text
    return f"{text.ljust(COMMENT_COLUMN - 1)} # {why}" if why else text


def commented(text: str, why: str = "") -> str:
    """An optional field left out: the line a user uncomments to give it."""
    return line(f"# {text}", why)


def schema_line(kind: str) -> str:
    """The line that gives editors the file's JSON Schema (`offergen init` writes them)."""
    return f"# yaml-language-server: $schema=../.schema/{kind}.json"


def check_id(value: str, what: str) -> None:
    if re.fullmatch(ID_PATTERN, value) is None:
        raise OffergenError(
            f"{what} {value!r} is not a valid id: use lower-case latin letters, digits, "
            "'.', '_' and '-', starting with a letter or digit, at most 64 characters"
        )


def stems(folder: Path) -> list[str]:
    """The ids of a folder's YAML files."""
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith("."))


def existing(folder: Path, item_id: str, what: str) -> Path:
    """The file of `item_id` in `folder`, or `NotFound` with the closest id."""
    path = folder / f"{item_id}.yaml"
    if not path.is_file():
        hint = did_you_mean(item_id, stems(folder))
        raise NotFound(f"no {what} {item_id!r} in {folder.name}/{hint}")
    return path


def write_new(path: Path, lines: Iterable[str]) -> None:
    """Write the file atomically, refusing to replace one that exists."""
    if path.exists():
        raise OffergenError(
            f"{path.parent.name}/{path.name} already exists; nothing was written "
            "(edit it, or choose another id)"
        )
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
