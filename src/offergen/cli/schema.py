"""The `schema` command: the JSON Schemas of the workspace files, for editors."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..schema import KINDS
from .base import cli


@cli.command()
@click.argument("kind", required=False, type=click.Choice(KINDS))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write <kind>.json files into this folder (e.g. .schema) instead of printing.",
)
def schema(kind: str | None, out_dir: Path | None) -> None:
    """The JSON Schema of KIND (all kinds when none is named), for an editor's completion
    and help: printed, or written into --out as <kind>.json."""
    from ..schema import schema_of, schema_text, write_schemas

    kinds = (kind,) if kind else KINDS
    if out_dir is not None:
        for path in write_schemas(out_dir, kinds):
            click.echo(str(path))
    elif kind:
        click.echo(schema_text(schema_of(kind)), nl=False)
    else:
        every = {name: schema_of(name) for name in KINDS}
        click.echo(json.dumps(every, ensure_ascii=False, indent=2))
