"""Turn failures into typed errors that carry where in the workspace they happened."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath


class OffergenError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in one workspace file: `path:line:col: field: message`."""

    path: str
    line: int
    column: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {prefix}{what}"


class ValidationFailed(OffergenError):
    """Problems stand in the way: of the offers `blocked` (of `total`), or of a file read
    on its own (then both are empty)."""

    def __init__(
        self, problems: Iterable[Problem], blocked: Sequence[str] = (), total: int = 0
    ) -> None:
        self.problems = sorted(problems)
        self.blocked = tuple(blocked)
        self.total = total
        super().__init__(f"{len(self.problems)} problem(s) in the workspace")

    def summary(self, *, built: bool = False) -> str:
        """`3 errors in 2 files; 2 of 14 offers blocked (a, b).`; `built` adds that
        nothing was built, for a build that was asked for and could make nothing."""
        line = summary_line(self.problems, self.blocked, self.total)
        return f"{line[:-1]}; nothing was built." if built else line


def summary_line(
    problems: Iterable[Problem],
    blocked: Sequence[str],
    total: int,
    partly: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """How many errors in how many files, which offers they block and, for `partly`
    blocked offers, which of their documents: `…; documents blocked: c-3 (contract).`"""
    errors = [p for p in problems if p.severity == "error"]
    files = {p.path for p in errors}
    head = f"{counted(len(errors), 'error')} in {counted(len(files), 'file')}"
    if not total:
        return f"{head}."
    if blocked:
        head += f"; {len(blocked)} of {total} offers blocked ({shortlist(blocked)})"
    if partly:
        named = [f"{oid} ({', '.join(names)})" for oid, names in partly.items()]
        head += f"; documents blocked: {shortlist(named)}"
    return f"{head}." if blocked or partly else f"{head}; no offer blocked."


def shortlist(names: Sequence[str], most: int = 8) -> str:
    """`a, b, c` or, past `most`, `a, b, … and 12 more`."""
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])}, … and {len(names) - most} more"


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest of `choices`, or nothing."""
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class RenderError(OffergenError):
    """A template could not be rendered into a document."""

    def __init__(self, template: str | PurePath, message: str) -> None:
        self.template = str(template)
        super().__init__(f"{self.template}: {message}")


class NotFound(OffergenError):
    """A named offer, client or file does not exist in the workspace."""


class Blocked(ValidationFailed):
    """A named offer exists but problems block it (in its file or in what it uses)."""

    def __init__(self, offer_id: str, problems: Iterable[Problem]) -> None:
        self.offer_id = offer_id
        super().__init__(problems, (offer_id,), 1)

    def first(self) -> Problem:
        errors = [p for p in self.problems if p.severity == "error"]
        return (errors or self.problems)[0]
