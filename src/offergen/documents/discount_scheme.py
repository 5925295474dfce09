"""Turn an offer's discount schemes and trail into the discount-terms appendix context."""

from __future__ import annotations

from typing import Any

from ..discounts import Outcome
from ..formatting import format_date, format_number, format_percent
from ..models import Catalog, Discounts, Scheme
from ..pricing import PricedLine, PricedOffer
from ..render import DocumentMeta
from .discount_text import (
    approval_text,
    line_explanation,
    period_text,
    skip_reason,
    threshold,
)
from .parties import client_block, person_block, seller_block
from .text import Text
from .view import OfferView


def discount_scheme_context(view: OfferView) -> tuple[dict[str, Any], DocumentMeta]:
    """The appendix: general terms, each scheme with the client's position, an example."""
    offer, text, labels = view.offer, view.text, view.labels
    title = text("discount_title")
    subtitle = text(
        "discount_appendix", number=offer.number, date=format_date(offer.date, text.locale)
    )
    context: dict[str, Any] = {
        **view.page(),
        "number": offer.number,
        "title": title,
        "subtitle": subtitle,
        "seller": seller_block(view.seller, labels, view.locale),
        "client": client_block(view.client, labels),
        **discount_terms(view),
        "notice": approval_text(view.priced, offer, text),
        "signatory": person_block(view.seller.signatory, view.locale),
    }
    return context, view.meta(f"{title}. {subtitle}")


def discount_terms(view: OfferView) -> dict[str, Any]:
    """`general`, `schemes`, `example` and `effective`: the discount terms of one offer."""
    offer, priced, book, text = view.offer, view.priced, view.discounts, view.text
    outcomes = {outcome.scheme: outcome for outcome in priced.outcomes}
    return {
        "general": _general(book, priced, text),
        "schemes": [
            _scheme(name, book.schemes[name], outcomes[name], view)
            for name in (o.scheme for o in priced.outcomes)
        ],
        "example": _example(priced, book, text, offer.date.year),
        "effective": text(
            "effective_discount",
            percent=text.percent(priced.effective_discount),
            amount=text.money(priced.totals.discount),
        ),
    }


def _general(book: Discounts, priced: PricedOffer, text: Text) -> list[str]:
    policy = book.policy
    cap = policy.max_total_percent
    rows = [
        text("discount_base", base=text(f"base_{policy.base}")),
        text(f"stacking_{policy.stacking}"),
        text("discount_cap", cap=text.percent(cap)) if cap < 100 else text("discount_cap_none"),
    ]
    if any(clip.kind == "floor" for line in priced.lines for clip in line.clips):
        rows.append(text("discount_floor"))
    rows.append(text("discount_applied_how"))
    return rows


def _scheme(name: str, scheme: Scheme, outcome: Outcome, view: OfferView) -> dict[str, Any]:
    text = view.text
    base = text(f"base_{view.discounts.policy.base}")
    rows = [
        {"label": text("scheme_basis"), "value": text(f"basis_{scheme.basis}", base=base)},
        {"label": text("scheme_period"), "value": period_text(scheme, text)},
        {"label": text("scheme_covers"), "value": _covers(scheme, view.catalog, text)},
        {"label": text("scheme_lost"), "value": text(f"lost_{scheme.basis}")},
        {
            "label": text("scheme_position"),
            "value": _position(name, scheme, outcome, view),
        },
    ]
    return {
        "title": text.local(scheme.title),
        "rows": rows,
        "tiers": _tiers(scheme, outcome, text),
        "note": text.local(scheme.note),
    }


def _covers(scheme: Scheme, catalog: Catalog, text: Text) -> str:
    if scheme.applies_to is None:
        return text("scheme_covers_all")
    names = {item.sku: text.local(item.name) for item in catalog.items}
    parts = [names.get(sku, sku) for sku in scheme.applies_to.skus]
    parts += [
        text.local(catalog.categories[code]) if code in catalog.categories else code
        for code in scheme.applies_to.categories
    ]
    return ", ".join(parts)


def _tiers(scheme: Scheme, outcome: Outcome, text: Text) -> list[dict[str, str]]:
    mark = text("tier_current_mark")
    if isinstance(scheme.tiers, dict):
        return [
            {
                "from": tier,
                "percent": text.percent(percent),
                "current": mark if tier == outcome.tier_name else "",
            }
            for tier, percent in scheme.tiers.items()
        ]
    if isinstance(scheme.tiers, list):
        return [
            {
                "from": threshold(scheme, tier.from_, text),
                "percent": text.percent(tier.percent),
                "current": mark if outcome.tier == tier else "",
            }
            for tier in scheme.tiers
        ]
    return []


def _position(name: str, scheme: Scheme, outcome: Outcome, view: OfferView) -> str:
    book, year, priced, text = view.discounts, view.offer.date.year, view.priced, view.text
    if outcome.level == "line":
        numbers = [
            str(line.number)
            for line in priced.lines
            if any(step.source == name for step in line.steps)
        ]
        if not numbers:
            return text("position_not_applied", reason=skip_reason(outcome, book, text, year))
        applied = text("position_lines", lines=", ".join(numbers))
        if scheme.percent is not None:
            return f"{text('position_promo', percent=text.percent(scheme.percent))}; {applied}"
        return applied
    if not outcome.applied:
        reason = text("position_not_applied", reason=skip_reason(outcome, book, text, year))
        return "; ".join([reason, *_next(scheme, outcome, text)])
    if outcome.tier_name is not None:
        assert outcome.percent is not None
        return text("position_tier", tier=outcome.tier_name, percent=text.percent(outcome.percent))
    assert outcome.tier is not None
    reached = text(
        "position_reached",
        threshold=threshold(scheme, outcome.tier.from_, text),
        percent=text.percent(outcome.tier.percent),
    )
    return "; ".join([reached, *_next(scheme, outcome, text)])


def _next(scheme: Scheme, outcome: Outcome, text: Text) -> list[str]:
    if outcome.next_tier is None or outcome.shortfall is None:
        return []
    shortfall = (
        text.money(outcome.shortfall)
        if scheme.basis in ("order_total", "annual_turnover")
        else threshold(scheme, outcome.shortfall, text)
    )
    return [
        text(
            "position_next",
            threshold=threshold(scheme, outcome.next_tier.from_, text),
            percent=text.percent(outcome.next_tier.percent),
            shortfall=shortfall,
        )
    ]


def _example(priced: PricedOffer, book: Discounts, text: Text, year: int) -> list[str]:
    """The line with the most steps, worked through from list price to amount."""
    candidates = [line for line in priced.lines if line.steps]
    if not candidates:
        return []
    line = max(candidates, key=lambda ln: (len(ln.steps) + len(ln.clips), -ln.number))
    return _worked(line, book, text)


def _worked(line: PricedLine, book: Discounts, text: Text) -> list[str]:
    rows = [
        text(
            "example_list",
            name=text.local(line.name),
            qty=format_number(line.qty, text.locale),
            unit=text.local(line.unit),
            price=text.price(line.unit_price),
            amount=text.money(line.list_amount),
        )
    ]
    rows += line_explanation(line, book, text, year=0, skips=False)
    rows.append(
        text(
            "example_total",
            percent=format_percent(line.printed_discount, text.locale, max_decimals=None),
            amount=text.money(line.amount),
        )
    )
    return rows
