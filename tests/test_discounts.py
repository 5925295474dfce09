"""Discount schemes: golden offers worked out by hand, clips, approval, hints, properties
and the workspace checks of `discounts.yaml`.

Every expected amount below is computed by hand (the arithmetic is in the comments) or with
`Fraction`; none is taken from the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from offergen.discounts import Clip, Skip, Step
from offergen.errors import ValidationFailed
from offergen.models import Catalog, Client, Discounts, Offer
from offergen.pricing import ApprovalVerdict, PricedOffer, PricingRules, price_offer

from .conftest import DATA, copy_workspace, load_strict

D = Decimal
DAY = "2026-01-15"


# --------------------------------------------------------------------------- helpers


def tier(start: str, percent: str) -> dict[str, Any]:
    return {"from": D(start), "percent": D(percent)}


def scheme(basis: str, **fields: Any) -> dict[str, Any]:
    return {"title": {"ru": "Скидка", "en": "Discount"}, "basis": basis, **fields}


def book(schemes: dict[str, dict[str, Any]] | None = None, **policy: Any) -> Discounts:
    return Discounts.model_validate({"policy": policy, "schemes": schemes or {}})


def item(sku: str, price: str) -> dict[str, Any]:
    return {"sku": sku, "name": {"ru": "Товар", "en": "Item"}, "unit": "шт", "price": D(price)}


def catalog(*items: dict[str, Any]) -> Catalog:
    return Catalog.model_validate({"items": list(items)})


def cat_item(sku: str, price: str, **extra: Any) -> dict[str, Any]:
    return {**item(sku, price), **extra}


def line(sku: str, qty: str = "1", **extra: Any) -> dict[str, Any]:
    return {"sku": sku, "qty": D(qty), **extra}


def ad_hoc(price: str, qty: str = "1", **extra: Any) -> dict[str, Any]:
    return {"name": "Работы", "unit": "усл.", "price": D(price), "qty": D(qty), **extra}


def client(tier_name: str | None = None, turnover: dict[int, str] | None = None) -> Client:
    data: dict[str, Any] = {"name": "ООО «Акме»", "kind": "company", "address": "Москва"}
    if tier_name is not None:
        data["tier"] = tier_name
    if turnover is not None:
        data["turnover"] = {year: D(value) for year, value in turnover.items()}
    return Client.model_validate(data)


def rules(*, included: bool = True, currency: str = "RUB") -> PricingRules:
    return PricingRules(
        currency=currency,
        prices_include_vat=included,
        catalog_prices_include_vat=included,
        default_vat_rate=22,
        workspace_currency="RUB",
    )


PUMP = cat_item("pump", "1000.00", category="pumps")
VALVE = cat_item("valve", "100.00", category="valves")


def priced(
    *items: dict[str, Any],
    discounts: Discounts,
    items_catalog: Catalog | None = None,
    buyer: Client | None = None,
    included: bool = True,
    currency: str = "RUB",
    **offer: Any,
) -> PricedOffer:
    data = {"number": "КП-1", "client": "acme", "date": DAY, "items": list(items), **offer}
    return price_offer(
        Offer.model_validate(data),
        items_catalog or catalog(PUMP, VALVE),
        rules(included=included, currency=currency),
        client=buyer,
        discounts=discounts,
    )


def is_money(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


def cents_up(value: Fraction) -> Decimal:
    """An independent oracle: a non-negative fraction rounded up to the kopeck."""
    cents = -((-value * 100).__floor__())
    return D(cents).scaleb(-2)


# --------------------------------------------------------------------------- order_total

VOLUME = scheme("order_total", tiers=[tier("300000", "3"), tier("1000000", "5")])


@pytest.mark.parametrize(
    ("included", "unit_price", "base", "measure", "amount"),
    [
        # incl. VAT: 250 x 1220.00 = 305000.00; net 305000 / 1.22 = 250000 < 300000
        (True, "1220.00", "net", D("250000"), D("305000.00")),
        # gross base measures 305000 >= 300000 -> 3 %: 305000 x 0.97 = 295850.00
        (True, "1220.00", "gross", None, D("295850.00")),
        # excl. VAT: 250 x 1000.00 = 250000 on a net base: below 300000
        (False, "1000.00", "net", D("250000"), D("250000.00")),
        # gross base of prices excl. VAT: 250000 x 1.22 = 305000 -> 3 %: 242500.00
        (False, "1000.00", "gross", None, D("242500.00")),
    ],
)
def test_order_total_is_measured_net_or_gross_as_the_policy_says(
    included: bool, unit_price: str, base: str, measure: Decimal | None, amount: Decimal
) -> None:
    result = priced(
        line("pump", "250"),
        discounts=book({"volume": VOLUME}, base=base),
        items_catalog=catalog(cat_item("pump", unit_price)),
        included=included,
        schemes=["volume"],
    )
    (priced_line,) = result.lines
    assert priced_line.amount == amount
    # Every VAT here is 55000.00 (list) or 53350.00 (3 % off): 305000 x 22/122 = 55000,
    # 250000 x 0.22 = 55000; 295850 x 22/122 = 53350, 242500 x 0.22 = 53350.
    assert priced_line.vat == (D("55000.00") if measure is not None else D("53350.00"))
    (outcome,) = result.outcomes
    if measure is None:
        assert priced_line.steps == (Step("volume", "order", D("3"), D("300000")),)
        assert priced_line.skips == ()
        assert outcome.applied
        assert outcome.measure == D("305000")
    else:
        assert priced_line.steps == ()
        assert priced_line.skips == (Skip("volume", "tier_not_reached", measure, D("300000")),)
        assert (outcome.applied, outcome.reason, outcome.measure) == (
            False,
            "tier_not_reached",
            measure,
        )


def test_order_total_counts_covered_lines_after_line_discounts_before_order_schemes() -> None:
    volume = {**VOLUME, "applies_to": {"categories": ["pumps"]}}
    result = priced(
        # 320 x 1000.00 = 320000, after the manual 6.25 %: 320000 x 0.9375 = 300000 exactly
        line("pump", "320", discount=D("6.25")),
        # 7000 x 100.00 = 700000, not a pump: counted it would make 1000000 (the 5 % tier)
        line("valve", "7000"),
        discounts=book({"volume": volume, "a-loyalty": scheme("client_tier", tiers={"gold": 4})}),
        buyer=client("gold"),
        included=False,
        # a-loyalty sorts before volume; measured after it the pumps would be only
        # 300000 x 0.96 = 288000 < 300000
        schemes=["volume", "a-loyalty"],
    )
    pump, valve = result.lines
    assert pump.steps == (
        Step("line", "line", D("6.25")),
        Step("a-loyalty", "order", D("4")),
        Step("volume", "order", D("3"), D("300000")),
    )
    # 0.9375 x 0.96 x 0.97 = 0.873 -> 320000 x 0.873 = 279360.00, 12.7 % off
    assert pump.amount == D("279360.00")
    assert pump.discount_percent == D("12.7")
    assert valve.steps == (Step("a-loyalty", "order", D("4")),)
    assert valve.skips == (Skip("volume", "not_covered"),)
    assert valve.amount == D("672000.00")  # 700000 x 0.96
    volume_outcome = next(o for o in result.outcomes if o.scheme == "volume")
    assert volume_outcome.measure == D("300000")
    assert volume_outcome.tier is not None and volume_outcome.tier.from_ == D("300000")
    assert volume_outcome.next_tier is not None and volume_outcome.next_tier.from_ == D("1000000")
    assert volume_outcome.shortfall == D("700000.00")  # 1000000 - 300000
    assert result.totals.amount == D("951360.00")  # 279360 + 672000


@pytest.mark.parametrize(
    ("offer_currency", "thresholds", "amount", "reason"),
    [
        # 20 x 10.00 EUR = 200 EUR >= 100: 5 % -> 190.00
        ("EUR", "EUR", D("190.00"), None),
        # thresholds in the workspace's RUB do not measure an EUR order
        ("EUR", None, D("200.00"), "currency"),
        # 20 x 1000.00 RUB = 20000.00, thresholds in EUR: no
        ("RUB", "EUR", D("20000.00"), "currency"),
        ("RUB", None, D("19000.00"), None),  # 20000 x 0.95
    ],
)
def test_order_total_thresholds_have_a_currency(
    offer_currency: str, thresholds: str | None, amount: Decimal, reason: str | None
) -> None:
    volume = scheme("order_total", tiers=[tier("100", "5")])
    if thresholds is not None:
        volume["currency"] = thresholds
    result = priced(
        line("pump", "20"),
        discounts=book({"volume": volume}),
        items_catalog=catalog(cat_item("pump", "1000.00", prices={"EUR": D("10.00")})),
        included=False,
        currency=offer_currency,
        schemes=["volume"],
    )
    (priced_line,) = result.lines
    assert priced_line.amount == amount
    if reason is None:
        assert priced_line.steps == (Step("volume", "order", D("5"), D("100")),)
    else:
        assert priced_line.skips == (Skip("volume", "currency"),)
        assert (result.outcomes[0].applied, result.outcomes[0].reason) == (False, "currency")


# --------------------------------------------------------------------------- line_qty


def test_line_qty_applies_per_line_to_its_categories_and_skus() -> None:
    schemes = {
        "pumps-qty": scheme(
            "line_qty",
            applies_to={"categories": ["pumps"]},
            tiers=[tier("5", "4"), tier("20", "7")],
        ),
        "valve-qty": scheme("line_qty", applies_to={"skus": ["valve"]}, tiers=[tier("50", "2")]),
    }
    result = priced(
        line("pump", "20"),  # 7 %: 20 x 1000 x 0.93 = 18600.00
        line("pump", "4"),  # below 5: 4000.00
        line("pump", "5"),  # 5 is the tier's own start: 4 %: 5000 x 0.96 = 4800.00
        line("pump", "4.999"),  # still below 5: 4999.00
        line("valve", "50"),  # pumps-qty does not cover valves; valve-qty: 5000 x 0.98 = 4900.00
        ad_hoc("300.00", "100"),  # no sku, no category: covered by neither: 30000.00
        discounts=book(schemes),
        included=False,
        schemes=["valve-qty", "pumps-qty"],
    )
    not_valve = Skip("valve-qty", "not_covered")
    assert [(ln.amount, ln.steps, ln.skips) for ln in result.lines] == [
        (D("18600.00"), (Step("pumps-qty", "line", D("7"), D("20")),), (not_valve,)),
        (
            D("4000.00"),
            (),
            (Skip("pumps-qty", "tier_not_reached", D("4"), D("5")), not_valve),
        ),
        (D("4800.00"), (Step("pumps-qty", "line", D("4"), D("5")),), (not_valve,)),
        (
            D("4999.00"),
            (),
            (Skip("pumps-qty", "tier_not_reached", D("4.999"), D("5")), not_valve),
        ),
        (
            D("4900.00"),
            (Step("valve-qty", "line", D("2"), D("50")),),
            (Skip("pumps-qty", "not_covered"),),
        ),
        (
            D("30000.00"),
            (),
            (Skip("pumps-qty", "not_covered"), not_valve),
        ),
    ]
    # 18600 + 4000 + 4800 + 4999 + 4900 + 30000
    assert result.totals.amount == D("67299.00")
    assert [(o.scheme, o.level, o.applied) for o in result.outcomes] == [
        ("pumps-qty", "line", True),
        ("valve-qty", "line", True),
    ]


def test_a_line_scheme_that_reaches_no_line_says_why() -> None:
    schemes = {"pumps-qty": scheme("line_qty", tiers=[tier("5", "4")])}
    result = priced(line("pump", "2"), discounts=book(schemes), schemes=["pumps-qty"])
    assert result.lines[0].amount == D("2000.00")
    assert [(o.applied, o.reason) for o in result.outcomes] == [(False, "tier_not_reached")]


# --------------------------------------------------------------------------- client_tier


@pytest.mark.parametrize(
    ("buyer", "amount", "step", "skip"),
    [
        (client("gold"), D("960.00"), Step("loyalty", "order", D("4")), None),  # 1000 x 0.96
        (client("silver"), D("980.00"), Step("loyalty", "order", D("2")), None),
        (client(), D("1000.00"), None, Skip("loyalty", "no_tier")),
        (client("platinum"), D("1000.00"), None, Skip("loyalty", "tier_unknown")),
        (None, D("1000.00"), None, Skip("loyalty", "no_tier")),
    ],
)
def test_client_tier_takes_the_percent_of_the_clients_tier(
    buyer: Client | None, amount: Decimal, step: Step | None, skip: Skip | None
) -> None:
    loyalty = scheme("client_tier", tiers={"silver": D("2"), "gold": D("4")})
    result = priced(
        line("pump"), discounts=book({"loyalty": loyalty}), buyer=buyer, schemes=["loyalty"]
    )
    (priced_line,) = result.lines
    assert priced_line.amount == amount
    assert priced_line.steps == ((step,) if step else ())
    assert priced_line.skips == ((skip,) if skip else ())
    (outcome,) = result.outcomes
    assert outcome.applied is (step is not None)
    assert outcome.reason == (skip.reason if skip else None)
    assert outcome.tier_name == (buyer.tier if buyer else None)


# --------------------------------------------------------------------------- annual_turnover


@pytest.mark.parametrize(
    ("turnover", "amount", "step", "skip"),
    [
        # the offer is of 2026: the purchases of 2025 count
        ({2025: "1200000"}, D("980.00"), Step("cumulative", "order", D("2"), D("1000000")), None),
        # exactly 5000000 reaches the second tier; the current year does not count
        (
            {2025: "5000000", 2026: "0"},
            D("960.00"),
            Step("cumulative", "order", D("4"), D("5000000")),
            None,
        ),
        (
            {2025: "999999.99"},
            D("1000.00"),
            None,
            Skip("cumulative", "tier_not_reached", D("999999.99"), D("1000000")),
        ),
        # no purchases recorded for 2025, whatever the other years say
        (
            {2024: "9000000", 2026: "9000000"},
            D("1000.00"),
            None,
            Skip("cumulative", "no_turnover"),
        ),
        ({}, D("1000.00"), None, Skip("cumulative", "no_turnover")),
    ],
)
def test_annual_turnover_uses_the_previous_year(
    turnover: dict[int, str], amount: Decimal, step: Step | None, skip: Skip | None
) -> None:
    cumulative = scheme("annual_turnover", tiers=[tier("1000000", "2"), tier("5000000", "4")])
    result = priced(
        line("pump"),
        discounts=book({"cumulative": cumulative}),
        buyer=client(turnover=turnover),
        schemes=["cumulative"],
    )
    (priced_line,) = result.lines
    assert priced_line.amount == amount
    assert priced_line.steps == ((step,) if step else ())
    assert priced_line.skips == ((skip,) if skip else ())


def test_annual_turnover_without_a_client_has_no_turnover() -> None:
    cumulative = scheme("annual_turnover", tiers=[tier("0", "2")])
    result = priced(
        line("pump"), discounts=book({"cumulative": cumulative}), schemes=["cumulative"]
    )
    assert result.lines[0].skips == (Skip("cumulative", "no_turnover"),)
    assert result.lines[0].amount == D("1000.00")


# --------------------------------------------------------------------------- prepayment


@pytest.mark.parametrize(
    ("prepayment", "amount", "step", "skip"),
    [
        ("100", D("980.00"), Step("prepay", "order", D("2"), D("100")), None),
        ("70", D("990.00"), Step("prepay", "order", D("1"), D("50")), None),
        ("50", D("990.00"), Step("prepay", "order", D("1"), D("50")), None),
        ("49.99", D("1000.00"), None, Skip("prepay", "tier_not_reached", D("49.99"), D("50"))),
        (None, D("1000.00"), None, Skip("prepay", "tier_not_reached", D("0"), D("50"))),
    ],
)
def test_prepayment_uses_the_offers_prepayment_percent(
    prepayment: str | None, amount: Decimal, step: Step | None, skip: Skip | None
) -> None:
    prepay = scheme("prepayment", tiers=[tier("50", "1"), tier("100", "2")])
    terms = {} if prepayment is None else {"prepayment_percent": D(prepayment)}
    result = priced(
        line("pump"), discounts=book({"prepay": prepay}), schemes=["prepay"], terms=terms
    )
    (priced_line,) = result.lines
    assert priced_line.amount == amount
    assert priced_line.steps == ((step,) if step else ())
    assert priced_line.skips == ((skip,) if skip else ())


# --------------------------------------------------------------------------- promo

WINTER = scheme(
    "promo",
    percent=D("5"),
    period={"from": "2026-01-01", "to": "2026-01-31"},
    applies_to={"skus": ["pump"]},
)


@pytest.mark.parametrize(
    ("day", "applies"),
    [
        ("2025-12-31", False),
        ("2026-01-01", True),  # the first day belongs to the period
        ("2026-01-15", True),
        ("2026-01-31", True),  # so does the last
        ("2026-02-01", False),
    ],
)
def test_a_promo_applies_within_its_period_bounds_included(day: str, applies: bool) -> None:
    result = priced(
        line("pump"),
        line("valve"),
        discounts=book({"winter": WINTER}),
        schemes=["winter"],
        date=day,
    )
    pump, valve = result.lines
    if applies:
        assert pump.steps == (Step("winter", "line", D("5")),)
        assert pump.amount == D("950.00")  # 1000 x 0.95
    else:
        assert pump.skips == (Skip("winter", "period"),)
        assert pump.amount == D("1000.00")
    # Outside its skus the promo never applies, whatever the day.
    assert valve.skips == (Skip("winter", "not_covered"),)
    assert valve.amount == D("100.00")
    assert [(o.applied, o.reason) for o in result.outcomes] == [
        # pump's skip comes first: outside the period the reason is the period
        (True, None) if applies else (False, "period")
    ]


# --------------------------------------------------------------------------- stacking

STACKED = {
    "spring": scheme("promo", percent=D("10"), period={"from": "2026-01-01", "to": "2026-12-31"}),
    "loyalty": scheme("client_tier", tiers={"gold": D("20")}),
}


@pytest.mark.parametrize(
    ("stacking", "percent", "amount"),
    [
        # 1 - 0.90 x 0.95 x 0.80 = 1 - 0.684 = 31.6 % -> 684.00
        ("sequential", D("31.6"), D("684.00")),
        # 10 + 5 + 20 = 35 % -> 650.00
        ("additive", D("35"), D("650.00")),
        # the largest, 20 % -> 800.00
        ("best", D("20"), D("800.00")),
    ],
)
def test_the_same_steps_combine_by_the_stacking_rule(
    stacking: str, percent: Decimal, amount: Decimal
) -> None:
    result = priced(
        line("pump", discount=D("5")),
        discounts=book(STACKED, stacking=stacking),
        buyer=client("gold"),
        schemes=["loyalty", "spring"],
    )
    (priced_line,) = result.lines
    assert priced_line.steps == (
        Step("spring", "line", D("10")),
        Step("line", "line", D("5")),
        Step("loyalty", "order", D("20")),
    )
    assert priced_line.discount_percent == percent
    assert priced_line.amount == amount
    assert priced_line.clips == ()


def test_additive_stacking_stops_at_one_hundred_percent() -> None:
    schemes = {
        "spring": scheme("promo", percent=D("60"), period={"from": DAY, "to": DAY}),
        "loyalty": scheme("client_tier", tiers={"gold": D("50")}),
    }
    result = priced(
        line("pump"),
        discounts=book(schemes, stacking="additive"),
        buyer=client("gold"),
        schemes=["spring", "loyalty"],
    )
    # 60 + 50 = 110 -> 100 %: the line is free, not negative
    assert result.lines[0].discount_percent == D("100")
    assert result.lines[0].amount == D("0.00")
    assert result.lines[0].clips == ()  # the sum stops at 100 %: nothing for the cap to cut


@pytest.mark.parametrize(
    ("stacking", "reached", "amount"),
    [
        # line steps 10 % and 5 %: 400000 x 0.9 x 0.95 = 342000 >= 341000: 3 % more;
        # 400000 x 0.9 x 0.95 x 0.97 = 331740.00
        ("sequential", True, D("331740.00")),
        # 10 + 5 = 15 %: 400000 x 0.85 = 340000 < 341000 -> 340000.00
        ("additive", False, D("340000.00")),
        # best line step 10 %: 360000 >= 341000; then best of 10, 5, 3 is 10 -> 360000.00
        ("best", True, D("360000.00")),
    ],
)
def test_order_total_measures_line_steps_by_the_stacking_rule(
    stacking: str, reached: bool, amount: Decimal
) -> None:
    schemes = {**STACKED, "volume": scheme("order_total", tiers=[tier("341000", "3")])}
    result = priced(
        line("pump", "400", discount=D("5")),
        discounts=book(schemes, stacking=stacking),
        included=False,
        schemes=["spring", "volume"],
    )
    (priced_line,) = result.lines
    assert priced_line.amount == amount
    assert any(step.source == "volume" for step in priced_line.steps) is reached


def test_the_manual_order_discount_applies_to_every_line_last() -> None:
    result = priced(
        line("pump", discount=D("10")),
        line("valve"),
        discounts=book({"winter": WINTER}),
        schemes=["winter"],
        discount=D("20"),
    )
    pump, valve = result.lines
    assert pump.steps == (
        Step("winter", "line", D("5")),
        Step("line", "line", D("10")),
        Step("order", "order", D("20")),
    )
    assert pump.amount == D("684.00")  # 1000 x 0.95 x 0.90 x 0.80
    assert valve.steps == (Step("order", "order", D("20")),)
    assert valve.amount == D("80.00")


# --------------------------------------------------------------------------- cap clip


@pytest.mark.parametrize(
    ("cap", "amount", "clips"),
    [
        # 1 - 0.80 x 0.90 = 28 % > 25 %: cut to 25 % -> 750.00
        ("25", D("750.00"), (Clip("cap", D("28"), D("25"), D("25")),)),
        ("28", D("720.00"), ()),  # exactly at the cap: nothing cut
        ("0", D("1000.00"), (Clip("cap", D("28"), D("0"), D("0")),)),
    ],
)
def test_the_cap_cuts_the_combined_discount(cap: str, amount: Decimal, clips: tuple[Clip]) -> None:
    schemes = {"spring": scheme("promo", percent=D("20"), period={"from": DAY, "to": DAY})}
    result = priced(
        line("pump"),
        discounts=book(schemes, max_total_percent=D(cap)),
        schemes=["spring"],
        discount=D("10"),
    )
    (priced_line,) = result.lines
    assert priced_line.clips == clips
    assert priced_line.discount_percent == min(D("28"), D(cap))
    assert priced_line.amount == amount


# --------------------------------------------------------------------------- floor clip


def test_the_floor_is_net_and_converted_when_prices_include_vat() -> None:
    # The floor 900.00 is net: with 22 % VAT included the floor unit is 900 x 1.22 = 1098.00.
    # 20 % off 1220.00 would be 976.00 < 1098.00; allowed = 1 - 1098/1220 = 10 %.
    # 3 x 1098.00 = 3294.00; VAT 3294 x 22 / 122 = 594.00
    result = priced(
        line("pump", "3", discount=D("20")),
        discounts=book(),
        items_catalog=catalog(cat_item("pump", "1220.00", min_price=D("900.00"))),
    )
    (priced_line,) = result.lines
    assert priced_line.clips == (Clip("floor", D("20"), D("10"), D("1098.00")),)
    assert priced_line.discount_percent == D("10")
    assert priced_line.amount == D("3294.00")
    assert priced_line.vat == D("594.00")


def test_the_floor_without_vat() -> None:
    # 1000.00 with 20 % off = 800.00 < 900.00: allowed 10 %; 3 x 900.00 = 2700.00
    result = priced(
        line("pump", "3", discount=D("20")),
        discounts=book(),
        items_catalog=catalog(cat_item("pump", "1000.00", min_price=D("900.00"))),
        included=False,
    )
    (priced_line,) = result.lines
    assert priced_line.clips == (Clip("floor", D("20"), D("10"), D("900.00")),)
    assert priced_line.amount == D("2700.00")


def test_the_floor_amount_is_rounded_up_not_half_up() -> None:
    # floor unit 81.97 x 1.22 = 100.0034; 3 x 100.0034 = 300.0102: half-up 300.01 would be
    # below the floor, so 300.02. allowed = (1 - 100.0034 / 200) x 100 = 49.9983 %.
    floor_unit = Fraction("81.97") * Fraction("1.22")
    assert floor_unit == Fraction("100.0034")
    result = priced(
        line("pump", "3", discount=D("60")),
        discounts=book(),
        items_catalog=catalog(cat_item("pump", "200.00", min_price=D("81.97"))),
    )
    (priced_line,) = result.lines
    assert priced_line.clips == (Clip("floor", D("60"), D("49.9983"), D("100.0034")),)
    assert priced_line.discount_percent == D("49.9983")
    assert priced_line.amount == cents_up(3 * floor_unit) == D("300.02")


def test_rounding_never_takes_an_unclipped_line_below_its_floor() -> None:
    # 101.0142 x (1 - 0.01) = 100.004058 -> half-up 100.00 < the floor unit 100.0040, though
    # 1 % is within the allowed (1 - 100.0040 / 101.0142) x 100 = 1.00004 %
    result = priced(
        line("pump", discount=D("1")),
        discounts=book(),
        items_catalog=catalog(cat_item("pump", "101.0142", min_price=D("100.0040"))),
        included=False,
    )
    assert result.lines[0].clips == ()
    assert result.lines[0].amount == D("100.01")


def test_a_list_price_below_the_floor_without_discount_is_kept() -> None:
    result = priced(
        line("pump"),
        discounts=book(),
        items_catalog=catalog(cat_item("pump", "1000.00", min_price=D("1100.00"))),
        included=False,
    )
    (priced_line,) = result.lines
    assert (priced_line.amount, priced_line.clips) == (D("1000.00"), ())


def test_a_list_price_below_the_floor_gets_no_discount_and_no_raise() -> None:
    result = priced(
        line("pump", discount=D("10")),
        discounts=book(),
        items_catalog=catalog(cat_item("pump", "1000.00", min_price=D("1100.00"))),
        included=False,
    )
    (priced_line,) = result.lines
    assert priced_line.discount_percent == D("0")
    assert priced_line.amount == D("1000.00")


EURO_PUMP = {"prices": {"EUR": D("10.00")}, "min_price": D("800.00")}


def test_the_floor_in_another_currency_comes_from_min_prices() -> None:
    # 7 x 10.00 EUR x 0.80 = 56.00 < 7 x 9.00 = 63.00; allowed 1 - 9/10 = 10 %. The RUB floor
    # 800.00 plays no part (it would raise the line to 5600.00).
    result = priced(
        line("pump", "7", discount=D("20")),
        discounts=book(),
        items_catalog=catalog(
            cat_item("pump", "1000.00", **EURO_PUMP, min_prices={"EUR": D("9.00")})
        ),
        included=False,
        currency="EUR",
    )
    (priced_line,) = result.lines
    assert priced_line.clips == (Clip("floor", D("20"), D("10"), D("9.00")),)
    assert priced_line.amount == D("63.00")


def test_no_floor_in_the_offers_currency_means_no_floor_clip() -> None:
    # 7 x 10.00 x 0.80 = 56.00; only a RUB floor exists
    result = priced(
        line("pump", "7", discount=D("20")),
        discounts=book(),
        items_catalog=catalog(cat_item("pump", "1000.00", **EURO_PUMP)),
        included=False,
        currency="EUR",
    )
    (priced_line,) = result.lines
    assert (priced_line.amount, priced_line.clips) == (D("56.00"), ())
    assert priced_line.discount_percent == D("20")


def test_cap_then_floor_both_leave_a_trail() -> None:
    # 1 - 0.5 x 0.8 = 60 % capped to 50 %; 1000 x 0.5 = 500 < floor 700: allowed 30 % -> 700.00
    schemes = {"spring": scheme("promo", percent=D("50"), period={"from": DAY, "to": DAY})}
    result = priced(
        line("pump", discount=D("20")),
        discounts=book(schemes, max_total_percent=D("50")),
        items_catalog=catalog(cat_item("pump", "1000.00", min_price=D("700.00"))),
        included=False,
        schemes=["spring"],
    )
    (priced_line,) = result.lines
    assert priced_line.clips == (
        Clip("cap", D("60"), D("50"), D("50")),
        Clip("floor", D("50"), D("30"), D("700.00")),
    )
    assert priced_line.amount == D("700.00")


# --------------------------------------------------------------------------- approval


@pytest.mark.parametrize(
    ("discount", "needed"),
    [
        ("14.99", False),  # 1000 x 0.8501 = 850.10: 14.99 %
        ("15", False),  # exactly at the threshold: no approval needed
        ("15.01", True),  # 849.90: 15.01 % > 15 %
    ],
)
@pytest.mark.parametrize("given", [False, True])
def test_approval_is_needed_above_the_threshold(discount: str, needed: bool, given: bool) -> None:
    extra = {"approval": {"by": "Иванов И. И.", "date": "2026-01-14"}} if given else {}
    result = priced(
        line("pump"),
        discounts=book(approval_above_percent=D("15")),
        discount=D(discount),
        **extra,
    )
    assert result.effective_discount == D(discount)
    assert result.approval == ApprovalVerdict(D("15"), needed, given)
    assert result.approval.missing is (needed and not given)


def test_without_a_threshold_no_approval_is_needed() -> None:
    result = priced(line("pump"), discounts=book(), discount=D("90"))
    assert result.effective_discount == D("90")
    assert result.approval == ApprovalVerdict(None, False, False)
    assert result.approval.missing is False


def test_the_effective_discount_is_measured_on_rounded_totals() -> None:
    # lines 3 x 0.335 = 1.005 -> 1.01 and 1.00; 10 % off: 0.9045 -> 0.90 and 0.90
    # effective = (1 - 1.80 / 2.01) x 100 = 10.447761...
    result = priced(ad_hoc("0.335", "3"), ad_hoc("1.00"), discounts=book(), discount=D("10"))
    assert result.totals.list_amount == D("2.01")
    assert result.totals.amount == D("1.80")
    expected = (1 - Fraction("1.80") / Fraction("2.01")) * 100
    assert abs(Fraction(result.effective_discount) - expected) < Fraction(1, 10**20)


# --------------------------------------------------------------------------- hints


@pytest.mark.parametrize(
    ("unit_price", "qty", "hinted", "shortfall"),
    [
        ("1000.00", "250", True, D("50000.00")),  # 300000 - 250000 <= 20 % of 300000
        ("1000.00", "240", True, D("60000.00")),  # exactly 20 % of 300000
        ("239999.99", "1", False, D("60000.01")),  # a kopeck too far
        ("1000.00", "850", True, D("150000.00")),  # 3 % reached; 1000000 is 150000 away
        ("1000.00", "790", False, D("210000.00")),  # 210000 > 200000
        ("1000.00", "1000", False, None),  # the top tier: nothing above
    ],
)
def test_a_hint_names_the_next_volume_tier_within_reach(
    unit_price: str, qty: str, hinted: bool, shortfall: Decimal | None
) -> None:
    result = priced(
        ad_hoc(unit_price, qty),
        discounts=book({"volume": VOLUME}, hint_within_percent=D("20")),
        included=False,
        schemes=["volume"],
    )
    (outcome,) = result.outcomes
    assert outcome.shortfall == shortfall
    assert result.hints == ((outcome,) if hinted else ())


def test_the_shortfall_is_rounded_up_to_the_kopeck() -> None:
    # net 1000.02 / 1.22 = 819.688524...; 1000 - 819.688524... = 180.311475... -> 180.32
    # (half-up would say 180.31, which would leave the order short of the tier)
    measure = Fraction("1000.02") / Fraction("1.22")
    expected = cents_up(1000 - measure)
    assert expected == D("180.32")
    result = priced(
        ad_hoc("1000.02"),
        discounts=book({"volume": scheme("order_total", tiers=[tier("1000", "5")])}),
        schemes=["volume"],
    )
    (hint,) = result.hints
    assert hint.shortfall == expected
    assert hint.next_tier is not None and hint.next_tier.from_ == D("1000")


def test_no_hint_for_an_order_with_nothing_to_measure() -> None:
    # the scheme covers valves only: the measure is 0, 300000 away from the first tier;
    # even a policy mentioning every tier within 100 % says nothing about an empty order
    volume = {**VOLUME, "applies_to": {"categories": ["valves"]}}
    result = priced(
        line("pump"),
        discounts=book({"volume": volume}, hint_within_percent=D("100")),
        included=False,
        schemes=["volume"],
    )
    (outcome,) = result.outcomes
    assert (outcome.measure, outcome.shortfall) == (D("0"), D("300000.00"))
    assert result.hints == ()


def test_only_order_volume_schemes_give_hints() -> None:
    # the turnover 950000 is 50000 short of 1000000, within 20 %, but it is not the order's
    cumulative = scheme("annual_turnover", tiers=[tier("1000000", "2")])
    result = priced(
        line("pump"),
        discounts=book({"cumulative": cumulative}),
        buyer=client(turnover={2025: "950000"}),
        schemes=["cumulative"],
    )
    assert result.outcomes[0].shortfall == D("50000.00")
    assert result.hints == ()


# --------------------------------------------------------------------------- properties

SKUS = ("s0", "s1", "s2")
RATES: tuple[int | str, ...] = (22, 10, 0, "none")
SCHEME_NAMES = ("vol", "vol-eur", "qty", "loyal", "turn", "prepay", "promo", "promo-b")


def _scaled(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: D(n).scaleb(-places))


MONEY = st.one_of(_scaled(0, 10**5, 2), _scaled(0, 10**8, 2))  # 0.00 .. 1000000.00
# a floor as a share of the list price, 0 .. 120 %, so that some lines sit below it
FLOOR_SHARE = st.one_of(_scaled(5000, 10000, 4), _scaled(0, 12000, 4))
PERCENT = st.one_of(st.just(D(0)), _scaled(0, 10**4, 2))  # 0 .. 100, 2 places (the limit)
QTY = st.one_of(_scaled(1, 200, 0), _scaled(1, 10**6, 3))


@dataclass(frozen=True)
class Case:
    """Raw data of a random offer; built into models on demand (so orders can be shuffled)."""

    items: tuple[dict[str, Any], ...]
    offer: dict[str, Any]
    schemes: tuple[tuple[str, dict[str, Any]], ...]
    policy: dict[str, Any]
    buyer: dict[str, Any]
    currency: str
    included: bool
    catalog_included: bool

    def price(
        self, offer_schemes: list[str] | None = None, book_order: list[str] | None = None
    ) -> PricedOffer:
        schemes = dict(self.schemes)
        order = book_order or list(schemes)
        offer = dict(self.offer)
        if offer_schemes is not None:
            offer["schemes"] = offer_schemes
        return price_offer(
            Offer.model_validate(offer),
            Catalog.model_validate({"items": list(self.items)}),
            PricingRules(
                currency=self.currency,
                prices_include_vat=self.included,
                catalog_prices_include_vat=self.catalog_included,
                default_vat_rate=22,
                workspace_currency="RUB",
            ),
            client=Client.model_validate(self.buyer),
            discounts=Discounts.model_validate(
                {"policy": self.policy, "schemes": {name: schemes[name] for name in order}}
            ),
        )

    def floor_unit(self, sku: str | None) -> Fraction | None:
        """The floor unit price in the offer's convention, worked out independently."""
        entry = next((i for i in self.items if i["sku"] == sku), None)
        if entry is None:
            return None
        floor = entry.get("min_price") if self.currency == "RUB" else None
        if self.currency != "RUB":
            floor = entry.get("min_prices", {}).get(self.currency)
        if floor is None:
            return None
        rate = entry["vat_rate"]
        factor = Fraction(100 + rate, 100) if self.included and rate != "none" else 1
        return Fraction(floor) * factor


def _tiers(starts: st.SearchStrategy[Decimal]) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(starts, min_size=1, max_size=3, unique=True).flatmap(
        lambda values: st.lists(PERCENT, min_size=len(values), max_size=len(values)).map(
            lambda percents: [
                {"from": start, "percent": p}
                for start, p in zip(sorted(values), percents, strict=True)
            ]
        )
    )


def _period() -> st.SearchStrategy[dict[str, date]]:
    days = st.dates(date(2025, 12, 1), date(2027, 1, 31))
    return st.tuples(days, days).map(lambda d: {"from": min(d), "to": max(d)})


APPLIES = st.one_of(
    st.none(),
    st.builds(lambda c: {"categories": c}, st.lists(st.sampled_from(["a", "b"]), min_size=1)),
    st.builds(lambda s: {"skus": s}, st.lists(st.sampled_from(SKUS), min_size=1)),
)


def _with(applies: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    return data if applies is None else {**data, "applies_to": applies}


SCHEME_STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "vol": st.builds(lambda t, a: _with(a, scheme("order_total", tiers=t)), _tiers(MONEY), APPLIES),
    "vol-eur": st.builds(lambda t: scheme("order_total", tiers=t, currency="EUR"), _tiers(MONEY)),
    "qty": st.builds(lambda t, a: _with(a, scheme("line_qty", tiers=t)), _tiers(QTY), APPLIES),
    "loyal": st.builds(
        lambda g, s: scheme("client_tier", tiers={"gold": g, "silver": s}), PERCENT, PERCENT
    ),
    "turn": st.builds(lambda t: scheme("annual_turnover", tiers=t), _tiers(MONEY)),
    "prepay": st.builds(lambda t: scheme("prepayment", tiers=t), _tiers(_scaled(0, 100, 0))),
    "promo": st.builds(
        lambda p, per, a: _with(a, scheme("promo", percent=p, period=per)),
        PERCENT,
        _period(),
        APPLIES,
    ),
    "promo-b": st.builds(lambda p, per: scheme("promo", percent=p, period=per), PERCENT, _period()),
}


def _floor(price: Decimal, share: Decimal) -> Decimal:
    """A net floor near a list price: up to 4 places, possibly sub-kopeck."""
    return (price * share).quantize(D("0.0001"))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    currency = draw(st.sampled_from(["RUB", "EUR"]))
    items = []
    for sku in SKUS:
        entry = {
            **item(sku, "0"),
            "price": (price := draw(MONEY)),
            "prices": {"EUR": (euro := draw(MONEY))},
            "vat_rate": draw(st.sampled_from(RATES)),
            "category": draw(st.sampled_from(["a", "b"])),
        }
        if draw(st.booleans()):
            entry["min_price"] = _floor(price, draw(FLOOR_SHARE))
        if draw(st.booleans()):
            entry["min_prices"] = {"EUR": _floor(euro, draw(FLOOR_SHARE))}
        items.append(entry)
    lines = draw(
        st.lists(
            st.builds(
                lambda sku, qty, discount: {"sku": sku, "qty": qty, "discount": discount},
                st.sampled_from(SKUS),
                QTY,
                PERCENT,
            ),
            min_size=1,
            max_size=4,
        )
    )
    chosen = [name for name in SCHEME_NAMES if draw(st.booleans())]
    schemes = tuple((name, draw(SCHEME_STRATEGIES[name])) for name in chosen)
    terms = {}
    if draw(st.booleans()):
        terms["prepayment_percent"] = draw(_scaled(0, 100, 0))
    offer = {
        "number": "КП-1",
        "client": "acme",
        "date": draw(st.dates(date(2026, 1, 1), date(2026, 12, 31))),
        "items": lines,
        "discount": draw(PERCENT),
        "terms": terms,
        "schemes": chosen,
    }
    policy = {
        "stacking": draw(st.sampled_from(["sequential", "additive", "best"])),
        "max_total_percent": draw(st.one_of(st.just(D(100)), _scaled(10, 10**4, 2))),
        "base": draw(st.sampled_from(["net", "gross"])),
        "hint_within_percent": draw(st.one_of(st.just(D(100)), PERCENT)),
    }
    if draw(st.booleans()):
        policy["approval_above_percent"] = draw(PERCENT)
    buyer: dict[str, Any] = {"name": "ООО «Акме»", "kind": "company", "address": "Москва"}
    if (tier_name := draw(st.sampled_from([None, "gold", "silver", "bronze"]))) is not None:
        buyer["tier"] = tier_name
    if draw(st.booleans()):
        buyer["turnover"] = {2025: draw(MONEY)}
    return Case(
        tuple(items),
        offer,
        schemes,
        policy,
        buyer,
        currency,
        draw(st.booleans()),
        draw(st.booleans()),
    )


PROPERTIES = settings(max_examples=200, deadline=None, database=None)


@PROPERTIES
@given(case=cases())
def test_random_offers_respect_the_cap_the_floor_and_the_money_rules(case: Case) -> None:
    result = case.price()
    cap = case.policy["max_total_percent"]
    for priced_line in result.lines:
        assert D(0) <= priced_line.discount_percent <= cap
        for clip in priced_line.clips:
            if clip.kind == "floor":
                # a floor clip leaves the line at or above qty x the floor unit, unless the
                # list amount itself is lower (it is never raised above the list amount)
                floor_amount = Fraction(priced_line.qty) * Fraction(clip.limit)
                assert Fraction(priced_line.amount) >= min(
                    floor_amount, Fraction(priced_line.list_amount)
                )
                assert clip.limit == case.floor_unit(priced_line.sku)
        for value in (priced_line.amount, priced_line.vat, priced_line.list_amount):
            assert is_money(value), value
    totals = result.totals
    assert totals.amount == sum(ln.amount for ln in result.lines)
    assert totals.vat == sum(ln.vat for ln in result.lines)
    assert totals.list_amount == sum(ln.list_amount for ln in result.lines)
    assert totals.discount == totals.list_amount - totals.amount
    for value in (
        totals.amount,
        totals.list_amount,
        totals.discount,
        totals.net,
        totals.vat,
        totals.gross,
        *(g.amount for g in totals.vat_groups),
        *(g.vat for g in totals.vat_groups),
    ):
        assert is_money(value), value
    for hint in result.hints:
        assert hint.shortfall is not None and is_money(hint.shortfall)


def _floor_rounding_case() -> Case:
    """101.0142 without VAT, floor 100.0040, 1 % off: 100.004058 would round to 100.00."""
    return Case(
        items=(
            {
                **item("s0", "101.0142"),
                "vat_rate": 22,
                "min_price": D("100.0040"),
            },
        ),
        offer={
            "number": "КП-1",
            "client": "acme",
            "date": DAY,
            "items": [{"sku": "s0", "qty": D(1), "discount": D("1")}],
        },
        schemes=(),
        policy={},
        buyer={"name": "ООО «Акме»", "kind": "company", "address": "Москва"},
        currency="RUB",
        included=False,
        catalog_included=False,
    )


@PROPERTIES
@example(case=_floor_rounding_case())
@given(case=cases())
def test_no_line_with_a_list_price_at_or_above_its_floor_goes_below_it(case: Case) -> None:
    result = case.price()
    for priced_line in result.lines:
        floor = case.floor_unit(priced_line.sku)
        if floor is None or Fraction(priced_line.unit_price) < floor:
            continue
        floor_amount = Fraction(priced_line.qty) * floor
        assert Fraction(priced_line.amount) >= min(floor_amount, Fraction(priced_line.list_amount))


@PROPERTIES
@given(case=cases(), data=st.data())
def test_the_order_of_scheme_names_never_counts(case: Case, data: st.DataObject) -> None:
    names = [name for name, _ in case.schemes]
    offer_order = data.draw(st.permutations(names))
    book_order = data.draw(st.permutations(names))
    first, second = case.price(), case.price(offer_order, book_order)
    # repr compares the Decimals digit by digit, not only by value
    assert repr(second.lines) == repr(first.lines)
    assert repr(second.totals) == repr(first.totals)
    assert repr(second.outcomes) == repr(first.outcomes)
    assert repr(second.hints) == repr(first.hints)


# --------------------------------------------------------------------------- workspace

CATALOG = (
    "items:\n"
    "  - sku: pump\n"
    "    name: {ru: Насос, en: Pump}\n"
    "    unit: {ru: шт., en: pcs}\n"
    "    category: pumps\n"
    "    price: 1000.00\n"
)
OFFER = "number: КП-1\nclient: acme\ndate: 2026-11-28\nitems:\n  - sku: pump\n    qty: 2\n"
VOLUME_YAML = (
    "  volume:\n"
    "    title: {ru: Объём, en: Volume}\n"
    "    basis: order_total\n"
    "    tiers: [{from: 1000, percent: 3}]\n"
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = copy_workspace(DATA / "minimal", tmp_path / "ws")
    (root / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    return root


def put(root: Path, relative: str, text: str) -> None:
    (root / relative).write_text(text, encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        load_strict(root)
    return [str(problem) for problem in failed.value.problems]


def test_an_offer_names_known_schemes_once(workspace: Path) -> None:
    put(workspace, "discounts.yaml", "schemes:\n" + VOLUME_YAML)
    put(workspace, "offers/a-1.yaml", OFFER + "schemes: [volume, volum, volume]\n")
    assert problems(workspace) == [
        "offers/a-1.yaml:7:19: schemes[1]: unknown scheme 'volum' (not in discounts.yaml); "
        "did you mean 'volume'?",
        "offers/a-1.yaml:7:26: schemes[2]: 'volume' is listed twice",
    ]


def test_an_offer_naming_a_scheme_without_discounts_yaml(workspace: Path) -> None:
    put(workspace, "offers/a-1.yaml", OFFER + "schemes: [volume]\n")
    assert problems(workspace) == [
        "offers/a-1.yaml:7:11: schemes[0]: unknown scheme 'volume' "
        "(not in discounts.yaml, which has none)",
    ]


def test_tiers_must_rise(workspace: Path) -> None:
    put(
        workspace,
        "discounts.yaml",
        "schemes:\n"
        "  volume:\n"
        "    title: Объём\n"
        "    basis: order_total\n"
        "    tiers: [{from: 10, percent: 3}, {from: 5, percent: 5}, {from: 5, percent: 6}]\n",
    )
    assert problems(workspace) == [
        "discounts.yaml:5:44: schemes.volume.tiers[1].from: tiers must rise: "
        "5 is not above the tier before it (10)",
        "discounts.yaml:5:67: schemes.volume.tiers[2].from: tiers must rise: "
        "5 is not above the tier before it (5)",
    ]


@pytest.mark.parametrize(
    ("scheme_yaml", "message"),
    [
        (
            "    basis: prepayment\n    tiers: [{from: 10, percent: -5}]\n",
            "discounts.yaml:5:33: schemes.bad.tiers[0].percent: must be at least 0, got -5",
        ),
        (
            "    basis: client_tier\n    tiers: [{from: 1, percent: 1}]\n",
            "discounts.yaml:3:5: schemes.bad: tiers of a client_tier scheme map tier names "
            "to percents",
        ),
        (
            "    basis: promo\n    percent: 5\n",
            "discounts.yaml:3:5: schemes.bad: a promo needs period",
        ),
        (
            "    basis: annual_turnover\n    currency: EUR\n    tiers: [{from: 1, percent: 1}]\n",
            "discounts.yaml:3:5: schemes.bad: currency is for order_total thresholds only "
            "(turnover is recorded in the workspace currency)",
        ),
        (
            "    basis: order_total\n    tiers: []\n",
            "discounts.yaml:5:12: schemes.bad.tiers: must not be empty",
        ),
    ],
)
def test_a_scheme_has_the_fields_of_its_basis(
    workspace: Path, scheme_yaml: str, message: str
) -> None:
    put(workspace, "discounts.yaml", "schemes:\n  bad:\n    title: Скидка\n" + scheme_yaml)
    assert problems(workspace) == [message]


def test_a_promo_period_must_not_be_empty(workspace: Path) -> None:
    put(
        workspace,
        "discounts.yaml",
        "schemes:\n"
        "  winter:\n"
        "    title: Зима\n"
        "    basis: promo\n"
        "    percent: 5\n"
        "    period: {from: 2026-02-01, to: 2026-01-31}\n",
    )
    assert problems(workspace) == [
        "discounts.yaml:6:36: schemes.winter.period.to: empty period: 2026-01-31 is before "
        "2026-02-01",
    ]


def test_applies_to_names_skus_and_categories_of_the_catalog(workspace: Path) -> None:
    put(
        workspace,
        "discounts.yaml",
        "schemes:\n"
        "  qty:\n"
        "    title: Количество\n"
        "    basis: line_qty\n"
        "    applies_to: {skus: [pump, pumq], categories: [pumps, pump]}\n"
        "    tiers: [{from: 5, percent: 4}]\n",
    )
    assert problems(workspace) == [
        "discounts.yaml:5:31: schemes.qty.applies_to.skus[1]: unknown sku 'pumq' "
        "(not in catalog.yaml); did you mean 'pump'?",
        "discounts.yaml:5:58: schemes.qty.applies_to.categories[1]: unknown category 'pump' "
        "(not in catalog.yaml); did you mean 'pumps'?",
    ]


def test_a_discount_scheme_document_needs_schemes(workspace: Path) -> None:
    put(workspace, "offers/a-1.yaml", OFFER + "documents: [proposal, discount_scheme]\n")
    assert problems(workspace) == [
        "offers/a-1.yaml:7:23: documents[1]: a discount_scheme needs the offer to name schemes",
    ]


APPROVAL_POLICY = "policy: {approval_above_percent: 15}\nschemes:\n" + VOLUME_YAML


@pytest.mark.parametrize("status", ["approved", "sent", "accepted"])
def test_an_approved_offer_above_the_threshold_needs_an_approval(
    workspace: Path, status: str
) -> None:
    put(workspace, "discounts.yaml", APPROVAL_POLICY)
    # 2 x 1000.00 = 2000 >= 1000: 3 %, then 20 % off: 1 - 0.97 x 0.80 = 22.4 % > 15 %
    put(
        workspace, "offers/a-1.yaml", OFFER + f"status: {status}\nschemes: [volume]\ndiscount: 20\n"
    )
    assert problems(workspace) == [
        f"offers/a-1.yaml:7:9: status: {status} offer: the effective discount 22.40 % is above "
        "the 15 % of policy.approval_above_percent (discounts.yaml) and nobody approved it: "
        "add approval: {by: …, position: …, date: …} or a review by the head of sales "
        "(role: sales_head, verdict: approved)",
    ]


def test_a_draft_above_the_threshold_only_warns(workspace: Path) -> None:
    put(workspace, "discounts.yaml", APPROVAL_POLICY)
    put(workspace, "offers/a-1.yaml", OFFER + "schemes: [volume]\ndiscount: 20\n")
    loaded = load_strict(workspace)
    assert [str(problem) for problem in loaded.warnings] == [
        "offers/a-1.yaml:7:10: warning: schemes: the effective discount 22.40 % is above the "
        "15 % of policy.approval_above_percent (discounts.yaml) and nobody approved it: add "
        "approval: {by: …, position: …, date: …} or a review by the head of sales "
        "(role: sales_head, verdict: approved)",
    ]
    assert loaded.price("a-1").approval.missing


def test_an_approved_offer_with_an_approval_loads_cleanly(workspace: Path) -> None:
    put(workspace, "discounts.yaml", APPROVAL_POLICY)
    put(
        workspace,
        "offers/a-1.yaml",
        OFFER + "status: approved\nschemes: [volume]\ndiscount: 20\n"
        "approval: {by: Иванов И. И., position: Директор, date: 2026-11-27}\n",
    )
    loaded = load_strict(workspace)
    assert loaded.warnings == []
    verdict = loaded.price("a-1").approval
    assert (verdict.needed, verdict.given, verdict.missing) == (True, True, False)


def test_a_review_by_the_head_of_sales_approves_the_discount(workspace: Path) -> None:
    put(workspace, "discounts.yaml", APPROVAL_POLICY)
    offer = OFFER + "status: sent\nschemes: [volume]\ndiscount: 20\nreview:\n"
    put(
        workspace,
        "offers/a-1.yaml",
        offer + "  - {by: Петров, role: sales_head, "
        "date: 2026-11-28, verdict: changes_requested}\n",
    )
    assert len(problems(workspace)) == 1  # asking for changes approves nothing
    put(
        workspace,
        "offers/a-1.yaml",
        offer + "  - {by: Петров, role: sales_head, date: 2026-11-28, verdict: approved}\n",
    )
    assert not load_strict(workspace).price("a-1").approval.missing
