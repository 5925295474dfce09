"""Turn command lines into library calls; the only module that prints or exits."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import Blocked, OffergenError, ValidationFailed, counted

if TYPE_CHECKING:
    from .build import OfferResult
    from .history import Repo
    from .workspace import Workspace

EXIT_PROBLEMS = 1
EXIT_INTERNAL = 2


class _Cli(click.Group):
    """Maps library errors to messages and exit codes, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Blocked as blocked:
            click.echo(
                f"error: {blocked.offer_id} is blocked (offergen check lists every problem):",
                err=True,
            )
            for problem in blocked.problems:
                click.echo(f"  {problem}", err=True)
            ctx.exit(EXIT_PROBLEMS)
        except ValidationFailed as failed:
            _problems(failed)
            ctx.exit(EXIT_PROBLEMS)
        except OffergenError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_PROBLEMS)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            if os.environ.get("OFFERGEN_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {error} "
                "(run with OFFERGEN_DEBUG=1 for details)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


_OUT = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: out/ in the workspace).",
)


@click.group(cls=_Cli)
@click.option(
    "-C",
    "--workspace",
    "workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The workspace folder.",
)
@click.version_option(package_name="offergen")
@click.pass_context
def cli(ctx: click.Context, workspace: Path) -> None:
    """Build tailored commercial proposals from the YAML files of a workspace."""
    ctx.obj = workspace


def _problems(failed: ValidationFailed, built: bool = False) -> None:
    """Every problem, then one summary line."""
    for problem in failed.problems:
        click.echo(str(problem), err=True)
    click.echo(failed.summary(built=built), err=True)


def _load(ctx: click.Context) -> Workspace:
    """The workspace's sound part; its problems are for `check` (and each command's rows)."""
    from .validate import load_workspace

    return load_workspace(ctx.obj)


def _checked(ctx: click.Context, today: datetime | None) -> Workspace:
    """The workspace as `check` judges it on `today`: git's review dates included."""
    from .check import check_workspace

    workspace = check_workspace(ctx.obj, _day(today))
    for notice in workspace.notices:
        click.echo(f"warning: {notice}", err=True)
    return workspace


def _day(today: datetime | None) -> date:
    return today.date() if today else date.today()


_TODAY = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The date to judge validity by (default: today), for reproducible runs.",
)


@cli.command()
@_TODAY
@click.pass_context
def check(ctx: click.Context, today: datetime | None) -> None:
    """Validate every file, reference, requisite, price and rule; report every problem."""
    from .errors import summary_line

    workspace = _checked(ctx, today)
    shown = [problem for problem in workspace.problems if problem.severity != "note"]
    for problem in shown:
        click.echo(str(problem), err=True)
    if workspace.errors:
        blocked = list(workspace.blocked)
        total, partly = len(workspace.offer_ids), workspace.partly_blocked
        click.echo(summary_line(shown, blocked, total, partly), err=True)
        ctx.exit(EXIT_PROBLEMS)
    warnings = len(shown)
    warned = f", {warnings} warning{'' if warnings == 1 else 's'}" if warnings else ""
    click.echo(
        f"ok: {len(workspace.offers)} offers, {len(workspace.clients)} clients, "
        f"{len(workspace.catalog.items)} catalog items{warned}"
    )


@cli.command()
@click.argument("offers", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@_TODAY
@click.pass_context
def review(
    ctx: click.Context, offers: tuple[str, ...], as_json: bool, today: datetime | None
) -> None:
    """Legal's checklist for OFFERS (every open offer by default); exit 1 on an error-level finding.

    Everything `check` finds for the offer (discounts without approval, payment terms
    outside the policy and the client's credit, missing requisites), and clauses that
    deviate from the library, a validity shorter than delivery, placeholders left in any
    text; each located, as error, warning or note. A blocked offer is marked invalid.
    """
    from .review import review as review_offers
    from .review import review_json, review_text

    reviews = review_offers(_checked(ctx, today), offers)
    if as_json:
        click.echo(json.dumps(review_json(reviews), ensure_ascii=False, indent=2))
    else:
        click.echo(review_text(reviews))
    if any(offer.count("error") for offer in reviews):
        ctx.exit(EXIT_PROBLEMS)


@cli.command()
@click.argument("offer")
@click.option("--json", "as_json", is_flag=True, help="Print lines, totals and trail as JSON.")
@click.option("--explain", is_flag=True, help="Explain every discount step of every line.")
@click.pass_context
def price(ctx: click.Context, offer: str, as_json: bool, explain: bool) -> None:
    """Show the priced lines and totals of OFFER."""
    from .report import price_explanation, price_json, price_table

    workspace = _load(ctx)
    if as_json:
        click.echo(json.dumps(price_json(workspace, offer), ensure_ascii=False, indent=2))
        return
    click.echo(price_table(workspace, offer))
    if explain:
        labels = workspace.templates.labels(workspace.settings(offer).locale)
        click.echo("\n" + price_explanation(workspace, offer, labels))


@cli.command()
@click.argument("offers", nargs=-1)
@click.option(
    "--format",
    "formats",
    type=click.Choice(["pdf", "docx"]),
    multiple=True,
    help="Only this format (repeatable); both by default.",
)
@_OUT
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option("--force", is_flag=True, help="Rebuild every document, changed or not.")
@click.option(
    "--rev",
    metavar="REV",
    help="Build as committed in git at REV, into out/<offer-id>@<short-hash>/.",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=600,
    show_default=True,
    help="Seconds to wait for another build on the same out/ (0: refuse at once).",
)
@click.pass_context
def build(
    ctx: click.Context,
    offers: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: Path | None,
    jobs: int | None,
    force: bool,
    rev: str | None,
    lock_timeout: float,
) -> None:
    """Build the documents of OFFERS (every offer by default) into out/<offer-id>/."""
    from .build import build as run_build
    from .documents import FORMATS
    from .past import stamps
    from .report import build_summary, shown_path
    from .revision_build import build_revision

    progress = _Progress(sys.stderr.isatty())
    options: dict[str, Any] = {
        "jobs": jobs or os.cpu_count() or 1,
        "lock_timeout": lock_timeout,
        "on_offer": progress.offer,
    }
    try:
        if rev is not None:
            built = build_revision(ctx.obj, rev, offers, formats or FORMATS, out_dir, **options)
            report = built.report
            for offer_id, folder in built.folders.items():
                click.echo(f"{offer_id} at {built.commit[:7]}: {shown_path(folder, Path.cwd())}")
        else:
            try:
                workspace = _load(ctx)
            except ValidationFailed as failed:
                _problems(failed, built=True)
                ctx.exit(EXIT_PROBLEMS)
            for warning in workspace.warnings_of(offers or workspace.offer_ids):
                click.echo(str(warning), err=True)
            stamped = stamps(workspace, offers)
            for notice in stamped.notices:
                click.echo(f"warning: {notice}", err=True)
            for warning in stamped.warnings:
                click.echo(str(warning), err=True)
            report = run_build(
                workspace,
                offers,
                formats or FORMATS,
                out_dir,
                force=force,
                revisions=stamped.revisions,
                **options,
            )
    finally:
        progress.close()
    for line, to_stderr in build_summary(report):
        click.echo(line, err=to_stderr)
    if report.failed or report.blocked or report.documents_blocked:
        ctx.exit(EXIT_PROBLEMS)


class _Progress:
    """A progress bar on a terminal, a plain line per offer elsewhere."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self.bar: Any = None

    def offer(self, result: OfferResult, done: int, total: int) -> None:
        if not self.terminal:
            state = (
                "FAILED"
                if result.error
                else ("built" if result.written or result.removed else "up to date")
            )
            names = ", ".join(path.name for path in result.written)
            click.echo(
                f"[{done}/{total}] {state} {result.offer_id}" + (f": {names}" if names else "")
            )
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total,
                label="building",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda item: item,
            )
            self.bar.__enter__()
        self.bar.update(1, result.offer_id)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command()
@click.argument("offers", nargs=-1)
@_OUT
@click.pass_context
def verify(ctx: click.Context, offers: tuple[str, ...], out_dir: Path | None) -> None:
    """Prove each built PDF and DOCX pair carries the same words, in the same order."""
    from .audit import verify_outputs

    verdicts = list(verify_outputs(_load(ctx), offers, out_dir))
    for verdict in verdicts:
        click.echo(str(verdict), err=not verdict.ok)
    checked = sum(1 for verdict in verdicts if verdict.stem)
    count = Counter(verdict.state for verdict in verdicts)
    line = f"{checked} pairs checked, {count['DIFFERENT']} differ"
    line += f", {count['UNREADABLE']} unreadable" if count["UNREADABLE"] else ""
    for state, what in (("MISSING", "not built"), ("INVALID", "blocked")):
        if count[state]:
            line += f", {counted(count[state], 'offer')} {what}"
    click.echo(line)
    if any(not verdict.ok for verdict in verdicts):
        ctx.exit(EXIT_PROBLEMS)


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
@_TODAY
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
    from .report import status_rows, status_table, unreadable_rows

    try:
        rows = status_rows(_load(ctx), _day(today), only, expiring)
    except ValidationFailed as failed:  # no seller or catalog: every offer is invalid
        rows = unreadable_rows(failed, only)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(status_table(rows))


@cli.command()
@click.argument("offer")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_context
def history(ctx: click.Context, offer: str, as_json: bool) -> None:
    """The commits that changed OFFER or what it is built from, newest first."""
    from .past import changed_inputs, offer_history
    from .report import history_rows, history_table

    workspace = _load(ctx)
    workspace.known(offer)  # an unknown offer fails before git is asked
    if offer in workspace.blocked:
        click.echo(f"note: {offer} is invalid now: {workspace.blocked[offer][0]}", err=True)
    repo = _repo(workspace.root)
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
    click.echo(history_table(rows))


@cli.command()
@click.argument("offer")
@click.option("--json", "as_json", is_flag=True, help="Print the clauses as JSON.")
@click.pass_context
def clauses(ctx: click.Context, offer: str, as_json: bool) -> None:
    """OFFER's contract, a line a clause: number, id, section, first words, negotiation."""
    from .clause_index import clause_listing

    click.echo(clause_listing(_load(ctx), offer, as_json=as_json))


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
    from .negotiate.importing import import_contract

    report = import_contract(_load(ctx), offer, file.read_bytes(), name=file.name, day=_day(day))
    click.echo("\n".join(report.lines()))


@cli.command("diff")
@click.argument("offer")
@click.argument("rev_old", required=False, metavar="[REV_A]")
@click.argument("rev_new", required=False, metavar="[REV_B]")
@_OUT
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
    from .diff import diff
    from .report import diff_summary

    report = diff(ctx.obj, _repo(ctx.obj), offer, rev_old, rev_new, out_dir)
    for line in diff_summary(offer, report, Path.cwd()):
        click.echo(line)


def _repo(root: Path) -> Repo:
    """The workspace's repository with its whole history, or a clear refusal."""
    from .history import Repo, no_repository

    repo = Repo.find(root)
    if repo is None:
        raise no_repository(root)
    repo.require_history()
    return repo


@cli.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Report what this machine has and lacks for rendering: Pango, HarfBuzz, fonts."""
    from .doctor import examine
    from .workspace import templates_of

    findings = examine(templates_of(ctx.obj))
    for finding in findings:
        click.echo(str(finding))
    needed = [f for f in findings if not f.ok and f.name != "libreoffice"]
    click.echo("all set" if not needed else f"{len(needed)} missing")
    if needed:
        ctx.exit(EXIT_PROBLEMS)


def main() -> None:
    cli(prog_name="offergen")


if __name__ == "__main__":
    main()
