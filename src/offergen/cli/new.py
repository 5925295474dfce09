"""The commands that start files and list the client base: new client, new offer, clients."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from ..errors import ValidationFailed
from .base import TODAY, cli, day_of, load

if TYPE_CHECKING:
    from ..formatting import Locale
    from ..models import ClientKind

KINDS = ("company", "entrepreneur", "foreign")
DATE = click.DateTime(formats=["%Y-%m-%d"])


@cli.group()
def new() -> None:
    """Start a client card or an offer as a commented file, ready to fill in."""


@new.command("client")
@click.argument("client_id", metavar="ID")
@click.option("--kind", type=click.Choice(KINDS), default="company", show_default=True)
@click.option("--name", help="As documents print it: ООО «Ромашка».")
@click.option("--inn", help="ИНН: 10 digits (company), 12 (entrepreneur); checksum checked.")
@click.option("--kpp", help="КПП (a company's).")
@click.option("--ogrn", help="ОГРН (company, 13 digits) or ОГРНИП (entrepreneur, 15).")
@click.option("--address", help="The legal address.")
@click.option("--locale", type=click.Choice(["ru", "en"]), help="Language of its documents.")
@click.option("--email")
@click.option("--phone")
@click.option("--country", help="A foreign client's country.")
@click.option("--registration-number", help="A foreign client's register number.")
@click.option("--vat-id", help="A foreign client's VAT number.")
@click.option("--tier", help="Its tier, for client_tier discount schemes.")
@click.pass_context
def new_client(ctx: click.Context, /, client_id: str, kind: str, **fields: str | None) -> None:
    """Write clients/ID.yaml: the fields KIND requires, from the options or as <…> to
    fill in, and the optional ones commented out. Never replaces a card."""
    from ..scaffold import new_client as write_card

    given = {name: value for name, value in fields.items() if value is not None}
    path = write_card(ctx.obj, client_id, cast("ClientKind", kind), given)
    _written(path, f"fill in every <…>, then: offergen new offer --client {client_id}")


@new.command("offer")
@click.option("--client", "client_id", required=True, metavar="ID", help="The client's id.")
@click.option("--from", "source", metavar="OFFER", help="Copy the items and terms of OFFER.")
@click.option("--date", "day", type=DATE, metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--id", "offer_id", help="The new offer's id (default: <client>-<year>-<seq>).")
@click.pass_context
def new_offer(
    ctx: click.Context,
    client_id: str,
    source: str | None,
    day: datetime | None,
    offer_id: str | None,
) -> None:
    """Write offers/<client>-<year>-<seq>.yaml: a draft with the next free number, dated
    today and valid for the default days. Never replaces an offer."""
    from ..scaffold import new_offer as write_offer

    made = write_offer(ctx.obj, client_id, day_of(day), source, offer_id)
    _written(made.path, f"offergen build {made.offer_id}", f" ({made.number})")


def _written(path: Path, step: str, what: str = "") -> None:
    from ..report import shown_path

    click.echo(f"wrote {shown_path(path.absolute(), Path.cwd())}{what}")
    click.echo(f"next: {step}")


@cli.command()
@TODAY
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_context
def clients(ctx: click.Context, today: datetime | None, as_json: bool) -> None:
    """The client base: kind, ИНН, tier, rating, credit limit, open offers and their sum;
    a card or offer that problems block is marked invalid, with its first problem."""
    from ..client_base import client_rows, clients_table, unreadable_client_rows
    from ..scaffold.lines import stems
    from ..workspace import CLIENTS_DIR

    locale: Locale = "ru"
    try:
        workspace = load(ctx)
        rows = client_rows(workspace, day_of(today))
        locale = workspace.config.defaults.locale
    except ValidationFailed as failed:  # no seller or catalog: no offer can be priced
        rows = unreadable_client_rows(failed, stems(Path(ctx.obj) / CLIENTS_DIR))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(clients_table(rows, locale))
