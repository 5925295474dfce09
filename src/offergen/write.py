"""Turn rendered bytes into files under out/: safe paths, atomic writes, nothing partial
(lock.py keeps it to one build at a time)."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path

from .errors import OffergenError
from .models import ID_PATTERN

TEMPORARY = ".tmp"  # the suffix of a file being written: `.<name>.<random>.tmp`


class UnsafeOutput(OffergenError):
    """An output path would leave the output folder."""


def output_path(out_dir: Path, offer_id: str, filename: str) -> Path:
    """`out/<offer-id>/<filename>`, refusing anything that would land elsewhere."""
    if not re.fullmatch(ID_PATTERN, offer_id) or not re.fullmatch(r"[a-z0-9._-]+", filename):
        raise UnsafeOutput(f"refusing output name {offer_id}/{filename}")
    root = out_dir.resolve()
    path = (root / offer_id / filename).resolve()
    if path.parent != root / offer_id:  # a link on the way leads elsewhere
        raise UnsafeOutput(f"refusing to write outside {root}: {path}")
    return path


class OutputProblem(OffergenError):
    """An offer's files cannot be put where they belong; the message says what to do."""


def make_output_root(out_dir: Path) -> None:
    """Make the output folder where it is missing, or say what stands in the way."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputProblem(
            f"{out_dir} is a file, not a folder: move it away and build again"
        ) from None
    except OSError as error:
        raise cannot_write(error, out_dir) from None


def output_folder(out_dir: Path, offer_id: str, names: Iterable[str] = ()) -> Path:
    """`out/<offer-id>`: a real folder in which each of `names` can become a file, or
    `OutputProblem` saying what stands in the way. Nothing is read through a link."""
    if not re.fullmatch(ID_PATTERN, offer_id):
        raise UnsafeOutput(f"refusing output folder {offer_id!r}")
    root = out_dir.resolve()
    folder, shown = root / offer_id, f"{root.name}/{offer_id}"
    if folder.is_symlink():
        raise OutputProblem(
            f"{shown} is a link to {os.readlink(folder)}: offergen writes only into real "
            "folders; remove the link and build again"
        )
    if folder.exists() and not folder.is_dir():
        raise OutputProblem(f"{shown} is a file, not a folder: move it away and build again")
    for name in names:
        if (folder / name).is_symlink():
            raise OutputProblem(f"{shown}/{name} is a link: remove it and build again")
        if (folder / name).is_dir():
            raise OutputProblem(
                f"{shown}/{name} is a folder, not a file: move it away and build again"
            )
    return folder


def cannot_write(error: OSError, out_dir: Path) -> OutputProblem:
    """What a failed write means to the user, and what to do about it."""
    where = Path(error.filename) if error.filename else out_dir
    shown = where.relative_to(out_dir.parent) if where.is_relative_to(out_dir.parent) else where
    if isinstance(error, IsADirectoryError):
        return OutputProblem(f"{shown} is a folder, not a file: move it away and build again")
    if isinstance(error, NotADirectoryError | FileExistsError):
        return OutputProblem(f"{shown} is in the way of a folder: move it away and build again")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputProblem(f"cannot write {shown}: no space left: free some and build again")
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return OutputProblem(
            f"cannot write {shown} ({error.strerror}): make it and its folder writable and "
            "build again"
        )
    return OutputProblem(f"cannot write {shown}: {error.strerror or error}")


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it into place."""
    write_files({path: data})


def write_files(files: Mapping[Path, bytes]) -> None:
    """Write each file through a temporary one beside it, and rename them into place only
    once all are written: a full disk or a folder that refuses leaves every old file."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> str:
    """`data` in a temporary file beside `path`; a failure names `path`, not it."""
    temporary = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMPORARY, dir=path.parent
        )
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except OSError as error:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from error
    except BaseException:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


_LEFTOVER = re.compile(rf"\.[a-z0-9._-]+\.[a-z0-9_]{{8}}{re.escape(TEMPORARY)}")  # see _stage


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove the temporary files a killed build left in the offer folders of `out_dir`;
    only while holding its lock, when no other build is writing there."""
    removed = []
    for folder in out_dir.iterdir():
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
            continue
        with suppress(OSError):  # a folder it cannot clean is the offer's own problem
            for path in folder.iterdir():
                if _LEFTOVER.fullmatch(path.name) and path.is_file() and not path.is_symlink():
                    path.unlink(missing_ok=True)
                    removed.append(path)
    return removed
