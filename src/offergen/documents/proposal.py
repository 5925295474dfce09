"""Turn a priced offer into the context of the commercial proposal (коммерческое предложение).

Every string the proposal prints is made here, once, so the PDF and the DOCX layouts
cannot say different things: the templates only place these strings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..formatting import (
    count_noun,
    format_date,
    format_percent,
)
from ..models import Client, Locale, Offer, Person, Terms
from ..render import DocumentMeta
from .discount_text import applied_text, approval_text, hint_text
from .parties import client_block, contact_line, local, person_block, seller_block
from .specification import specification
from .text import Text
from .view import OfferView


def proposal_context(view: OfferView) -> tuple[dict[str, Any], DocumentMeta]:
    """The proposal's context and document properties for one offer."""
    labels = view.labels
    offer, client, seller, priced, text = (
        view.offer,
        view.client,
        view.seller,
        view.priced,
        view.text,
    )
    locale, settings, book = view.locale, view.settings, view.discounts
    manager = view.manager
    heading = text("number_and_date", number=offer.number, date=format_date(offer.date, locale))
    title = text("proposal_title")
    seller_named = seller_block(seller, labels, locale)
    context: dict[str, Any] = {
        **view.page(),
        "title": title,
        "heading": heading,
        "number": offer.number,
        "seller": seller_named,
        "client": client_block(client, labels),
        "addressee": _addressee(offer, client, locale),
        "greeting": greeting(_contact(offer, client), text),
        "intro": _intro(offer, client, text),
        "spec": specification(priced, text),
        "order_discount_note": (
            text("order_discount_note", percent=format_percent(offer.discount, locale))
            if offer.discount
            else ""
        ),
        "notice": approval_text(priced, offer, text),
        "applied": applied_text(priced, book, text),
        "hints": [hint_text(outcome, book, text) for outcome in priced.hints],
        "terms": _terms(view.terms, text),
        "validity": joined_words(text("term_validity"), format_date(settings.valid_until, locale)),
        "manager": contact_line(manager, labels, locale),
        "signatory": person_block(seller.signatory, locale),
    }
    return context, view.meta(f"{title} {heading}")


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


def greeting(contact: Person | None, text: Text) -> str:
    """How a letter to `contact` opens, in the letter's language; the proposal and the
    cover letter of `offergen send` greet alike."""
    if contact is None:
        return text("greeting_anonymous")
    from ..grammar import polite_name  # pymorphy loads only when a letter is written

    if text.locale == "ru" and (polite := polite_name(contact.name)):
        name, gender = polite  # «Уважаемая Анна Сергеевна!»
        return text(f"greeting_{gender}", name=name)
    return text("greeting", name=local(contact.name, contact.name_en, text.locale))


def _intro(offer: Offer, client: Client, text: Text) -> list[str]:
    if offer.intro:
        # Blank lines separate paragraphs; single line breaks are just wrapping.
        return [" ".join(part.split()) for part in offer.intro.split("\n\n") if part.strip()]
    if client.needs:
        return [text("intro_from_needs", needs="; ".join(client.needs))]
    return [text("intro_default")]


def _terms(terms: Terms, text: Text) -> list[dict[str, str]]:
    locale = text.locale
    days = text.forms("days")
    rows = []
    prepaid = terms.prepayment_percent or Decimal(0)
    percent = format_percent(prepaid, locale)
    payment = ""
    # Payment days are counted as the terms say: calendar or banking days.
    paid_in = text.forms("banking_days" if terms.payment_days_basis == "banking" else "days")
    if prepaid == 100:
        payment = text("payment_full_prepayment")
    elif prepaid and terms.payment_days is not None:
        payment = text(
            "payment_prepayment_rest",
            percent=percent,
            days=count_noun(terms.payment_days, paid_in, locale),
        )
    elif prepaid:
        payment = text("payment_prepayment_only", percent=percent)
    elif terms.payment_days is not None:
        payment = text("payment_deferred", days=count_noun(terms.payment_days, paid_in, locale))
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
        place = local(terms.delivery_place, terms.delivery_place_en, text.locale)
        rows.append({"label": text("term_place"), "value": place})
    if terms.warranty_months is not None:
        rows.append(
            {
                "label": text("term_warranty"),
                "value": count_noun(terms.warranty_months, text.forms("months"), locale),
            }
        )
    return rows
