"""Turn rendered bytes into files under out/: safe paths, atomic writes, nothing partial,
one build at a time."""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OffergenError
from .models import ID_PATTERN

LOCK_FILE = ".offergen.lock"


class UnsafeOutput(OffergenError):
    """An output path would leave the output folder."""


class BuildLocked(OffergenError):
    """Another build holds the output folder."""


def output_path(out_dir: Path, offer_id: str, filename: str) -> Path:
    """`out/<offer-id>/<filename>`, refusing anything that would land elsewhere."""
    if not re.fullmatch(ID_PATTERN, offer_id) or not re.fullmatch(r"[a-z0-9._-]+", filename):
        raise UnsafeOutput(f"refusing output name {offer_id}/{filename}")
    root = out_dir.resolve()
    path = (root / offer_id / filename).resolve()
    if not path.is_relative_to(root) or path.parent.parent != root:
        raise UnsafeOutput(f"refusing to write outside {root}: {path}")
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def locked(target: Path, timeout: float) -> Iterator[None]:
    import fcntl

    path = target / LOCK_FILE
    with open(path, "a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "?"
                    raise BuildLocked(
                        f"another offergen build (pid {holder}) is writing to {target}; "
                        "wait for it to finish and run again"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
