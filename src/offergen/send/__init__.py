"""Turn an approved offer into an e-mail to the client, and the send into its record.

`ready` refuses what must not go out (status, stale or uncommitted documents, a version
already sent), `letter` composes the message, `deliver` hands it to the SMTP server of
`mail:` in offergen.yaml, `record` writes `status: sent` and a `sent:` entry once the
server has accepted it. A dry run writes the message to out/<offer>/message.eml instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..build import OUT_DIR
from ..models.mail import mail_settings
from ..workspace import CONFIG_FILE, Workspace
from ..write import output_path, write_atomic
from .deliver import DeliveryFailed, deliver, password_of
from .letter import Outgoing, compose
from .ready import NotSendable, ready
from .record import commit_command, record_send

__all__ = ["DeliveryFailed", "NotSendable", "SendReport", "send_offer"]

MESSAGE_FILE = "message.eml"


@dataclass(frozen=True)
class SendReport:
    offer_id: str
    outgoing: Outgoing
    dry_run: bool
    written: Path | None = None  # the .eml of a dry run
    record: dict[str, Any] = field(default_factory=dict)
    commit: str = ""  # the git command that commits the record


def send_offer(
    workspace: Workspace,
    offer_id: str,
    today: date,
    *,
    to: Sequence[str] = (),
    again: bool = False,
    docx: bool = False,
    dry_run: bool = False,
    out_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> SendReport:
    """Send the offer's built documents (or, `dry_run`, write the message to out/)."""
    prepared = ready(
        workspace,
        offer_id,
        today,
        out_dir=out_dir,
        again=again,
        formats=("pdf", "docx") if docx else ("pdf",),
    )
    settings = mail_settings(workspace.sources[CONFIG_FILE])
    password = None if dry_run else password_of(settings, environ or {})
    outgoing = compose(workspace, prepared, settings, to)
    if dry_run:
        target = output_path(out_dir or workspace.root / OUT_DIR, offer_id, MESSAGE_FILE)
        write_atomic(target, outgoing.data)
        return SendReport(offer_id, outgoing, True, written=target)
    deliver(settings, password, outgoing)
    entry = record_send(workspace, prepared, outgoing, datetime.now(UTC))
    command = commit_command(workspace, offer_id, prepared.offer.number, outgoing.to)
    return SendReport(offer_id, outgoing, False, record=entry, commit=command)
