"""Turn a priced offer into the context of the commercial proposal (коммерческое предложение).

Every string the proposal prints is made here, once, so the PDF and the DOCX layouts
cannot say different things: the templates only place these strings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..formatting import (
    amount_in_words,
    count_noun,
    format_amount,
    format_date,
    format_money,
    format_number,
    format_percent,
)
from ..models import Client, Locale, Offer, Person, Terms
from ..pricing import PricedLine, PricedOffer, VatGroup
from ..render import DocumentMeta
from ..workspace import Workspace
from .discount_text import applied_text, approval_text, hint_text
from .parties import client_block, contact_line, local, person_block, seller_block
from .text import Text

CURRENCY_SIGNS = {"RUB": "₽", "EUR": "€", "USD": "$"}


def proposal_context(
    workspace: Workspace, offer_id: str, labels: dict[str, str]
) -> tuple[dict[str, Any], DocumentMeta]:
    """The proposal's context and document properties for one offer."""
    offer = workspace.offer(offer_id)
    client = workspace.clients[offer.client]
    settings = workspace.settings(offer_id)
    priced = workspace.price(offer_id)
    locale = settings.locale
    text = Text(labels, locale, priced.currency)
    book = workspace.discounts
    seller = workspace.config.seller
    manager = offer.manager or workspace.config.defaults.manager
    heading = text("number_and_date", number=offer.number, date=format_date(offer.date, locale))
    title = text("proposal_title")
    seller_named = seller_block(seller, labels, locale)
    context: dict[str, Any] = {
        "lang": locale,
        "labels": labels,
        "title": title,
        "heading": heading,
        "number": offer.number,
        "seller": seller_named,
        "client": client_block(client, labels),
        "addressee": _addressee(offer, client, locale),
        "greeting": _greeting(offer, client, text),
        "intro": _intro(offer, client, text),
        "columns": _columns(priced, text),
        "lines": [_line(line, text) for line in priced.lines],
        "totals": _totals(priced, text),
        "order_discount_note": (
            text("order_discount_note", percent=format_percent(offer.discount, locale))
            if offer.discount
            else ""
        ),
        "in_words": _in_words(priced, text),
        "notice": approval_text(priced, offer, text),
        "applied": applied_text(priced, book, text),
        "hints": [hint_text(outcome, book, text) for outcome in priced.hints],
        "terms": _terms(offer.terms, text),
        "validity": joined_words(text("term_validity"), format_date(settings.valid_until, locale)),
        "manager": contact_line(manager, labels, locale),
        "signatory": person_block(seller.signatory, locale),
    }
    meta = DocumentMeta(
        title=f"{title} {heading}",
        author=seller_named["name"],
        subject=client.name,
        language="ru-RU" if locale == "ru" else "en-US",
        created=offer.date,
    )
    return context, meta


def joined_words(*parts: str) -> str:
    return " ".join(parts)


def _contact(offer: Offer, client: Client) -> Person | None:
    if offer.contact is not None:
        return next(c for c in client.contacts if c.name == offer.contact)
    return client.contacts[0] if client.contacts else None


def _addressee(offer: Offer, client: Client, locale: Locale) -> dict[str, str]:
    contact = _contact(offer, client)
    if contact is None:
        return {"name": "", "position": ""}
    return person_block(contact, locale)


def _greeting(offer: Offer, client: Client, text: Text) -> str:
    contact = _contact(offer, client)
    if contact is None:
        return text("greeting_anonymous")
    return text("greeting", name=local(contact.name, contact.name_en, text.locale))


def _intro(offer: Offer, client: Client, text: Text) -> list[str]:
    if offer.intro:
        # Blank lines separate paragraphs; single line breaks are just wrapping.
        return [" ".join(part.split()) for part in offer.intro.split("\n\n") if part.strip()]
    if client.needs:
        return [text("intro_from_needs", needs="; ".join(client.needs))]
    return [text("intro_default")]


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
        "price": format_amount(line.unit_price, locale),
        "discount": format_percent(line.discount_percent, locale) if line.discount_percent else "—",
        "amount": format_amount(line.amount, locale),
    }


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


def _terms(terms: Terms, text: Text) -> list[dict[str, str]]:
    locale = text.locale
    days = text.forms("days")
    rows = []
    prepaid = terms.prepayment_percent or Decimal(0)
    percent = format_percent(prepaid, locale)
    payment = ""
    if prepaid == 100:
        payment = text("payment_full_prepayment")
    elif prepaid and terms.payment_days is not None:
        payment = text(
            "payment_prepayment_rest",
            percent=percent,
            days=count_noun(terms.payment_days, days, locale),
        )
    elif prepaid:
        payment = text("payment_prepayment_only", percent=percent)
    elif terms.payment_days is not None:
        payment = text("payment_deferred", days=count_noun(terms.payment_days, days, locale))
    if payment:
        rows.append({"label": text("term_payment"), "value": payment})
    if terms.delivery_days is not None:
        after = text("delivery_after_prepayment" if prepaid else "delivery_after_order")
        rows.append(
            {
                "label": text("term_delivery"),
                "value": text(
                    "delivery_days", after=after, days=count_noun(terms.delivery_days, days, locale)
                ),
            }
        )
    if terms.delivery_place:
        rows.append({"label": text("term_place"), "value": terms.delivery_place})
    if terms.warranty_months is not None:
        rows.append(
            {
                "label": text("term_warranty"),
                "value": count_noun(terms.warranty_months, text.forms("months"), locale),
            }
        )
    return rows
