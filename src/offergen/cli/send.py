"""The command that e-mails an offer: send."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from .base import OUT, TODAY, checked, cli, day_of


@cli.command()
@click.argument("offer")
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="ADDRESS",
    help="Send to ADDRESS (repeatable) instead of the offer's contact.",
)
@click.option("--dry-run", is_flag=True, help="Write out/<offer>/message.eml; send nothing.")
@click.option("--again", is_flag=True, help="Send a version that was already sent once more.")
@click.option("--docx", is_flag=True, help="Attach the DOCX files beside the PDFs.")
@OUT
@TODAY
@click.pass_context
def send(
    ctx: click.Context,
    offer: str,
    to: tuple[str, ...],
    dry_run: bool,
    again: bool,
    docx: bool,
    out_dir: Path | None,
    today: datetime | None,
) -> None:
    """E-mail OFFER's built documents to the client's contact, with a cover letter.

    Only an approved offer goes, with documents that are built, fresh and committed; the
    SMTP server is `mail:` in offergen.yaml, its password in the environment variable
    `password_env` names. Once the server accepts, the offer's file records `status:
    sent` and a `sent:` entry: commit it as printed.
    """
    from ..send import send_offer

    workspace = checked(ctx, today)
    report = send_offer(
        workspace,
        offer,
        day_of(today),
        to=to,
        again=again,
        docx=docx,
        dry_run=dry_run,
        out_dir=out_dir,
        environ=os.environ,
    )
    outgoing = report.outgoing
    names = ", ".join(a.name for a in outgoing.attachments)
    if report.dry_run:
        click.echo(f"wrote {report.written} (nothing sent): {outgoing.subject}")
        click.echo(f"to {', '.join(outgoing.to)}; attached: {names}")
        return
    click.echo(f"sent {offer} to {', '.join(outgoing.to)}: {outgoing.subject}")
    click.echo(f"attached: {names}")
    click.echo(f"recorded status: sent and the send in offers/{offer}.yaml; commit it:")
    click.echo(f"  {report.commit}")
