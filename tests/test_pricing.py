"""Golden cases for `offergen.pricing`: every expected amount is worked out by hand."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from offergen.formatting import round_money
from offergen.models import Catalog, CatalogItem, Offer
from offergen.pricing import (
    PricedOffer,
    PricingRules,
    VatRate,
    catalog_price,
    convert_price,
    price_offer,
)

D = Decimal


# --------------------------------------------------------------------------- helpers


def ad_hoc(price: str, qty: str = "1", **extra: Any) -> dict[str, Any]:
    """An offer line without sku: its own name, unit and price."""
    return {"name": "Работы", "unit": "шт", "price": D(price), "qty": D(qty), **extra}


def sku_line(sku: str, qty: str = "1", **extra: Any) -> dict[str, Any]:
    return {"sku": sku, "qty": D(qty), **extra}


def catalog_item(sku: str, price: str, **extra: Any) -> dict[str, Any]:
    return {
        "sku": sku,
        "name": {"ru": "Товар", "en": "Item"},
        "unit": "шт",
        "price": D(price),
        **extra,
    }


def make_offer(*items: dict[str, Any], discount: str = "0", **extra: Any) -> Offer:
    return Offer.model_validate(
        {
            "number": "КП-1",
            "client": "acme",
            "date": "2026-01-15",
            "items": list(items),
            "discount": D(discount),
            **extra,
        }
    )


def make_catalog(*items: dict[str, Any]) -> Catalog:
    if not items:
        items = (catalog_item("unused", "1.00"),)
    return Catalog.model_validate({"items": list(items)})


def make_rules(
    *,
    included: bool = True,
    catalog_included: bool | None = None,
    currency: str = "RUB",
    default_vat_rate: VatRate = 22,
) -> PricingRules:
    return PricingRules(
        currency=currency,
        prices_include_vat=included,
        catalog_prices_include_vat=included if catalog_included is None else catalog_included,
        default_vat_rate=default_vat_rate,
        workspace_currency="RUB",
    )


def price(
    *items: dict[str, Any],
    catalog: Catalog | None = None,
    discount: str = "0",
    included: bool = True,
    catalog_included: bool | None = None,
    currency: str = "RUB",
    **offer_extra: Any,
) -> PricedOffer:
    return price_offer(
        make_offer(*items, discount=discount, **offer_extra),
        catalog or make_catalog(),
        make_rules(included=included, catalog_included=catalog_included, currency=currency),
    )


def is_money(value: Decimal) -> bool:
    """Exactly two decimal places, as printed."""
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("qty", "unit_price", "amount"),
    [
        ("1", "2.665", D("2.67")),  # 2.665 exactly; half-up -> 2.67 (half-even would be 2.66)
        ("3", "0.555", D("1.67")),  # 3 x 0.555 = 1.665; half-up -> 1.67 (half-even: 1.66)
        ("1", "2.6649", D("2.66")),  # below the half: down
        ("1", "0.125", D("0.13")),  # 0.125 -> 0.13
        ("1", "0.0049", D("0.00")),  # rounds to zero, printed 0.00
    ],
)
def test_a_line_amount_is_rounded_half_up_to_kopecks(
    qty: str, unit_price: str, amount: Decimal
) -> None:
    line = price(ad_hoc(unit_price, qty)).lines[0]
    assert line.amount == amount
    assert line.list_amount == amount
    assert is_money(line.amount)


def test_round_money_rounds_half_up_and_away_from_zero() -> None:
    assert round_money(D("2.665")) == D("2.67")
    assert round_money(D("-2.665")) == D("-2.67")
    assert round_money(D("2.6649999")) == D("2.66")
    assert round_money(D("7")).as_tuple().exponent == -2


def test_round_money_rejects_float() -> None:
    with pytest.raises(TypeError, match="float"):
        round_money(2.665)  # type: ignore[arg-type]


def test_a_line_is_rounded_once_after_all_its_discounts() -> None:
    # 1 x 10.005 x 0.90 = 9.0045 -> 9.00; rounding the list amount first would give
    # 10.01 x 0.90 = 9.009 -> 9.01.
    line = price(ad_hoc("10.005", discount=D("10"))).lines[0]
    assert line.amount == D("9.00")
    assert line.list_amount == D("10.01")  # 10.005 -> 10.01


def test_totals_are_sums_of_rounded_lines() -> None:
    # Each line 1 x 0.005 = 0.005 -> 0.01; three lines 0.03 (rounding the sum 0.015 would be 0.02).
    priced = price(ad_hoc("0.005"), ad_hoc("0.005"), ad_hoc("0.005"))
    assert [line.amount for line in priced.lines] == [D("0.01")] * 3
    assert priced.totals.amount == D("0.03")
    # VAT of 0.01 incl. 22 %: 0.01 x 22 / 122 = 0.0018 -> 0.00 per line.
    assert priced.totals.vat == D("0.00")


# --------------------------------------------------------------------------- VAT


@pytest.mark.parametrize(
    ("unit_price", "rate", "included", "vat"),
    [
        # DOMAIN example: 1234567.89 x 22 / 122 = 27160493.58 / 122 = 222626.9965... -> 222627.00
        ("1234567.89", 22, True, D("222627.00")),
        # 1234567.89 x 22 / 100 = 271604.9358 -> 271604.94
        ("1234567.89", 22, False, D("271604.94")),
        # 122.00 x 22 / 122 = 22.00
        ("122.00", 22, True, D("22.00")),
        # 100.00 x 22 / 100 = 22.00
        ("100.00", 22, False, D("22.00")),
        # 1000.00 x 10 / 110 = 90.9090... -> 90.91
        ("1000.00", 10, True, D("90.91")),
        # 1000.05 x 10 / 100 = 100.005 -> 100.01 (half-up)
        ("1000.05", 10, False, D("100.01")),
        ("1000.00", 0, True, D("0.00")),
        ("1000.00", 0, False, D("0.00")),
        ("1000.00", "none", True, D("0.00")),
        ("1000.00", "none", False, D("0.00")),
    ],
)
def test_vat_of_one_line(unit_price: str, rate: VatRate, included: bool, vat: Decimal) -> None:
    line = price(ad_hoc(unit_price, vat_rate=rate), included=included).lines[0]
    assert line.vat_rate == rate
    assert line.amount == D(unit_price)
    assert line.vat == vat
    assert is_money(line.vat)


def _mixed_lines() -> list[dict[str, Any]]:
    # Deliberately out of order: groups must come out 22, 10, 0, none.
    return [
        ad_hoc("500.00", vat_rate="none"),
        ad_hoc("300.00", vat_rate=0),
        ad_hoc("1000.00", vat_rate=10),
        ad_hoc("2.665", vat_rate=22),
        ad_hoc("1234567.89", vat_rate=22),
    ]


def test_totals_and_vat_groups_with_prices_including_vat() -> None:
    priced = price(*_mixed_lines(), included=True)
    totals = priced.totals
    # amounts: 500.00 + 300.00 + 1000.00 + 2.67 + 1234567.89 = 1236370.56
    assert totals.amount == D("1236370.56")
    # vat: 10 %: 1000 x 10/110 = 90.91; 22 %: 2.67 x 22/122 = 0.4814... -> 0.48,
    # 1234567.89 -> 222627.00; total 90.91 + 0.48 + 222627.00 = 222718.39
    assert [line.vat for line in priced.lines] == [
        D("0.00"),
        D("0.00"),
        D("90.91"),
        D("0.48"),
        D("222627.00"),
    ]
    assert totals.vat == D("222718.39")
    assert totals.gross == D("1236370.56")  # prices include VAT: gross is the amount
    assert totals.net == D("1013652.17")  # 1236370.56 - 222718.39
    assert [(g.rate, g.amount, g.vat) for g in totals.vat_groups] == [
        (22, D("1234570.56"), D("222627.48")),  # 2.67 + 1234567.89; 0.48 + 222627.00
        (10, D("1000.00"), D("90.91")),
        (0, D("300.00"), D("0.00")),
        ("none", D("500.00"), D("0.00")),
    ]


def test_totals_and_vat_groups_with_prices_excluding_vat() -> None:
    priced = price(*_mixed_lines(), included=False)
    totals = priced.totals
    assert totals.amount == D("1236370.56")
    # vat: 10 %: 100.00; 22 %: 2.67 x 0.22 = 0.5874 -> 0.59, 1234567.89 x 0.22 -> 271604.94;
    # total 100.00 + 0.59 + 271604.94 = 271705.53
    assert totals.vat == D("271705.53")
    assert totals.net == D("1236370.56")  # prices exclude VAT: net is the amount
    assert totals.gross == D("1508076.09")  # 1236370.56 + 271705.53
    assert [(g.rate, g.amount, g.vat) for g in totals.vat_groups] == [
        (22, D("1234570.56"), D("271605.53")),  # 0.59 + 271604.94
        (10, D("1000.00"), D("100.00")),
        (0, D("300.00"), D("0.00")),
        ("none", D("500.00"), D("0.00")),
    ]


def test_zero_rate_and_exempt_lines_are_separate_vat_groups() -> None:
    priced = price(ad_hoc("10.00", vat_rate="none"), ad_hoc("20.00", vat_rate=0))
    assert [(g.rate, g.amount) for g in priced.totals.vat_groups] == [
        (0, D("20.00")),
        ("none", D("10.00")),
    ]


def _exact_half_up(value: Fraction) -> Decimal:
    """An independent oracle: round a non-negative exact fraction half-up to kopecks."""
    cents = (value * 100 + Fraction(1, 2)).__floor__()
    return D(cents).scaleb(-2)


def test_totals_identities_hold_for_many_lines() -> None:
    rng = random.Random(20260115)
    rates: list[VatRate] = [22, 10, 7, 5, 0, "none"]
    for _ in range(300):
        included = rng.choice([True, False])
        order_discount = rng.choice(["0", "3", "7.5", "12.34", "100"])
        lines = []
        for _ in range(rng.randint(1, 6)):
            qty = D(rng.randint(1, 999_999)).scaleb(-rng.randint(0, 3))
            unit_price = D(rng.randint(0, 99_999_999)).scaleb(-rng.randint(0, 4))
            discount = rng.choice([D(0), D(5), D("33.33"), D(rng.randint(0, 10000)) / 100])
            lines.append(
                ad_hoc(str(unit_price), str(qty), discount=discount, vat_rate=rng.choice(rates))
            )
        priced = price(*lines, discount=order_discount, included=included)
        totals = priced.totals
        for spec, line in zip(lines, priced.lines, strict=True):
            factor = (1 - Fraction(spec["discount"]) / 100) * (
                1 - Fraction(D(order_discount)) / 100
            )
            exact = Fraction(spec["qty"]) * Fraction(spec["price"])
            assert line.amount == _exact_half_up(exact * factor), spec
            assert line.list_amount == _exact_half_up(exact), spec
            assert D(0) <= line.vat <= line.amount
            assert all(map(is_money, (line.amount, line.list_amount, line.vat)))
        assert totals.amount == sum(line.amount for line in priced.lines)
        assert totals.list_amount == sum(line.list_amount for line in priced.lines)
        assert totals.vat == sum(line.vat for line in priced.lines)
        assert totals.discount == totals.list_amount - totals.amount
        assert totals.net + totals.vat == totals.gross
        assert (totals.gross if included else totals.net) == totals.amount
        assert sum(g.vat for g in totals.vat_groups) == totals.vat
        assert sum(g.amount for g in totals.vat_groups) == totals.amount
        order = [22, 10, 7, 5, 0, "none"]
        group_rates = [g.rate for g in totals.vat_groups]
        assert group_rates == sorted(group_rates, key=order.index)
        assert set(group_rates) == {line.vat_rate for line in priced.lines}
        money = [
            totals.amount,
            totals.list_amount,
            totals.discount,
            totals.net,
            totals.vat,
            totals.gross,
        ]
        money += [v for g in totals.vat_groups for v in (g.amount, g.vat)]
        assert all(map(is_money, money)), money


# --------------------------------------------------------------------------- discounts


def test_line_and_order_discounts_compound() -> None:
    # 5 % then 3 %: 0.95 x 0.97 = 0.9215, i.e. 7.85 % (not 8 %).
    # 3 x 333.33 = 999.99; x 0.9215 = 921.490785 -> 921.49 (8 % would give 919.99).
    priced = price(ad_hoc("333.33", "3", discount=D("5")), discount="3")
    line = priced.lines[0]
    assert line.discount_percent == D("7.85")
    assert line.list_amount == D("999.99")
    assert line.amount == D("921.49")
    assert priced.order_discount == D("3")
    assert priced.totals.list_amount == D("999.99")
    assert priced.totals.discount == D("78.50")  # 999.99 - 921.49


def test_a_line_without_discounts_has_zero_discount() -> None:
    line = price(ad_hoc("100.00")).lines[0]
    assert line.discount_percent == 0
    assert line.amount == line.list_amount == D("100.00")


def test_a_full_discount_gives_a_zero_line() -> None:
    priced = price(ad_hoc("1234.56", "2", discount=D("100")))
    line = priced.lines[0]
    assert line.discount_percent == D("100")
    assert line.list_amount == D("2469.12")  # 2 x 1234.56
    assert line.amount == D("0.00")
    assert line.vat == D("0.00")
    assert is_money(line.amount)
    assert priced.totals.discount == D("2469.12")
    assert priced.effective_discount == D("100")


def test_effective_discount_over_the_whole_offer() -> None:
    # 1000.00 with 10 % -> 900.00; 1000.00 without -> 1000.00; 1900 / 2000 = 0.95 -> 5 %.
    priced = price(ad_hoc("1000.00", discount=D("10")), ad_hoc("1000.00"))
    assert priced.effective_discount == D("5")
    # 2 x 1000.00 with 5 % then 3 %: 2000 x 0.9215 = 1843.00 -> 7.85 %.
    compounded = price(ad_hoc("1000.00", "2", discount=D("5")), discount="3")
    assert compounded.totals.amount == D("1843.00")
    assert compounded.effective_discount == D("7.85")


def test_effective_discount_of_a_free_offer_is_zero() -> None:
    priced = price(ad_hoc("0.00"))
    assert priced.totals.list_amount == D("0.00")
    assert priced.effective_discount == 0


# --------------------------------------------------------------------------- quantities


def test_fractional_quantity_with_order_discount() -> None:
    # 12.5 m x 2345.67 = 29320.875; x 0.97 = 29320.875 - 879.62625 = 28441.24875 -> 28441.25.
    priced = price(ad_hoc("2345.67", "12.5"), discount="3")
    line = priced.lines[0]
    assert line.list_amount == D("29320.88")  # 29320.875 -> half-up
    assert line.amount == D("28441.25")
    # VAT incl. 22 %: 28441.25 x 22 = 625707.50; / 122 = 5128.75 exactly.
    assert line.vat == D("5128.75")
    assert priced.totals.discount == D("879.63")  # 29320.88 - 28441.25


def test_quantity_with_three_decimals() -> None:
    # 1.234 kg x 99.99 = 123.4 - 0.01234 = 123.38766 -> 123.39.
    line = price(ad_hoc("99.99", "1.234")).lines[0]
    assert line.qty == D("1.234")
    assert line.amount == D("123.39")


# --------------------------------------------------------------------------- VAT rates


PRECEDENCE_CATALOG = make_catalog(
    catalog_item("rated", "100.00", vat_rate=10), catalog_item("unrated", "100.00")
)


@pytest.mark.parametrize(
    ("line", "offer_rate", "rate"),
    [
        (sku_line("rated", vat_rate=5), 7, 5),  # the line's own rate wins
        (sku_line("rated"), 7, 7),  # then the offer's
        (sku_line("rated"), None, 10),  # then the catalog item's
        (sku_line("unrated"), None, 22),  # then the workspace default
        (ad_hoc("100.00", vat_rate=5), 7, 5),
        (ad_hoc("100.00"), 7, 7),
        (ad_hoc("100.00"), None, 22),
        (sku_line("rated", vat_rate="none"), 7, "none"),
        (sku_line("rated"), 0, 0),  # 0 is a rate, not "no rate given"
    ],
)
def test_vat_rate_precedence(
    line: dict[str, Any], offer_rate: VatRate | None, rate: VatRate
) -> None:
    # Prices exclude VAT in both catalog and offer, so the unit price stays 100.00.
    priced = price(
        line,
        catalog=PRECEDENCE_CATALOG,
        included=False,
        **({} if offer_rate is None else {"vat_rate": offer_rate}),
    )
    assert priced.lines[0].vat_rate == rate
    assert priced.lines[0].unit_price == D("100.00")


def test_the_default_rate_comes_from_the_rules() -> None:
    offer = make_offer(ad_hoc("100.00"))
    rules = make_rules(included=False, default_vat_rate=10)
    line = price_offer(offer, make_catalog(), rules).lines[0]
    assert line.vat_rate == 10
    assert line.vat == D("10.00")


# --------------------------------------------------------------------------- conventions


@pytest.mark.parametrize(
    ("listed", "source", "target", "converted"),
    [
        ("122.00", (22, True), (22, False), D("100.00")),  # 122 / 1.22
        ("100.00", (22, False), (22, True), D("122.00")),  # 100 x 1.22
        ("99.99", (22, False), (22, True), D("121.99")),  # 121.9878 -> 121.99
        ("100.00", (22, True), (22, False), D("81.97")),  # 81.9672... -> 81.97
        ("122.00", (22, True), (0, False), D("100.00")),  # export: 0 %, excl. VAT
        ("122.00", (22, True), (0, True), D("100.00")),  # 0 % incl. VAT is the same net
        ("122.00", (22, True), ("none", True), D("100.00")),  # exempt
        ("122.00", (22, True), (10, True), D("110.00")),  # 122 / 1.22 x 1.10
        ("110.00", (10, True), (22, False), D("100.00")),  # 110 / 1.10
    ],
)
def test_convert_price_between_conventions(
    listed: str, source: tuple[VatRate, bool], target: tuple[VatRate, bool], converted: Decimal
) -> None:
    result = convert_price(
        D(listed),
        from_rate=source[0],
        from_included=source[1],
        to_rate=target[0],
        to_included=target[1],
    )
    assert result == converted
    assert is_money(result)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ((22, True), (22, True)),
        ((22, False), (22, False)),
        ((22, False), (10, False)),  # without VAT the rate does not change the price
        ((0, True), (22, False)),  # 0 % included is the same as excluded
        (("none", True), (22, False)),
    ],
)
def test_convert_price_keeps_the_listed_price_exactly(
    source: tuple[VatRate, bool], target: tuple[VatRate, bool]
) -> None:
    result = convert_price(
        D("1234.5678"),
        from_rate=source[0],
        from_included=source[1],
        to_rate=target[0],
        to_included=target[1],
    )
    assert result.as_tuple() == D("1234.5678").as_tuple()  # not re-rounded to 1234.57


def test_catalog_prices_with_vat_become_offer_prices_without_vat() -> None:
    catalog = make_catalog(catalog_item("box", "122.00", vat_rate=22))
    priced = price(sku_line("box", "3"), catalog=catalog, included=False, catalog_included=True)
    line = priced.lines[0]
    assert line.unit_price == D("100.00")  # 122.00 / 1.22
    assert line.amount == D("300.00")
    assert line.vat == D("66.00")  # 300.00 x 0.22
    assert priced.totals.gross == D("366.00")


def test_equal_conventions_keep_the_catalog_price() -> None:
    catalog = make_catalog(catalog_item("box", "1234.5678"))
    line = price(sku_line("box"), catalog=catalog, included=True, catalog_included=True).lines[0]
    assert line.unit_price.as_tuple() == D("1234.5678").as_tuple()
    assert line.amount == D("1234.57")  # rounded only as a line amount


def test_export_offer_at_zero_rate_from_a_catalog_with_vat() -> None:
    catalog = make_catalog(catalog_item("box", "122.00", vat_rate=22))
    priced = price(
        sku_line("box"), catalog=catalog, included=False, catalog_included=True, vat_rate=0
    )
    line = priced.lines[0]
    assert line.vat_rate == 0
    assert line.unit_price == D("100.00")
    assert line.vat == D("0.00")
    assert priced.totals.gross == D("100.00")


# --------------------------------------------------------------------------- currency


FOREIGN = catalog_item("box", "9000.00", prices={"EUR": D("95.50")})


def test_a_foreign_currency_offer_uses_the_catalog_price_in_that_currency() -> None:
    priced = price(sku_line("box", "2"), catalog=make_catalog(FOREIGN), currency="EUR")
    assert priced.currency == "EUR"
    assert priced.lines[0].unit_price == D("95.50")
    assert priced.lines[0].amount == D("191.00")


def test_catalog_price_by_currency() -> None:
    item = CatalogItem.model_validate(FOREIGN)
    assert catalog_price(item, "RUB", "RUB") == D("9000.00")
    assert catalog_price(item, "EUR", "RUB") == D("95.50")
    assert catalog_price(item, "USD", "RUB") is None


# --------------------------------------------------------------------------- printed discount


@pytest.mark.parametrize(
    ("line", "order", "printed"),
    [
        (ad_hoc("1000.00", discount=D("10")), "0", D("10.00")),
        # 5 % then 12.32 %: 0.95 x 0.8768 = 0.83296, 227 880.00 -> 189 814.92; 16.70 %
        # would give 189 824.04, so the three decimals the discount has are printed
        (ad_hoc("18990.00", "12", discount=D("5")), "12.32", D("16.704")),
        # 0.125 x 3 = 0.375 -> 0.38 at no discount
        (ad_hoc("0.125", "3"), "0", D("0.00")),
    ],
)
def test_the_printed_discount_gives_back_the_amount(
    line: dict[str, Any], order: str, printed: Decimal
) -> None:
    (priced_line,) = price(line, discount=order).lines
    assert priced_line.printed_discount == printed
    shown = priced_line.qty * priced_line.unit_price * (1 - printed / 100)
    assert round_money(shown) == priced_line.amount


def test_a_floor_clipped_line_prints_the_discount_its_amount_implies() -> None:
    # 3 x 200.00, floor 100.0034 (81.97 net + 22 %): the amount 300.02 is rounded up from
    # 300.0102; the allowed 49.9983 % would give 300.01, so 49.997 % is printed.
    catalog = make_catalog(catalog_item("pump", "200.00", min_price=D("81.97")))
    offer = make_offer(sku_line("pump", "3", discount=D("60")))
    (line,) = price_offer(offer, catalog, make_rules()).lines
    assert (line.discount_percent, line.amount) == (D("49.9983"), D("300.02"))
    assert line.printed_discount == D("49.997")
