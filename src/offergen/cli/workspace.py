"""The commands that make a workspace: init."""

from __future__ import annotations

from pathlib import Path

import click

from .base import cli


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--example", is_flag=True, help="Write the demo workspace instead of blanks.")
@click.option(
    "--templates",
    is_flag=True,
    help="Copy the shipped templates into FOLDER/templates/ to customise them "
    "(also into an existing workspace that has none).",
)
def init(folder: Path, example: bool, templates: bool) -> None:
    """Start a workspace in FOLDER (new or empty): offergen.yaml to fill in, an empty
    catalog and discounts file, .gitignore, editor schemas and a pre-commit config."""
    from ..init import init_workspace

    written = init_workspace(folder, example=example, templates=templates)
    click.echo(f"wrote into {folder}: {', '.join(written)}")
    if written == ["templates"]:
        click.echo("edit them there; this workspace is now built with its own templates")
        return
    click.echo("next:")
    if not example:
        click.echo("  fill in each <…> of offergen.yaml (offergen check lists the ones left)")
    for step in (
        f"cd {folder} && git init",
        'offergen new client ID --kind company --name "…" --inn …',
        "offergen new offer --client ID",
        "offergen build",
    ):
        click.echo(f"  {step}")
