"""The commands that read the record: status, history, clauses, negotiate, diff, doctor."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from ..errors import ValidationFailed
from .base import EXIT_PROBLEMS, OUT, TODAY, cli, day_of, load, repo_of


@cli.command()
@click.option(
    "--status",
    "only",
    type=click.Choice(
        ["draft", "review", "approved", "sent", "accepted", "rejected", "expired", "invalid"]
    ),
    help="Only offers in this status.",
)
@click.option(
    "--expiring",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only open offers whose validity ends within DAYS.",
)
@TODAY
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_context
def status(
    ctx: click.Context,
    only: str | None,
    expiring: int | None,
    today: datetime | None,
    as_json: bool,
) -> None:
    """A table of offers: client, number, status, total, discount, validity; a blocked
    offer shows as invalid, with its first problem."""
    from ..report import status_rows, status_table, unreadable_rows

    try:
        workspace = load(ctx)
        rows = status_rows(workspace, day_of(today), only, expiring)
        locale = workspace.config.defaults.locale
    except ValidationFailed as failed:  # no seller or catalog: every offer is invalid
        rows, locale = unreadable_rows(failed, only), "ru"  # no row has money to print
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(status_table(rows, locale))


@cli.command()
@click.argument("offer")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_context
def history(ctx: click.Context, offer: str, as_json: bool) -> None:
    """The commits that changed OFFER or what it is built from, newest first."""
    from ..past import changed_inputs, offer_history
    from ..report import history_rows, history_table

    workspace = load(ctx)
    workspace.known(offer)  # an unknown offer fails before git is asked
    if offer in workspace.blocked:
        click.echo(f"note: {offer} is invalid now: {workspace.blocked[offer][0]}", err=True)
    repo = repo_of(workspace.root)
    rows = history_rows(offer_history(repo, workspace, offer))
    dirty = changed_inputs(repo, workspace, offer)
    if as_json:
        data = {"offer": offer, "uncommitted": dirty, "commits": rows}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if dirty:
        click.echo(f"uncommitted changes: {', '.join(dirty)}")
    if not rows:
        click.echo(f"{offer}: never committed")
        return
    click.echo(history_table(rows, workspace.config.defaults.locale))


@cli.command()
@click.argument("offer")
@click.option("--json", "as_json", is_flag=True, help="Print the clauses as JSON.")
@click.pass_context
def clauses(ctx: click.Context, offer: str, as_json: bool) -> None:
    """OFFER's contract, a line a clause: number, id, section, first words, negotiation."""
    from ..clause_index import clause_listing

    click.echo(clause_listing(load(ctx), offer, as_json=as_json))


@cli.group()
def negotiate() -> None:
    """The contract's negotiation with the client."""


@negotiate.command("import")
@click.argument("offer")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The date of the client's rounds (default: today).",
)
@click.pass_context
def negotiate_import(ctx: click.Context, offer: str, file: Path, day: datetime | None) -> None:
    """Record the client's wording from FILE, OFFER's contract they sent back (DOCX)."""
    from ..negotiate.importing import import_contract

    report = import_contract(load(ctx), offer, file.read_bytes(), name=file.name, day=day_of(day))
    click.echo("\n".join(report.lines()))


@cli.command("diff")
@click.argument("offer")
@click.argument("rev_old", required=False, metavar="[REV_A]")
@click.argument("rev_new", required=False, metavar="[REV_B]")
@OUT
@click.pass_context
def diff_command(
    ctx: click.Context, offer: str, rev_old: str | None, rev_new: str | None, out_dir: Path | None
) -> None:
    """Redline what changed in OFFER's documents between REV_A and REV_B.

    REV_A defaults to the last commit where the offer was sent (else approved, else the
    previous one); REV_B to the working tree. Writes
    out/<offer>/redline-<document>.<A>-<B>.docx with Word's tracked changes and .pdf with
    the changes marked (<A>, <B>: short hashes, or "worktree"); earlier pairs stay.
    """
    from ..diff import diff
    from ..report import diff_summary

    report = diff(ctx.obj, repo_of(ctx.obj), offer, rev_old, rev_new, out_dir)
    for line in diff_summary(offer, report, Path.cwd()):
        click.echo(line)


@cli.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Report what this machine has and lacks for rendering: Pango, HarfBuzz, fonts."""
    from ..doctor import examine
    from ..workspace import templates_of

    findings = examine(templates_of(ctx.obj))
    for finding in findings:
        click.echo(str(finding))
    needed = [f for f in findings if not f.ok and f.name != "libreoffice"]
    click.echo("all set" if not needed else f"{len(needed)} missing")
    if needed:
        ctx.exit(EXIT_PROBLEMS)
