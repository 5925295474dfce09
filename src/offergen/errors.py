"""Turn failures into typed errors that carry where in the workspace they happened."""

from __future__ import annotations

from collections.abc import Iterable
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
    """The workspace has problems; nothing may be built from it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the workspace")

    def summary(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        files = {p.path for p in errors}
        noun = "error" if len(errors) == 1 else "errors"
        fnoun = "file" if len(files) == 1 else "files"
        return f"{len(errors)} {noun} in {len(files)} {fnoun}; nothing was built."


class RenderError(OffergenError):
    """A template could not be rendered into a document."""

    def __init__(self, template: str | PurePath, message: str) -> None:
        self.template = str(template)
        super().__init__(f"{self.template}: {message}")


class NotFound(OffergenError):
    """A named offer, client or file does not exist in the workspace."""
