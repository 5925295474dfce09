"""The commands that judge and build documents: check, review, price, build, verify."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import ValidationFailed, counted
from .base import EXIT_PROBLEMS, OUT, TODAY, checked, cli, load, show_problems

if TYPE_CHECKING:
    from ..build import OfferResult


@cli.command()
@TODAY
@click.pass_context
def check(ctx: click.Context, today: datetime | None) -> None:
    """Validate every file, reference, requisite, price and rule; report every problem."""
    from ..errors import summary_line

    workspace = checked(ctx, today)
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
        f"ok: {counted(len(workspace.offers), 'offer')}, "
        f"{counted(len(workspace.clients), 'client')}, "
        f"{counted(len(workspace.catalog.items), 'catalog item')}{warned}"
    )


@cli.command()
@click.argument("offers", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@TODAY
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
    from ..review import review as review_offers
    from ..review import review_json, review_text

    reviews = review_offers(checked(ctx, today), offers)
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
    from ..report import price_explanation, price_json, price_table

    workspace = load(ctx)
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
@OUT
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option("--force", is_flag=True, help="Rebuild every document, changed or not.")
@click.option(
    "--verify-outputs",
    is_flag=True,
    help="Hash every earlier document instead of trusting the size and mtime its manifest "
    "records (finds a file edited with its mtime set back).",
)
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
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    envvar="OFFERGEN_SCHEDULER",
    help="Render on the Dask cluster of this scheduler (tcp://host:8786; `local`: a "
    "LocalCluster of --jobs processes); needs offergen[dask]. [env: OFFERGEN_SCHEDULER]",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10,
    show_default=True,
    help="Seconds to wait for the scheduler before giving up.",
)
@click.pass_context
def build(
    ctx: click.Context,
    offers: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: Path | None,
    jobs: int | None,
    force: bool,
    verify_outputs: bool,
    rev: str | None,
    lock_timeout: float,
    scheduler: str | None,
    connect_timeout: float,
) -> None:
    """Build the documents of OFFERS (every offer by default) into out/<offer-id>/."""
    from ..build import build as run_build
    from ..documents import FORMATS
    from ..plan_cache import prepare
    from ..report import build_summary, shown_path
    from ..revision_build import build_revision

    progress = _Progress(sys.stderr.isatty())
    options: dict[str, Any] = {
        "jobs": jobs or os.cpu_count() or 1,
        "lock_timeout": lock_timeout,
        "on_offer": progress.offer,
    }
    if scheduler:  # connected before anything is read or written; closed with the command
        from ..distributed import on_cluster

        cluster = on_cluster(scheduler, jobs=options["jobs"], connect_timeout=connect_timeout)
        options["renderer"] = ctx.with_resource(cluster)
    try:
        if rev is not None:
            built = build_revision(ctx.obj, rev, offers, formats or FORMATS, out_dir, **options)
            report = built.report
            for offer_id, folder in built.folders.items():
                click.echo(f"{offer_id} at {built.commit[:7]}: {shown_path(folder, Path.cwd())}")
        else:
            try:  # an unchanged workspace is recalled, not loaded (see plan_cache)
                prepared = prepare(ctx.obj, offers, formats or FORMATS, out_dir, recall=not force)
            except ValidationFailed as failed:
                show_problems(failed, built=True)
                ctx.exit(EXIT_PROBLEMS)
            for warning in prepared.warnings:
                click.echo(str(warning), err=True)
            for notice in prepared.notices:
                click.echo(f"warning: {notice}", err=True)
            for warning in prepared.stamp_warnings:
                click.echo(str(warning), err=True)
            report = run_build(
                prepared.source,
                offers,
                formats or FORMATS,
                out_dir,
                force=force,
                verify_outputs=verify_outputs,
                **options,
            )
            prepared.remember()
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
@OUT
@click.pass_context
def verify(ctx: click.Context, offers: tuple[str, ...], out_dir: Path | None) -> None:
    """Prove each built PDF and DOCX pair carries the same words, in the same order."""
    from ..audit import verify_outputs

    verdicts = list(verify_outputs(load(ctx), offers, out_dir))
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
