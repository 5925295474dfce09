"""Turn `offergen new offer --client ID [--from OFFER]` into a commented offer file: the
next free number and id, dated, valid for the default days, a draft; an example line from
the catalog, or the items and terms of an earlier offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..errors import OffergenError, ValidationFailed
from ..load import load_document
from ..models import Catalog, PaymentPolicy, parse_parts
from ..numbering import next_number, next_offer_id, read_numbering
from ..workspace import CATALOG_FILE, CLIENTS_DIR, DISCOUNTS_FILE, OFFERS_DIR, offer_source
from .copying import copied_part
from .lines import check_id, commented, existing, line, quoted, schema_line, write_new


@dataclass(frozen=True)
class NewOffer:
    offer_id: str
    number: str
    path: Path


def new_offer(
    root: Path,
    client_id: str,
    day: date,
    source_id: str | None = None,
    offer_id: str | None = None,
) -> NewOffer:
    """Write offers/<client>-<year>-<seq>.yaml (or `offer_id`); read only the files it
    needs: the client's card, offergen.yaml, the catalog, and `source_id`'s offer."""
    client_path = existing(root / CLIENTS_DIR, client_id, "client")
    source = existing(root / OFFERS_DIR, source_id, "offer") if source_id else None
    numbering = read_numbering(root)
    number = next_number(root, numbering.pattern, day.year)
    offer_id = offer_id or next_offer_id(root, client_id, day.year)
    check_id(offer_id, "offer id")
    path = root / offer_source(offer_id)
    client = _readable(client_path)
    lines = [
        schema_line("offer"),
        f"# Offer {offer_id} to {_text(client.get('name')) or client_id} "
        f"({CLIENTS_DIR}/{client_path.name}).",
        f"# Uncomment an optional field to give it; `offergen build {offer_id}` makes the "
        "documents.",
        line(f"number: {quoted(number)}", f"the next free one: {numbering.pattern}"),
        line(f"client: {quoted(client_id)}"),
        line(f"date: {day.isoformat()}"),
        line(
            f"valid_until: {(day + timedelta(days=numbering.validity_days)).isoformat()}",
            f"date + defaults.validity_days ({numbering.validity_days})",
        ),
        line("status: draft", "draft | review | approved | sent | accepted | rejected"),
    ]
    copied: list[str] = []
    if source is not None:
        text, copied = copied_part(source, _client_of(source) == client_id)
        lines.append(f"# Copied from {OFFERS_DIR}/{source.name}: its items and terms.")
        lines += text.rstrip("\n").splitlines()
    if "items" not in copied:
        lines += _items(root)
    if "terms" not in copied:
        lines += _terms(numbering.policy)
    lines += _optional(root, client, set(copied))
    _must_load(lines, offer_source(offer_id))
    write_new(path, lines)
    return NewOffer(offer_id, number, path)


def _items(root: Path) -> list[str]:
    sku = _first_sku(root)
    if sku is None:
        return [
            line("items: []", f"none yet: add {{sku: …, qty: …}} from {CATALOG_FILE}"),
        ]
    return [
        line("items:", "catalog lines (sku, qty) or lines of their own (name, unit, qty, price)"),
        line(f"- sku: {quoted(sku)}", f"an example from {CATALOG_FILE}: change it", "  "),
        line("qty: 1", "", "    "),
        line("#   discount: 5", "percent off this line"),
        line("# - {name: Шеф-монтаж, unit: усл., qty: 1, price: 45000}", "a line of its own"),
    ]


def _terms(policy: PaymentPolicy) -> list[str]:
    """Payment and delivery terms within the workspace's policy, so that a new draft
    starts with nothing for review to object to: change them as agreed."""
    prepayment = policy.min_prepayment_percent
    days = 10 if policy.max_deferral_days is None else min(10, policy.max_deferral_days)
    return [
        line("terms:", "payment and delivery; change them as agreed with the client"),
        line(
            f"prepayment_percent: {format(prepayment, 'f') if prepayment else 50}",
            "policy.min_prepayment_percent" + (f": {prepayment}" if prepayment else ""),
            "  ",
        ),
        line(f"payment_days: {days}", "days to pay the balance after delivery", "  "),
        line("delivery_days: 21", "after the prepayment", "  "),
        line("delivery_place: склад покупателя", "", "  "),
        line("warranty_months: 12", "", "  "),
    ]


def _optional(root: Path, client: dict[str, Any], copied: set[str]) -> list[str]:
    contacts = client.get("contacts")
    first = contacts[0] if isinstance(contacts, list) and contacts else None
    contact = _text(first.get("name")) if isinstance(first, dict) else None
    schemes = _scheme_names(root)
    optional = [
        ("contact", f"contact: {contact or 'Имя Фамилия'}", "whom to address (default: the first)"),
        ("locale", "locale: en", "ru | en (default: the client's, then the workspace's)"),
        ("currency", "currency: EUR", "RUB | EUR | USD (default: the workspace's)"),
        ("prices_include_vat", "prices_include_vat: false", "default: the workspace's"),
        ("vat_rate", "vat_rate: 0", "every line's: 22 | 10 | 7 | 5 | 0 | none"),
        ("intro", "intro: Текст вступления.", "the opening; else built from the client's needs"),
        ("discount", "discount: 3", "order-level discount, percent"),
        (
            "schemes",
            f"schemes: [{', '.join(schemes[:2]) or 'volume'}]",
            f"from {DISCOUNTS_FILE}: {', '.join(schemes) or 'none yet'}",
        ),
        (
            "contract",
            'contract: {type: supply, number: "2026/001", city: Москва}',
            "a contract draft: supply | services",
        ),
        ("documents", "documents: [proposal]", "default: every one that applies"),
    ]
    return [commented(text, why) for key, text, why in optional if key not in copied]


def _must_load(lines: list[str], relative: str) -> None:
    """The file as written must read back; else the fault is ours, not the user's."""
    try:
        load_document(("\n".join(lines) + "\n").encode("utf-8"), relative)
    except ValidationFailed as failed:
        raise OffergenError(
            f"could not write {relative}, it would not read back: {failed.problems[0]}"
        ) from None


def _readable(path: Path) -> dict[str, Any]:
    """A file's data when it reads as a mapping, else nothing: a broken card or catalog
    still gets its offer."""
    try:
        data = load_document(path.read_bytes(), f"{path.parent.name}/{path.name}").data
    except (OSError, ValidationFailed):
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _client_of(source: Path) -> str | None:
    client = _readable(source).get("client")
    return None if client is None else str(client)


def _first_sku(root: Path) -> str | None:
    """The first sound catalog item's sku: the example line must validate."""
    path = root / CATALOG_FILE
    try:
        catalog, _ = parse_parts(Catalog, load_document(path.read_bytes(), CATALOG_FILE), "items")
    except (OSError, ValidationFailed):
        return None
    return catalog.items[0].sku if catalog.items else None


def _scheme_names(root: Path) -> list[str]:
    schemes = _readable(root / DISCOUNTS_FILE).get("schemes")
    return [str(name) for name in schemes] if isinstance(schemes, dict) else []
