"""The live preview: `offergen watch` rebuilds documents as their files are saved."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .base import OUT, cli

if TYPE_CHECKING:
    from ..watch import Round


@cli.command()
@click.argument("offers", nargs=-1)
@OUT
@click.pass_context
def watch(ctx: click.Context, offers: tuple[str, ...], out_dir: Path | None) -> None:
    """Build OFFERS (every offer by default), then rebuild them on every save; Ctrl-C stops.

    One process stays warm (fonts, stylesheet, templates), so a saved offer shows in its
    PDF within a second. Problems are printed located, as `check` prints them, as they
    appear; a file saved half-written is reported and the next good save builds.
    """
    from ..watch import round_lines, rounds

    before: Round | None = None
    try:
        for done in rounds(ctx.obj, offers, out_dir):
            for line, to_stderr in round_lines(done, before):
                click.echo(line, err=to_stderr)
            if before is None:
                click.echo("watching for saves (Ctrl-C to stop)", err=True)
            before = done
    except KeyboardInterrupt:  # during a build: the writes are atomic, nothing is half-done
        pass
    click.echo("stopped", err=True)
