"""Turn an offer and the price list into priced lines and totals, exact to the kopeck.

The money policy (DESIGN.md): every line is rounded half-up to 0.01 once, after all its
discounts; VAT is computed per line from that rounded amount; totals are sums of the
rounded lines, so every printed column adds up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext
from functools import cached_property

from .discounts import (
    Clip,
    LineFacts,
    OfferFacts,
    Outcome,
    Skip,
    Step,
    base_amount,
    combine,
    line_steps,
    order_outcome,
    scheme_order,
    within_reach,
)
from .formatting import round_money
from .models import (
    Catalog,
    CatalogItem,
    Client,
    Currency,
    Discounts,
    Localized,
    Offer,
    OfferItem,
    Policy,
    service_unit,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# Decimals a printed discount may need: an amount under 10^27 is pinned to the kopeck by
# a percent of as many decimals as it has digits.
_MOST_PERCENT_PLACES = 30
VatRate = int | str  # 22, 10, 7, 5, 0 or "none" (exempt)


def vat_of(amount: Decimal, rate: VatRate, *, included: bool) -> Decimal:
    """VAT of one rounded line amount: r/(100+r) of it when included, r/100 on top."""
    if rate == "none" or rate == 0:
        return Decimal("0.00")
    assert isinstance(rate, int)
    with localcontext() as ctx:
        ctx.prec = 40
        share = Decimal(rate) / (HUNDRED + rate) if included else Decimal(rate) / HUNDRED
        return round_money(amount * share)


def convert_price(
    price: Decimal, *, from_rate: VatRate, from_included: bool, to_rate: VatRate, to_included: bool
) -> Decimal:
    """A catalog price restated in the offer's VAT convention and rate, rounded to kopecks.

    Unchanged when both conventions agree, so list prices stay exactly as written.
    """
    source = _vat_factor(from_rate) if from_included else Decimal(1)
    target = _vat_factor(to_rate) if to_included else Decimal(1)
    if source == target:
        return price
    with localcontext() as ctx:
        ctx.prec = 40
        return round_money(price / source * target)


def round_to(value: Decimal, places: int) -> Decimal:
    """`value` rounded half-up to `places` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _vat_factor(rate: VatRate) -> Decimal:
    return Decimal(1) if isinstance(rate, str) else 1 + Decimal(rate) / HUNDRED


@dataclass(frozen=True)
class PricedLine:
    number: int
    sku: str | None
    name: Localized
    unit: Localized
    qty: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    list_amount: Decimal
    amount: Decimal
    vat_rate: VatRate
    vat: Decimal
    steps: tuple[Step, ...] = ()
    skips: tuple[Skip, ...] = ()
    clips: tuple[Clip, ...] = ()
    service: bool = False  # work or a service (catalog kind: service, or a unit such as усл.)

    @cached_property
    def printed_discount(self) -> Decimal:
        """The line's discount as documents print it, so that a reader recomputes the
        amount from the printed numbers: round_half_up(qty × unit price × (1 − d)). Its
        percent to the fewest decimals (two at least) that do; stacked discounts may need
        more (0.96 × 0.98 × 0.97 leaves 8.7424 %). A line the floor clipped takes the
        percent its amount implies, since the floor's amount is rounded up, not half-up."""
        with localcontext() as ctx:
            ctx.prec = 60
            list_value = self.qty * self.unit_price
            implied = (1 - self.amount / list_value) * HUNDRED if list_value else Decimal(0)
            for percent in (self.discount_percent, implied):
                for places in range(2, _MOST_PERCENT_PLACES + 1):
                    shown = round_to(percent, places)
                    if round_money(list_value * (1 - shown / HUNDRED)) == self.amount:
                        return shown
        return round_to(self.discount_percent, 2)  # pragma: no cover - no line needs more


@dataclass(frozen=True)
class VatGroup:
    rate: VatRate
    amount: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    amount: Decimal  # the sum of the printed line amounts
    list_amount: Decimal  # the same lines at list prices
    discount: Decimal  # list_amount - amount
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_groups: tuple[VatGroup, ...]


@dataclass(frozen=True)
class ApprovalVerdict:
    """Whether the offer's effective discount needs an approval, and whether it has one."""

    threshold: Decimal | None
    needed: bool
    given: bool

    @property
    def missing(self) -> bool:
        return self.needed and not self.given


@dataclass(frozen=True)
class PricedOffer:
    currency: str
    prices_include_vat: bool
    order_discount: Decimal
    lines: tuple[PricedLine, ...]
    totals: Totals
    policy: Policy = field(default_factory=Policy)
    outcomes: tuple[Outcome, ...] = ()
    hints: tuple[Outcome, ...] = ()
    approval: ApprovalVerdict = ApprovalVerdict(None, False, False)

    @property
    def services(self) -> Totals | None:
        """The service lines' own totals (installation, commissioning), if any."""
        lines = [line for line in self.lines if line.service]
        return _totals(lines, self.prices_include_vat) if lines else None

    @property
    def effective_discount(self) -> Decimal:
        """1 - total / total at list prices, as a percent."""
        return effective_discount(self.totals)


def effective_discount(totals: Totals) -> Decimal:
    if not totals.list_amount:
        return Decimal(0)
    return (1 - totals.amount / totals.list_amount) * HUNDRED


@dataclass(frozen=True)
class PricingRules:
    """What an offer inherits: currency, VAT convention and rates of the workspace."""

    currency: str
    prices_include_vat: bool
    catalog_prices_include_vat: bool
    default_vat_rate: VatRate
    workspace_currency: str


def catalog_price(item: CatalogItem, currency: str, workspace_currency: str) -> Decimal | None:
    """The item's list price in `currency`, or None when the catalog has none."""
    return _in_currency(item.price, item.prices, currency, workspace_currency)


def floor_price(item: CatalogItem, currency: str, workspace_currency: str) -> Decimal | None:
    """The item's net floor price in `currency`, or None when it has none there."""
    return _in_currency(item.min_price, item.min_prices, currency, workspace_currency)


def _in_currency(
    main: Decimal | None,
    others: Mapping[Currency, Decimal],
    currency: str,
    workspace_currency: str,
) -> Decimal | None:
    if currency == workspace_currency:
        return main
    return next((price for code, price in others.items() if code == currency), None)


@dataclass(frozen=True)
class _Line:
    """A line resolved against the catalog, before any discount."""

    number: int
    item: OfferItem
    entry: CatalogItem | None
    name: Localized
    unit: Localized
    unit_price: Decimal
    rate: VatRate
    floor: Decimal | None  # the floor unit price in the offer's VAT convention

    @property
    def service(self) -> bool:
        return self.entry.kind == "service" if self.entry else service_unit(self.unit)

    def facts(self) -> LineFacts:
        category = self.entry.category if self.entry else None
        return LineFacts(
            self.item.sku,
            category,
            self.item.qty,
            self.item.qty * self.unit_price,
            _vat_factor(self.rate),
        )


def price_offer(
    offer: Offer,
    catalog: Catalog,
    rules: PricingRules,
    *,
    client: Client | None = None,
    discounts: Discounts | None = None,
) -> PricedOffer:
    """Price every line of a validated offer; the workspace guarantees skus and prices exist."""
    book = discounts or Discounts()
    by_sku = {item.sku: item for item in catalog.items}
    resolved = [_resolve(n, item, offer, by_sku, rules) for n, item in enumerate(offer.items, 1)]
    facts = OfferFacts(
        offer.date,
        rules.currency,
        rules.workspace_currency,
        rules.prices_include_vat,
        offer.effective_terms.prepayment_percent or Decimal(0),
        client,
    )
    with localcontext() as ctx:
        ctx.prec = 40
        steps, skips, outcomes = _discount_steps(offer, book, resolved, facts)
        lines = tuple(
            _price_line(line, steps[i], skips[i], book.policy, rules)
            for i, line in enumerate(resolved)
        )
    totals = _totals(lines, rules.prices_include_vat)
    threshold = book.policy.approval_above_percent
    verdict = ApprovalVerdict(
        threshold,
        threshold is not None and effective_discount(totals) > threshold,
        bool(offer.covered("discount")),
    )
    hints = tuple(
        o
        for o in outcomes
        if book.schemes[o.scheme].basis == "order_total" and within_reach(o, book.policy)
    )
    return PricedOffer(
        rules.currency,
        rules.prices_include_vat,
        offer.discount,
        lines,
        totals,
        book.policy,
        outcomes,
        hints,
        verdict,
    )


def _resolve(
    number: int, item: OfferItem, offer: Offer, by_sku: dict[str, CatalogItem], rules: PricingRules
) -> _Line:
    if item.sku is None:
        assert item.price is not None and item.name is not None and item.unit is not None
        rate = _first_rate(item.vat_rate, offer.vat_rate, rules.default_vat_rate)
        return _Line(number, item, None, item.name, item.unit, item.price, rate, None)
    entry = by_sku[item.sku]
    listed_rate = _first_rate(entry.vat_rate, rules.default_vat_rate)
    rate = _first_rate(item.vat_rate, offer.vat_rate, listed_rate)
    listed = catalog_price(entry, rules.currency, rules.workspace_currency)
    assert listed is not None, "the workspace checks every sku has a price"
    unit_price = convert_price(
        listed,
        from_rate=listed_rate,
        from_included=rules.catalog_prices_include_vat,
        to_rate=rate,
        to_included=rules.prices_include_vat,
    )
    floor = floor_price(entry, rules.currency, rules.workspace_currency)
    if floor is not None and rules.prices_include_vat:
        floor = floor * _vat_factor(rate)
    return _Line(number, item, entry, entry.name, entry.unit, unit_price, rate, floor)


def _discount_steps(
    offer: Offer, book: Discounts, lines: list[_Line], facts: OfferFacts
) -> tuple[list[list[Step]], list[list[Skip]], tuple[Outcome, ...]]:
    """Every line's steps in order: line schemes, manual line discount, order schemes,
    manual order discount; and what each scheme did for the offer."""
    names = scheme_order(offer.schemes, book)
    line_facts = [line.facts() for line in lines]
    steps: list[list[Step]] = [[] for _ in lines]
    skips: list[list[Skip]] = [[] for _ in lines]
    outcomes: list[Outcome] = []
    for name in (n for n in names if book.schemes[n].level == "line"):
        for i, line in enumerate(line_facts):
            step, skip = line_steps(name, book.schemes[name], line, facts)
            steps[i] += [step] if step else []
            skips[i] += [skip] if skip else []
        outcomes.append(
            _line_outcome(
                name,
                [s for per in skips for s in per if s.scheme == name],
                any(s.source == name for per in steps for s in per),
            )
        )
    for i, resolved in enumerate(lines):
        if resolved.item.discount:
            steps[i].append(Step("line", "line", resolved.item.discount))
    # Order-level schemes measure the order before any of them applies, so neither the
    # order of the scheme list nor of the names can change what they see.
    before_order = [
        base_amount(
            f, combine((s.percent for s in steps[i]), book.policy.stacking), facts, book.policy
        )
        for i, f in enumerate(line_facts)
    ]
    for name in (n for n in names if book.schemes[n].level == "order"):
        scheme = book.schemes[name]
        covered = [
            scheme.applies_to is None or scheme.applies_to.covers(f.sku, f.category)
            for f in line_facts
        ]
        total = sum(
            (amount for amount, c in zip(before_order, covered, strict=True) if c), Decimal(0)
        )
        outcome = order_outcome(name, scheme, facts, total, book.policy)
        outcomes.append(outcome)
        for i in range(len(lines)):
            if not covered[i]:
                skips[i].append(Skip(name, "not_covered"))
            elif outcome.applied and outcome.percent is not None:
                tier_from = outcome.tier.from_ if outcome.tier else None
                steps[i].append(Step(name, "order", outcome.percent, tier_from))
            elif outcome.reason is not None:
                needed = outcome.next_tier.from_ if outcome.next_tier else None
                skips[i].append(Skip(name, outcome.reason, outcome.measure, needed))
    if offer.discount:
        for per in steps:
            per.append(Step("order", "order", offer.discount))
    return steps, skips, tuple(outcomes)


def step_cuts(line: PricedLine, stacking: str) -> tuple[list[Decimal], Decimal]:
    """What each step takes off the line, in money, and what the clips gave back.

    Each cut is the difference of the running amount, rounded, before and after the step,
    so the cuts and the clip adjustment add up exactly to list amount - amount.
    """
    running, cuts = line.list_amount, []
    percents: list[Decimal] = []
    for step in line.steps:
        percents.append(step.percent)
        after = round_money(
            line.qty * line.unit_price * (1 - combine(percents, stacking) / HUNDRED)
        )
        cuts.append(running - after)
        running = after
    return cuts, line.amount - running


def _line_outcome(name: str, skips: list[Skip], applied: bool) -> Outcome:
    if applied:
        return Outcome(name, "line", True)
    return Outcome(name, "line", False, skips[0].reason if skips else None)


def _price_line(
    line: _Line, steps: list[Step], skips: list[Skip], policy: Policy, rules: PricingRules
) -> PricedLine:
    percent = combine((step.percent for step in steps), policy.stacking)
    clips: list[Clip] = []
    if percent > policy.max_total_percent:
        clips.append(Clip("cap", percent, policy.max_total_percent, policy.max_total_percent))
        percent = policy.max_total_percent
    qty, unit_price = line.item.qty, line.unit_price
    list_amount = round_money(qty * unit_price)
    if line.floor is not None and percent:
        allowed = max((1 - line.floor / unit_price) * HUNDRED, Decimal(0)) if unit_price else 0
        if percent > allowed:
            clips.append(Clip("floor", percent, Decimal(allowed), line.floor))
            percent = Decimal(allowed)
    amount = round_money(qty * unit_price * (1 - percent / HUNDRED))
    if line.floor is not None and percent:
        # Rounding may not take a discounted line below its floor (nor above its list price).
        floor_amount = (qty * line.floor).quantize(CENT, rounding=ROUND_CEILING)
        amount = min(max(amount, floor_amount), list_amount)
    return PricedLine(
        line.number,
        line.item.sku,
        line.name,
        line.unit,
        qty,
        unit_price,
        percent,
        list_amount,
        amount,
        line.rate,
        vat_of(amount, line.rate, included=rules.prices_include_vat),
        tuple(steps),
        tuple(skips),
        tuple(clips),
        line.service,
    )


def _first_rate(*rates: VatRate | None) -> VatRate:
    return next(rate for rate in rates if rate is not None)


def _totals(lines: Sequence[PricedLine], included: bool) -> Totals:
    amount = sum((line.amount for line in lines), Decimal("0.00"))
    list_amount = sum((line.list_amount for line in lines), Decimal("0.00"))
    vat = sum((line.vat for line in lines), Decimal("0.00"))
    net, gross = (amount - vat, amount) if included else (amount, amount + vat)
    return Totals(amount, list_amount, list_amount - amount, net, vat, gross, _vat_groups(lines))


def _vat_groups(lines: Sequence[PricedLine]) -> tuple[VatGroup, ...]:
    rates: list[VatRate] = []
    for line in lines:
        if line.vat_rate not in rates:
            rates.append(line.vat_rate)
    rates.sort(key=lambda rate: -1 if rate == "none" else int(rate), reverse=True)
    return tuple(
        VatGroup(
            rate,
            sum((ln.amount for ln in lines if ln.vat_rate == rate), Decimal("0.00")),
            sum((ln.vat for ln in lines if ln.vat_rate == rate), Decimal("0.00")),
        )
        for rate in rates
    )
