"""Turn command lines into library calls; the only module that prints or exits."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from .errors import OffergenError, ValidationFailed

EXIT_PROBLEMS = 1
EXIT_INTERNAL = 2


class _Cli(click.Group):
    """Maps library errors to messages and exit codes, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as failed:
            for problem in failed.problems:
                click.echo(str(problem), err=True)
            click.echo(failed.summary(), err=True)
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


def _load(ctx: click.Context, check_documents: bool = False) -> Any:
    from .workspace import load_workspace

    workspace = load_workspace(ctx.obj)
    if check_documents:
        from .documents import check_documents as check_contexts

        check_contexts(workspace)
    return workspace


@cli.command()
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The date to judge validity by (default: today), for reproducible runs.",
)
@click.pass_context
def check(ctx: click.Context, today: Any) -> None:
    """Validate every file and cross-reference; report every problem."""
    from datetime import date

    from .workspace import expired_offers

    day = today.date() if today else date.today()
    workspace = _load(ctx, check_documents=True)
    warnings = [*workspace.warnings, *expired_offers(workspace, day)]
    stale = _stale_reviews(workspace, day)
    if stale:
        raise ValidationFailed([*stale, *warnings])
    for warning in sorted(warnings):
        click.echo(str(warning), err=True)
    warned = f", {len(warnings)} warning(s)" if warnings else ""
    click.echo(
        f"ok: {len(workspace.offers)} offers, {len(workspace.clients)} clients, "
        f"{len(workspace.catalog.items)} catalog items{warned}"
    )


@cli.command()
@click.argument("offers", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@click.pass_context
def review(ctx: click.Context, offers: tuple[str, ...], as_json: bool) -> None:
    """Legal's checklist for OFFERS (every open offer by default); exit 1 on an error-level finding.

    Clauses that deviate from the library, discounts without approval, payment terms
    outside the policy and the client's credit, missing requisites, a validity shorter
    than delivery, placeholders left in any text; each located, as error, warning or note.
    """
    from .review import review as review_offers
    from .review import review_json, review_text

    reviews = review_offers(_load(ctx, check_documents=True), offers)
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
    from .render import Templates
    from .report import price_explanation, price_json, price_table

    workspace = _load(ctx)
    if as_json:
        click.echo(json.dumps(price_json(workspace, offer), ensure_ascii=False, indent=2))
        return
    click.echo(price_table(workspace, offer))
    if explain:
        locale = workspace.settings(offer).locale
        labels = Templates(workspace.templates_dir).labels(locale)
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
    from .build import build_revision
    from .documents import FORMATS

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
                click.echo(f"{offer_id} at {built.commit[:7]}: {_shown(folder, Path.cwd())}")
        else:
            workspace = _load(ctx)  # the build checks the contracts of what it renders
            for warning in workspace.warnings:
                click.echo(str(warning), err=True)
            _stamp(workspace, offers)
            report = run_build(
                workspace, offers, formats or FORMATS, out_dir, force=force, **options
            )
    finally:
        progress.close()
    for result in report.failed:
        kept = "its earlier documents are kept, now stale" if result.stale else "nothing written"
        click.echo(f"FAILED {result.offer_id}: {result.error} ({kept})", err=True)
    for offer_id in report.removed_offers:
        click.echo(f"removed {offer_id}: the offer no longer exists")
    click.echo(
        f"{report.documents_built} documents built, {report.documents_skipped} up to date, "
        f"{len(report.failed)} offers failed, {len(report.results)} offers in "
        f"{report.seconds:.1f} s"
    )
    if report.failed:
        ctx.exit(EXIT_PROBLEMS)


def _stamp(workspace: Any, offers: tuple[str, ...]) -> None:
    """Give each offer's documents its version in git (none outside a repository); warn
    when one approved or later is built from what no commit says."""
    from .history import Repo
    from .past import revisions, uncommitted_warnings

    repo = Repo.find(workspace.root)
    if repo is None:
        return
    if repo.shallow:
        click.echo(
            "warning: a shallow clone: the documents carry no version "
            "(run `git fetch --unshallow` for one)",
            err=True,
        )
        return
    workspace.revisions = revisions(workspace, repo)
    for warning in uncommitted_warnings(repo, workspace, workspace.revisions, offers):
        click.echo(str(warning), err=True)


class _Progress:
    """A progress bar on a terminal, a plain line per offer elsewhere."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self.bar: Any = None

    def offer(self, result: Any, done: int, total: int) -> None:
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
    from .build import OUT_DIR, watermark
    from .render import Templates
    from .verify import compare, pairs

    workspace = _load(ctx)
    templates = Templates(workspace.templates_dir)
    target = out_dir or workspace.root / OUT_DIR
    checked, differing = 0, 0
    for offer_id in offers or sorted(workspace.offers):
        labels = templates.labels(workspace.settings(offer_id).locale)
        folder = target / offer_id
        stems = pairs(p.name for p in folder.iterdir()) if folder.is_dir() else []
        if not stems:
            click.echo(
                f"MISSING {offer_id}: nothing built in {folder} (run offergen build)", err=True
            )
            differing += 1
        for stem in stems:
            checked += 1
            pdf, docx = (
                (folder / f"{stem}.pdf").read_bytes(),
                (folder / f"{stem}.docx").read_bytes(),
            )
            mark = watermark(workspace, offer_id, labels)
            difference = compare(pdf, docx, labels["page"], labels["page_of"], mark)
            if difference is None:
                click.echo(f"same {offer_id}/{stem}")
            else:
                differing += 1
                click.echo(f"DIFFERENT {offer_id}/{stem}: {difference}", err=True)
    click.echo(f"{checked} pairs checked, {differing} differ")
    if differing:
        ctx.exit(EXIT_PROBLEMS)


@cli.command()
@click.option(
    "--status",
    "only",
    type=click.Choice(["draft", "review", "approved", "sent", "accepted", "rejected", "expired"]),
    help="Only offers in this status.",
)
@click.option(
    "--expiring",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only open offers whose validity ends within DAYS.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The date to count from (default: today), for reproducible reports.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_context
def status(
    ctx: click.Context, only: str | None, expiring: int | None, today: Any, as_json: bool
) -> None:
    """A table of offers: client, number, status, total, discount, validity."""
    from datetime import date

    from .report import status_rows, status_table
    from .workspace import CLOSED

    day = today.date() if today else date.today()
    rows = status_rows(_load(ctx), day)
    if only:
        rows = [row for row in rows if row["status"] == only]
    if expiring is not None:
        rows = [
            row
            for row in rows
            if row["status"] not in (*CLOSED, "expired") and row["days_left"] <= expiring
        ]
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
    workspace.offer(offer)  # an unknown offer fails before git is asked
    repo = _repo(workspace.root)
    rows = history_rows(offer_history(repo, workspace, offer))
    dirty = changed_inputs(repo, workspace, offer)
    if as_json:
        click.echo(
            json.dumps(
                {"offer": offer, "uncommitted": dirty, "commits": rows},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if dirty:
        click.echo(f"uncommitted changes: {', '.join(dirty)}")
    if not rows:
        click.echo(f"{offer}: never committed")
        return
    click.echo(history_table(rows))


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
    previous one); REV_B to the working tree. Writes out/<offer>/redline-<document>.docx
    with Word's tracked changes and .pdf with the changes marked.
    """
    from .diff import diff

    repo = _repo(ctx.obj)
    report = diff(ctx.obj, repo, offer, rev_old, rev_new, out_dir)
    click.echo(f"{offer}: {report.old.name} ({report.why}) → {report.new.name}")
    for line in report.changes or ["no change in the data"]:
        click.echo(f"  {line}")
    for path in report.written:
        click.echo(f"wrote {_shown(path, Path.cwd())}")
    for label, names in (
        ("same text", report.unchanged),
        ("new documents (all of them inserted)", report.added),
        ("documents no longer made", report.dropped),
    ):
        if names:
            click.echo(f"{label}: {', '.join(names)}")


def _stale_reviews(workspace: Any, today: Any) -> list[Any]:
    """Reviews older than the last change of their offer (needs the workspace's history)."""
    from .history import Repo
    from .past import stale_reviews

    repo = Repo.find(workspace.root)
    if repo is None or not repo.has_commits:
        return []
    if repo.shallow:
        click.echo("warning: a shallow clone: review dates not checked against history", err=True)
        return []
    return stale_reviews(repo, workspace, today)


def _repo(root: Path) -> Any:
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
    from .workspace import SHIPPED_TEMPLATES, TEMPLATES_DIR

    own = ctx.obj / TEMPLATES_DIR
    findings = examine(own if own.is_dir() else SHIPPED_TEMPLATES)
    for finding in findings:
        click.echo(str(finding))
    needed = [f for f in findings if not f.ok and f.name != "libreoffice"]
    click.echo("all set" if not needed else f"{len(needed)} missing")
    if needed:
        ctx.exit(EXIT_PROBLEMS)


def _shown(path: Path, cwd: Path) -> str:
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)


def main() -> None:
    cli(prog_name="offergen")


if __name__ == "__main__":
    main()
