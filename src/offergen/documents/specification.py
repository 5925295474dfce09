"""Turn a priced offer into the printed specification: items table, totals, sum in words.

The proposal and the contract's specification appendix print the same table from here.
Every printed line recomputes from its printed numbers: the unit price prints the decimals
it has (up to four), the discount as many as the line's amount needs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..formatting import (
    amount_in_words,
    format_amount,
    format_money,
    format_number,
    format_percent,
)
from ..limits import PRICE_DECIMALS
from ..models import Locale
from ..pricing import PricedLine, PricedOffer, VatGroup
from .text import Text

CURRENCY_SIGNS = {"RUB": "₽", "EUR": "€", "USD": "$"}


def specification(priced: PricedOffer, text: Text) -> dict[str, Any]:
    """`columns`, `lines`, `totals` and `in_words` of a document's context."""
    return {
        "columns": _columns(priced, text),
        "lines": [_line(line, text) for line in priced.lines],
        "totals": _totals(priced, text),
        "in_words": _in_words(priced, text),
    }


def _columns(priced: PricedOffer, text: Text) -> dict[str, str]:
    sign = CURRENCY_SIGNS[priced.currency]
    exempt = all(line.vat_rate == "none" for line in priced.lines)
    price_key = (
        "col_price"
        if exempt
        else "col_price_with_vat"
        if priced.prices_include_vat
        else "col_price_without_vat"
    )
    return {
        "number": text("col_number"),
        "name": text("col_name"),
        "unit": text("col_unit"),
        "qty": text("col_qty"),
        "price": text(price_key, currency=sign),
        "discount": text("col_discount"),
        "amount": text("col_amount", currency=sign),
    }


def _line(line: PricedLine, text: Text) -> dict[str, str]:
    locale = text.locale
    name, unit = line.name.get(locale), line.unit.get(locale)
    assert name is not None and unit is not None, "the workspace checks names per locale"
    return {
        "number": str(line.number),
        "name": name,
        "unit": unit,
        "qty": format_number(line.qty, locale),
        "price": format_amount(line.unit_price, locale, PRICE_DECIMALS),
        "discount": _discount(line, locale),
        "amount": format_amount(line.amount, locale),
    }


def _discount(line: PricedLine, locale: Locale) -> str:
    if not line.discount_percent:
        return "—"
    return format_percent(line.printed_discount, locale, max_decimals=None)


def _row(label: str, value: str, strong: bool = False) -> dict[str, Any]:
    return {"label": label, "value": value, "strong": strong}


def _rate(rate: int | str, locale: Locale) -> str:
    return format_percent(Decimal(rate), locale) if isinstance(rate, int) else str(rate)


def _vat_row(group: VatGroup, priced: PricedOffer, text: Text) -> dict[str, Any]:
    if group.rate == "none":
        return _row(text("vat_exempt"), text("vat_exempt_value"))
    key = "vat_included" if priced.prices_include_vat else "vat_added"
    money = format_money(group.vat, priced.currency, text.locale)
    return _row(text(key, rate=_rate(group.rate, text.locale)), money)


def _totals(priced: PricedOffer, text: Text) -> list[dict[str, Any]]:
    totals, locale = priced.totals, text.locale

    def money(value: Decimal) -> str:
        return format_money(value, priced.currency, locale)

    rows = []
    if totals.discount:
        rows += [
            _row(text("total_list"), money(totals.list_amount)),
            _row(text("total_discount"), money(totals.discount)),
        ]
    vat_rows = [_vat_row(group, priced, text) for group in totals.vat_groups]
    if priced.prices_include_vat:
        return [*rows, _row(text("total"), money(totals.amount), strong=True), *vat_rows]
    return [
        *rows,
        _row(text("total_net"), money(totals.amount)),
        *vat_rows,
        _row(text("total_gross"), money(totals.gross), strong=True),
    ]


def _in_words(priced: PricedOffer, text: Text) -> str:
    words = amount_in_words(priced.totals.gross, priced.currency, text.locale)
    if all(group.rate == "none" for group in priced.totals.vat_groups):
        sentence = text("in_words_vat_exempt", words=words)
    else:
        vat = format_money(priced.totals.vat, priced.currency, text.locale)
        sentence = text("in_words_vat_included", words=words, vat=vat)
    return text("in_words", words=sentence)
