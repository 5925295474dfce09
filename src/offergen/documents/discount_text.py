"""Turn the discount trail (steps, skips, clips, outcomes) into sentences of one locale.

The proposal, the discount-scheme appendix and `offergen price --explain` all explain
discounts with these sentences, so they never disagree.
"""

from __future__ import annotations

from decimal import Decimal

from ..discounts import Clip, Outcome, Skip, Step
from ..formatting import format_date, format_number
from ..models import Discounts, Offer, Scheme
from ..pricing import PricedLine, PricedOffer, step_cuts
from .text import Text

HUNDRED = Decimal(100)


def threshold(scheme: Scheme, value: Decimal, text: Text) -> str:
    """A tier's threshold as the scheme measures it: money, a count or a percent."""
    if scheme.basis in ("order_total", "annual_turnover"):
        return text.money(value)
    if scheme.basis == "prepayment":
        return text.percent(value)
    return format_number(value, text.locale)


def step_label(step: Step, book: Discounts, text: Text) -> str:
    if step.source == "line":
        return text("step_manual_line")
    if step.source == "order":
        return text("step_manual_order")
    scheme = book.schemes[step.source]
    title = text.local(scheme.title)
    if step.tier_from is not None:
        return text("step_tier", title=title, threshold=threshold(scheme, step.tier_from, text))
    return title


def skip_reason(skip: Skip | Outcome, book: Discounts, text: Text, day_year: int) -> str:
    reason = skip.reason or "not_covered"
    if reason == "tier_not_reached":
        scheme = book.schemes[skip.scheme]
        needed = skip.needed if isinstance(skip, Skip) else _next_from(skip)
        shown = threshold(scheme, needed, text) if needed is not None else "—"
        return text("skip_tier_not_reached", needed=shown)
    if reason == "no_turnover":
        return text("skip_no_turnover", year=str(day_year - 1))
    return text(f"skip_{reason}")


def _next_from(outcome: Outcome) -> Decimal | None:
    return outcome.next_tier.from_ if outcome.next_tier else None


def clip_text(clip: Clip, text: Text) -> str:
    if clip.kind == "cap":
        return text("clip_cap", limit=text.percent(clip.limit))
    return text("clip_floor", limit=text.price(clip.limit))


def hint_text(outcome: Outcome, book: Discounts, text: Text) -> str:
    scheme = book.schemes[outcome.scheme]
    assert outcome.next_tier is not None and outcome.shortfall is not None
    return text(
        "hint_next_tier",
        threshold=text.money(outcome.next_tier.from_),
        base=text(f"base_{book.policy.base}"),
        title=text.local(scheme.title),
        percent=text.percent(outcome.next_tier.percent),
        shortfall=text.money(outcome.shortfall),
    )


def approval_text(priced: PricedOffer, offer: Offer, text: Text) -> str:
    """The visible notice of a discount that still needs approval ('' when none is due)."""
    verdict = priced.approval
    if not verdict.missing:
        return ""
    assert verdict.threshold is not None
    return text(
        "approval_notice",
        percent=text.percent(priced.effective_discount),
        threshold=text.percent(verdict.threshold),
    )


def applied_text(priced: PricedOffer, book: Discounts, text: Text) -> str:
    """'Discounts applied: Loyalty discount 4 %, …' for the schemes that gave something."""
    parts = []
    for outcome in priced.outcomes:
        if not outcome.applied:
            continue
        title = text.local(book.schemes[outcome.scheme].title)
        parts.append(f"{title} {text.percent(outcome.percent)}" if outcome.percent else title)
    return f"{text('applied_discounts')}: {', '.join(parts)}" if parts else ""


def line_explanation(
    line: PricedLine, book: Discounts, text: Text, year: int, *, skips: bool = True
) -> list[str]:
    """Every step (with the money it takes off), skip and clip of one line."""
    cuts, given_back = step_cuts(line, book.policy.stacking)
    rows = [
        f"{step_label(step, book, text)}: {text.percent(step.percent)} (−{text.money(cut)})"
        for step, cut in zip(line.steps, cuts, strict=True)
    ]
    for skip in line.skips if skips else ():
        title = text.local(book.schemes[skip.scheme].title)
        rows.append(f"{title}: {skip_reason(skip, book, text, year)}")
    if line.clips:
        clipped = "; ".join(clip_text(clip, text) for clip in line.clips)
        rows.append(f"{clipped} (+{text.money(given_back)})")
    return rows


def period_text(scheme: Scheme, text: Text) -> str:
    if scheme.period is None:
        return text("scheme_period_open")
    return text(
        "scheme_period_value",
        **{
            "from": format_date(scheme.period.from_, text.locale),
            "to": format_date(scheme.period.to, text.locale),
        },
    )
