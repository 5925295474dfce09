"""Turn rendered bytes into files under out/: safe paths, atomic writes, nothing partial."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import OffergenError
from .models import ID_PATTERN


class UnsafeOutput(OffergenError):
    """An output path would leave the output folder."""


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
