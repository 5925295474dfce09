"""Turn discount schemes, an offer and its client into discount steps, with every reason.

Pure functions: nothing here formats text. Each scheme an offer names yields either
steps (the percent it gives, and where it came from) or a reason it did not apply; the
pricing stage combines the steps of each line by the policy's stacking rule and clips
the result by the cap and the floor price.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Literal

from .models import Client, Discounts, Policy, Scheme, Tier

HUNDRED = Decimal(100)
ZERO = Decimal(0)

Reason = Literal[
    "tier_not_reached",  # the measure is below the first tier
    "period",  # the offer date is outside the scheme's period
    "not_covered",  # the line's sku or category is not in applies_to
    "no_tier",  # the client has no tier
    "tier_unknown",  # the client's tier has no percent in the scheme
    "no_turnover",  # no purchases recorded for the previous year
    "currency",  # thresholds are in another currency than the offer's
]


@dataclass(frozen=True)
class Step:
    """One discount applied to a line: a scheme's, or a manual line or order discount."""

    source: str  # a scheme id, or "line" / "order" for the manual discounts
    level: Literal["line", "order"]
    percent: Decimal
    tier_from: Decimal | None = None


@dataclass(frozen=True)
class Skip:
    """A scheme that did not apply to a line, and why."""

    scheme: str
    reason: Reason
    measure: Decimal | None = None
    needed: Decimal | None = None


@dataclass(frozen=True)
class Clip:
    """The combined discount of a line was cut: by the cap, or to keep the floor price."""

    kind: Literal["cap", "floor"]
    before: Decimal
    after: Decimal
    limit: Decimal  # the cap in percent, or the floor unit price in the offer's convention


@dataclass(frozen=True)
class Outcome:
    """What one scheme did for the whole offer."""

    scheme: str
    level: Literal["line", "order"]
    applied: bool
    reason: Reason | None = None
    measure: Decimal | None = None
    tier: Tier | None = None
    next_tier: Tier | None = None
    shortfall: Decimal | None = None
    percent: Decimal | None = None
    tier_name: str | None = None


@dataclass(frozen=True)
class LineFacts:
    """What the engine needs to know about one line."""

    sku: str | None
    category: str | None
    qty: Decimal
    list_amount: Decimal  # qty × unit price, exact, in the offer's VAT convention
    vat_factor: Decimal  # 1 + rate / 100 (1 for exempt and 0 %)


@dataclass(frozen=True)
class OfferFacts:
    """What the engine needs to know about the offer and its client."""

    day: date
    currency: str
    workspace_currency: str
    prices_include_vat: bool
    prepayment_percent: Decimal
    client: Client | None


def combine(percents: Iterable[Decimal], stacking: str) -> Decimal:
    """Several discounts as one percent: multiplied, summed (at most 100) or the best one."""
    values = [p for p in percents if p]
    if not values:
        return ZERO
    if stacking == "additive":
        return min(sum(values, ZERO), HUNDRED)
    if stacking == "best":
        return max(values)
    remaining = Decimal(1)
    for percent in values:
        remaining *= 1 - percent / HUNDRED
    return (1 - remaining) * HUNDRED


def scheme_order(names: Sequence[str], book: Discounts) -> list[str]:
    """Line-level schemes first, then order-level, each by name: the list order never counts."""
    return sorted(names, key=lambda name: (book.schemes[name].level != "line", name))


def tier_for(tiers: Sequence[Tier], measure: Decimal) -> tuple[Tier | None, Tier | None]:
    """The highest tier reached by `measure`, and the next one above it."""
    reached = [tier for tier in tiers if measure >= tier.from_]
    above = [tier for tier in tiers if measure < tier.from_]
    return (reached[-1] if reached else None), (above[0] if above else None)


def line_steps(
    name: str, scheme: Scheme, line: LineFacts, facts: OfferFacts
) -> tuple[Step | None, Skip | None]:
    """A line-level scheme (quantity or promotion) on one line."""
    if scheme.applies_to is not None and not scheme.applies_to.covers(line.sku, line.category):
        return None, Skip(name, "not_covered")
    if scheme.period is not None and not scheme.period.contains(facts.day):
        return None, Skip(name, "period")
    if scheme.basis == "promo":
        assert scheme.percent is not None
        return Step(name, "line", scheme.percent), None
    assert isinstance(scheme.tiers, list)
    tier, next_tier = tier_for(scheme.tiers, line.qty)
    if tier is None:
        needed = next_tier.from_ if next_tier else None
        return None, Skip(name, "tier_not_reached", line.qty, needed)
    return Step(name, "line", tier.percent, tier.from_), None


def order_outcome(
    name: str,
    scheme: Scheme,
    facts: OfferFacts,
    covered_total: Decimal,
    policy: Policy,
) -> Outcome:
    """An order-level scheme: its measure, the tier reached and the next one."""
    if scheme.period is not None and not scheme.period.contains(facts.day):
        return Outcome(name, "order", False, "period")
    if scheme.basis == "client_tier":
        return _tier_outcome(name, scheme, facts.client)
    thresholds_in = scheme.currency or facts.workspace_currency
    measure: Decimal | None
    if scheme.basis == "order_total":
        if thresholds_in != facts.currency:
            return Outcome(name, "order", False, "currency")
        measure = covered_total
    elif scheme.basis == "annual_turnover":
        turnover = facts.client.turnover if facts.client else {}
        measure = turnover.get(facts.day.year - 1)
        if measure is None:
            return Outcome(name, "order", False, "no_turnover")
    else:  # prepayment
        measure = facts.prepayment_percent
    assert isinstance(scheme.tiers, list)
    tier, next_tier = tier_for(scheme.tiers, measure)
    shortfall = _cents_up(next_tier.from_ - measure) if next_tier else None
    if tier is None:
        return Outcome(
            name, "order", False, "tier_not_reached", measure, None, next_tier, shortfall
        )
    return Outcome(name, "order", True, None, measure, tier, next_tier, shortfall, tier.percent)


def _tier_outcome(name: str, scheme: Scheme, client: Client | None) -> Outcome:
    assert isinstance(scheme.tiers, dict)
    tier_name = client.tier if client else None
    if tier_name is None:
        return Outcome(name, "order", False, "no_tier")
    if tier_name not in scheme.tiers:
        return Outcome(name, "order", False, "tier_unknown", tier_name=tier_name)
    return Outcome(name, "order", True, percent=scheme.tiers[tier_name], tier_name=tier_name)


def base_amount(line: LineFacts, percent: Decimal, facts: OfferFacts, policy: Policy) -> Decimal:
    """A line after `percent` off, measured with or without VAT as the policy says."""
    amount = line.list_amount * (1 - percent / HUNDRED)
    if policy.base == "net" and facts.prices_include_vat:
        return amount / line.vat_factor
    if policy.base == "gross" and not facts.prices_include_vat:
        return amount * line.vat_factor
    return amount


def within_reach(outcome: Outcome, policy: Policy) -> bool:
    """Whether the next order-volume tier is close enough to mention."""
    if outcome.next_tier is None or outcome.shortfall is None:
        return False
    if outcome.measure is None or outcome.measure <= 0:
        return False
    return outcome.shortfall <= outcome.next_tier.from_ * policy.hint_within_percent / HUNDRED


def _cents_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
