"""Turn a delivered message into its record in the offer's file: `status: sent` and a
`sent:` entry, written round trip (comments and layout kept), and the commit to make."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..negotiate.yaml_edit import append_top_level, set_top_level
from ..workspace import Workspace, offer_source
from ..write import write_atomic
from .letter import Outgoing
from .ready import Ready


def record_send(
    workspace: Workspace, prepared: Ready, outgoing: Outgoing, when: datetime
) -> dict[str, Any]:
    """Write the send into `offers/<id>.yaml`; the entry written."""
    relative = offer_source(prepared.offer_id)
    path = workspace.root / relative
    entry: dict[str, Any] = {
        "date": when.astimezone(UTC).isoformat(timespec="seconds"),
        "to": list(outgoing.to),
        "message_id": outgoing.message_id,
        "version": prepared.revision.version,
        "stamp": prepared.stamp,
        "attachments": [{"name": a.name, "sha256": a.sha256} for a in outgoing.attachments],
    }
    text = path.read_text(encoding="utf-8")
    text = set_top_level(text, "status", "sent", after="date", name=relative)
    text = append_top_level(text, "sent", entry, name=relative)
    write_atomic(path, text.encode("utf-8"))
    return entry


def commit_command(workspace: Workspace, offer_id: str, number: str, to: list[str]) -> str:
    """`git commit -m "КП-1 sent to a@b.ru" offers/<id>.yaml`, run from the current folder."""
    path = workspace.root / offer_source(offer_id)
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    message = f"{number} sent to {', '.join(to)}"
    return f"git commit -m {shlex.quote(message)} {shlex.quote(shown)}"
