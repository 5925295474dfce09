"""Read the manifest a build leaves in each offer's output folder: what it wrote, from
which inputs. The build writes it (build.py); send and the no-op check read it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an earlier build, `{}` when there is none. Whatever shape it has,
    its `documents` are a mapping of file names to mappings: a damaged manifest
    (`"documents": null`, a list, a name that is no file name) only makes its offer's
    documents be built again."""
    path = folder / MANIFEST
    if folder.is_symlink() or path.is_symlink():  # nothing is read through a link
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    documents = data.get("documents")
    data["documents"] = {
        name: entry
        for name, entry in (documents.items() if isinstance(documents, dict) else ())
        if re.fullmatch(r"[a-z0-9._-]+", name) and isinstance(entry, dict)
    }
    return data
