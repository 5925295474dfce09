"""Turn a name under templates/ into the file it means, or a refusal: every file offergen
reads to render a document (layouts, the stylesheet and what it links, labels, clause
libraries, DOCX templates, fonts) lies inside the workspace's templates/ once every link
on the way is resolved."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from .errors import Problem, RenderError

FOLDER = "templates"
MISSING = "not found"
OUTSIDE = "leads outside templates/ (links are refused)"


class Refused(RenderError):
    """A file asked for under templates/ is missing, unreadable or lies outside it."""

    def __init__(self, name: str | PurePath, why: str, root: Path) -> None:
        self.name, self.why = str(name), why
        super().__init__(name, f"{why} in {root}" if why == MISSING else why)

    def problem(self, what: str) -> Problem:
        """`templates/<name>:1:1: <what> <why>`: what `offergen check` reports."""
        return Problem(f"{FOLDER}/{self.name}", 1, 1, "", f"{what} {self.why}")


def template_file(root: Path, name: str | PurePath) -> Path:
    """The file `name` (relative to `root`, or absolute) means, every link resolved;
    `Refused` when it is not a file or lies outside `root`."""
    base = root.resolve()
    try:
        path = (base / name).resolve()
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL byte
        raise Refused(name, "cannot be resolved (a loop of links?)", base) from None
    if not path.is_relative_to(base):
        raise Refused(name, OUTSIDE, base)
    if not path.is_file():
        raise Refused(name, MISSING, base)
    return path


def read_template(root: Path, name: str | PurePath) -> bytes:
    """The bytes of `template_file(root, name)`. The file actually opened is judged
    again, so a link swapped in after the check is refused as well."""
    path = template_file(root, name)
    flags = os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        raise Refused(name, f"cannot be read: {error.strerror}", root) from None
    with os.fdopen(handle, "rb") as stream:
        opened = _opened(handle)
        if opened is not None and not opened.is_relative_to(root.resolve()):
            raise Refused(name, OUTSIDE, root)
        try:
            return stream.read()
        except OSError as error:
            raise Refused(name, f"cannot be read: {error.strerror}", root) from None


def _opened(handle: int) -> Path | None:
    """Where an open file really is, where the system can say (Linux's /proc)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{handle}"))
    except OSError:
        return None
