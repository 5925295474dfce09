"""Turn a priced offer into what `offergen price` shows: a text table or JSON data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .formatting import format_amount, format_number, format_percent
from .pricing import PricedOffer
from .workspace import Workspace


def _money(value: Decimal) -> str:
    return format(value, "f")


def price_json(workspace: Workspace, offer_id: str) -> dict[str, Any]:
    """Lines and totals with every number as a decimal string."""
    priced, locale = workspace.price(offer_id), workspace.settings(offer_id).locale
    return {
        "offer": offer_id,
        "number": workspace.offer(offer_id).number,
        "currency": priced.currency,
        "prices_include_vat": priced.prices_include_vat,
        "lines": [
            {
                "sku": line.sku,
                "name": line.name.get(locale),
                "qty": format(line.qty, "f"),
                "unit": line.unit.get(locale),
                "unit_price": _money(line.unit_price),
                "discount_percent": format(line.discount_percent.normalize(), "f"),
                "amount": _money(line.amount),
                "vat_rate": str(line.vat_rate),
                "vat": _money(line.vat),
            }
            for line in priced.lines
        ],
        "totals": {
            "net": _money(priced.totals.net),
            "vat": _money(priced.totals.vat),
            "gross": _money(priced.totals.gross),
            "list": _money(priced.totals.list_amount),
            "discount": _money(priced.totals.discount),
            "vat_by_rate": {str(g.rate): _money(g.vat) for g in priced.totals.vat_groups},
        },
    }


def price_table(workspace: Workspace, offer_id: str) -> str:
    """A plain-text table of the priced lines and totals."""
    priced, locale = workspace.price(offer_id), workspace.settings(offer_id).locale
    header = ["#", "item", "qty", "unit", "price", "disc.", "amount", "VAT rate", "VAT"]
    rows = [
        [
            str(line.number),
            line.name.get(locale) or "",
            format_number(line.qty, locale),
            line.unit.get(locale) or "",
            format_amount(line.unit_price, locale),
            format_percent(line.discount_percent, locale) if line.discount_percent else "",
            format_amount(line.amount, locale),
            str(line.vat_rate),
            format_amount(line.vat, locale),
        ]
        for line in priced.lines
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = {0, 2, 4, 5, 6, 8}

    def fmt(row: list[str]) -> str:
        cells = (
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(cells).rstrip()

    lines = [fmt(header), "  ".join("-" * w for w in widths), *map(fmt, rows), ""]
    lines += _totals_lines(priced, locale)
    return "\n".join(lines)


def _totals_lines(priced: PricedOffer, locale: Any) -> list[str]:
    totals = priced.totals
    vat_mode = "included" if priced.prices_include_vat else "added"
    pairs = [("net", totals.net), (f"VAT ({vat_mode})", totals.vat), ("gross", totals.gross)]
    if totals.discount:
        pairs.insert(0, ("discount", totals.discount))
        pairs.insert(0, ("list", totals.list_amount))
    width = max(len(label) for label, _ in pairs)
    return [
        f"{label.rjust(width)}: {format_amount(value, locale)} {priced.currency}"
        for label, value in pairs
    ]
