"""Turn the fonts the stylesheet names into the characters they draw, and the texts of a
workspace file into problems for the characters no document could print.

PDFs name their fonts explicitly (templates/style.css), so that every machine draws the
same document; a character none of those fonts has (an emoji, a Chinese client's name)
would reach WeasyPrint as a missing glyph. `check` reports it instead, located in the file
that gives it. A family's characters are those all its upright and italic, regular and bold
faces have, since documents print any text in any of them: from fontconfig's cache for an
installed family, from the font file for one the stylesheet declares with `@font-face`.
Both are read once per process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .characters import FORBIDDEN
from .errors import Problem
from .load import Document, Loc
from .render.templates import STYLESHEET

GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
# fontconfig's weights of the faces documents use (regular, bold) and its normal width.
_WEIGHTS = {"80", "200"}
_NORMAL_WIDTH = "100"
# Line breaks and tabs are spaces in a document; default-ignorable characters (soft
# hyphen, zero-width joiners, variation selectors, bidi marks) are drawn as nothing.
_NOT_DRAWN = re.compile(
    "[\t\n\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_SHOWN = 3  # characters a message names before "and N more"


@dataclass(frozen=True)
class Coverage:
    """The font families documents are printed in, and every character one of them draws."""

    families: tuple[str, ...]
    drawn: frozenset[int]

    @cached_property
    def _outside(self) -> re.Pattern[str]:
        # One character class of what is drawn: most texts are judged by one search in C.
        points = sorted(self.drawn)
        ranges, start = [], 0
        for index in range(1, len(points) + 1):
            if index == len(points) or points[index] != points[index - 1] + 1:
                first, last = re.escape(chr(points[start])), re.escape(chr(points[index - 1]))
                ranges.append(first if first == last else f"{first}-{last}")
                start = index
        return re.compile(f"[^{''.join(ranges)}]")

    def missing(self, text: str) -> list[str]:
        """The characters of `text` no family draws, each once, in order."""
        found: dict[str, None] = {}
        for match in self._outside.finditer(text):
            char = match.group()
            if not (char in found or _NOT_DRAWN.match(char) or FORBIDDEN.match(char)):
                found[char] = None
        return list(found)


def font_families(css: str) -> list[str]:
    """The font families a stylesheet names, in order, without generic families."""
    names: list[str] = []
    for value in re.findall(r"font(?:-family)?\s*:\s*([^;}]+)", css):
        for part in value.split(","):
            quoted = re.search(r"[\"']([^\"']+)[\"']", part)
            name = quoted.group(1) if quoted else part.strip().split()[-1]
            known = not name or name in GENERIC_FAMILIES or name in names
            if not known and not name[0].isdigit():
                names.append(name)
    return names


def coverage(templates: Path) -> Coverage | None:
    """What the stylesheet's fonts draw; None when no family it names is found here (a
    machine without the fonts: `offergen doctor` says so, and nothing can be judged)."""
    base = templates.resolve()
    path = (base / STYLESHEET).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    try:
        css = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return _coverage(css, base)


@lru_cache(maxsize=8)
def _coverage(css: str, templates: Path) -> Coverage | None:
    declared = _declared_faces(css, templates)
    families: list[str] = []
    drawn: set[int] = set()
    for family in font_families(css):
        files = [_file_charset(path) for path in declared.get(family, ())]
        faces = [face for face in files or installed(family) if face]
        if faces:
            families.append(family)
            drawn |= frozenset.intersection(*faces)
    return Coverage(tuple(families), frozenset(drawn)) if families else None


def _declared_faces(css: str, templates: Path) -> dict[str, list[Path]]:
    """The font files `@font-face` rules give each family, if they are under templates/."""
    found: dict[str, list[Path]] = {}
    for rule in re.findall(r"@font-face\s*\{([^}]*)\}", css):
        family = re.search(r"font-family\s*:\s*[\"']?([^\"';]+)", rule)
        for url in re.findall(r"url\(\s*[\"']?([^\"')]+)", rule):
            path = (templates / url).resolve()
            if family and path.is_relative_to(templates) and path.is_file():
                found.setdefault(family.group(1).strip(), []).append(path)
    return found


@lru_cache(maxsize=32)
def _file_charset(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True) as font:
            return frozenset(font.getBestCmap() or ())
    except (OSError, TTLibError, AssertionError, KeyError):
        return frozenset()


@lru_cache(maxsize=32)
def installed(family: str) -> tuple[frozenset[int], ...]:
    """The characters of each face of an installed family that documents use (upright or
    italic, regular or bold, normal width), from fontconfig; [] when it is not installed."""
    if shutil.which("fc-list") is None:
        return ()
    pattern = ":family=" + re.sub(r"([\\:,\-])", r"\\\1", family)
    listed = subprocess.run(
        ["fc-list", "-f", "%{weight}\t%{width}\t%{charset}\n", pattern],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = [line.split("\t") for line in listed.splitlines() if line.count("\t") == 2]
    used = [face for face in faces if _used(face[0], face[1])] or faces
    return tuple(_charset(charset) for _, _, charset in used)


def _used(weight: str, width: str) -> bool:
    # A variable font lists a range ("[40 210]"): it has every weight and width.
    plain = weight.isdigit() and width.isdigit()
    return not plain or (weight in _WEIGHTS and width == _NORMAL_WIDTH)


def _charset(ranges: str) -> frozenset[int]:
    """fontconfig's charset ("20-7e a0-2e9 …") as code points."""
    points: set[int] = set()
    for part in ranges.split():
        first, _, last = part.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def unprintable(
    document: Document, drawn: Coverage, skip: tuple[Loc, ...] = ()
) -> Iterator[tuple[Loc, Problem]]:
    """Every text (value or key) of a file with characters no document font draws, as
    (where, problem); `skip` names parts no document prints ("*" stands for any key)."""
    yield from _walk(document, document.data, (), drawn, skip)


def _walk(
    document: Document, value: Any, loc: Loc, drawn: Coverage, skip: tuple[Loc, ...]
) -> Iterator[tuple[Loc, Problem]]:
    if any(_within(loc, part) for part in skip):
        return
    if isinstance(value, str):
        missing = drawn.missing(_nfc(value))
        if missing:
            yield loc, document.problem(loc, _message(missing, drawn.families))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(document, item, (*loc, index), drawn, skip)
    elif isinstance(value, dict):
        for key, item in value.items():
            missing = drawn.missing(_nfc(key))
            if missing:
                message = "key " + _message(missing, drawn.families)
                yield (*loc, key), document.problem((*loc, key), message, key=True)
            yield from _walk(document, item, (*loc, key), drawn, skip)


def _nfc(text: str) -> str:
    # The models normalise text: a decomposed "й" is judged as the letter it becomes.
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _within(loc: Loc, part: Loc) -> bool:
    return len(loc) >= len(part) and all(
        want in ("*", have) for want, have in zip(part, loc, strict=False)
    )


def _message(missing: list[str], families: tuple[str, ...]) -> str:
    several = len(families) > 1
    fonts = f"the documents' font{'s' if several else ''} ({', '.join(families)})"
    advice = f"use characters the font{'s have' if several else ' has'}"
    named = ", ".join(_name(char) for char in missing[:_SHOWN])
    if len(missing) == 1:
        return f"has a character {fonts} cannot draw: {named}; remove it or {advice}"
    more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
    return (
        f"has {len(missing)} characters {fonts} cannot draw: {named}{more}; remove them or {advice}"
    )


def _name(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"
