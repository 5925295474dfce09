"""The command group, its error mapping and what every command shares."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import Blocked, OffergenError, ValidationFailed

if TYPE_CHECKING:
    from ..history import Repo
    from ..workspace import Workspace

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
            show_problems(failed)
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


OUT = click.option(
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


def show_problems(failed: ValidationFailed, built: bool = False) -> None:
    """Every problem, then one summary line."""
    for problem in failed.problems:
        click.echo(str(problem), err=True)
    click.echo(failed.summary(built=built), err=True)


def load(ctx: click.Context) -> Workspace:
    """The workspace's sound part; its problems are for `check` (and each command's rows)."""
    from ..validate import load_workspace

    return load_workspace(ctx.obj)


def checked(ctx: click.Context, today: datetime | None) -> Workspace:
    """The workspace as `check` judges it on `today`: git's review dates included."""
    from ..check import check_workspace

    workspace = check_workspace(ctx.obj, day_of(today))
    for notice in workspace.notices:
        click.echo(f"warning: {notice}", err=True)
    return workspace


def day_of(today: datetime | None) -> date:
    return today.date() if today else date.today()


TODAY = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The date to judge validity by (default: today), for reproducible runs.",
)


def repo_of(root: Path) -> Repo:
    """The workspace's repository with its whole history, or a clear refusal."""
    from ..history import Repo, no_repository

    repo = Repo.find(root)
    if repo is None:
        raise no_repository(root)
    repo.require_history()
    return repo
