"""The command that writes the review site: `offergen site`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from .base import TODAY, checked, cli, day_of


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The site's folder (default: out/site in the workspace).",
)
@TODAY
@click.option(
    "--no-history",
    is_flag=True,
    help="Leave out the offers' version history (faster in a long git history).",
)
@click.pass_context
def site(
    ctx: click.Context, out_dir: Path | None, today: datetime | None, no_history: bool
) -> None:
    """Write the review site: the pipeline with its charts, a page per offer and per
    client. It opens from file:// with no network; unchanged pages are not rewritten."""
    from ..report import shown_path
    from ..site import build_site

    workspace = checked(ctx, today)
    target = out_dir if out_dir is not None else workspace.root / "out" / "site"
    report = build_site(workspace, target, day_of(today), history=not no_history)
    for offer_id in report.blocked:
        click.echo(f"note: {offer_id} is blocked; its page lists the problems", err=True)
    for client_id in report.broken_clients:
        click.echo(f"note: clients/{client_id}.yaml has errors; its page lists them", err=True)
    for relative in report.removed:
        click.echo(f"removed {relative}: its offer or client no longer exists")
    index = shown_path(report.site / "index.html", Path.cwd())
    click.echo(f"{len(report.written)} files written, {report.unchanged} up to date; open {index}")
