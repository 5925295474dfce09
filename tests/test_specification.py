"""The printed priced table: every line recomputes from its printed numbers, and the
printed totals add up, whatever the prices, quantities and discounts within the limits."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offergen.documents.specification import specification
from offergen.documents.text import Text
from offergen.load import load_document
from offergen.models import Catalog, Discounts, Locale, Offer
from offergen.pricing import PricingRules, price_offer

from .conftest import ROOT, copy_workspace, docx_text, example_workspace, pdf_text, run

D = Decimal
NBSP = "\u00a0"
LABELS = load_document((ROOT / "templates" / "labels.yaml").read_bytes(), "labels.yaml").data


def labels(locale: Locale) -> dict[str, str]:
    return {key: texts[locale] for key, texts in LABELS.items()}


def scaled(most: int, places: int) -> st.SearchStrategy[Decimal]:
    """0 .. most, with up to `places` decimals."""
    return st.integers(0, most * 10**places).map(lambda n: D(n).scaleb(-places).normalize())


def with_decimals(most: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, places).flatmap(lambda p: scaled(most, p))


PRICE = st.one_of(with_decimals(100, 4), with_decimals(10**7, 4))  # the 4 decimals accepted
QTY = with_decimals(10**5, 3).filter(lambda qty: qty > 0)
PERCENT = st.one_of(st.just(D(0)), with_decimals(100, 2), scaled(30, 0))
FLOOR_SHARE = st.one_of(st.none(), st.decimals(D("0.5"), D("1.1"), places=2))


@st.composite
def offers(draw: st.DrawFn) -> dict[str, Any]:
    items, lines = [], []
    for number in range(draw(st.integers(1, 5))):
        price, qty, discount = draw(PRICE), draw(QTY), draw(PERCENT)
        if draw(st.booleans()):  # a catalog line, perhaps with a floor price
            sku = f"s{number}"
            item: dict[str, Any] = {"sku": sku, "name": "Товар", "unit": "шт.", "price": price}
            share = draw(FLOOR_SHARE)
            if share is not None:
                item["min_price"] = (price * share).quantize(D("0.0001"))
            items.append(item)
            lines.append({"sku": sku, "qty": qty, "discount": discount})
        else:
            lines.append(
                {"name": "Работы", "unit": "усл.", "price": price, "qty": qty, "discount": discount}
            )
    promo = {"title": "Акция", "basis": "promo", "percent": draw(PERCENT)}
    promo["period"] = {"from": "2026-01-01", "to": "2026-12-31"}
    return {
        "items": items,
        "offer": {
            "number": "КП-1",
            "client": "acme",
            "date": "2026-11-28",
            "items": lines,
            "discount": draw(PERCENT),
            "schemes": ["promo"] if draw(st.booleans()) else [],
        },
        "discounts": {
            "policy": {
                "stacking": draw(st.sampled_from(["sequential", "additive", "best"])),
                "max_total_percent": draw(st.one_of(st.just(D(100)), with_decimals(100, 2))),
            },
            "schemes": {"promo": promo},
        },
        "included": draw(st.booleans()),
        "vat_rate": draw(st.sampled_from([22, 10, 0, "none"])),
        "locale": draw(st.sampled_from(["ru", "en"])),
        "currency": draw(st.sampled_from(["RUB", "EUR", "USD"])),
    }


def printed(text: str, locale: Locale) -> Decimal:
    """A printed number back as a Decimal: "1 234,125" (ru), "RUB 1,234.13", "€5.00"."""
    digits = re.sub(r"[^0-9,.\-]", "", text.replace(NBSP, ""))
    return D(digits.replace(",", "." if locale == "ru" else ""))


def half_up(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=offers())
def test_every_printed_line_recomputes_and_the_totals_add_up(case: dict[str, Any]) -> None:
    offer = Offer.model_validate(case["offer"])
    vat_rate = case["vat_rate"]
    currency = case["currency"]
    rules = PricingRules(currency, case["included"], case["included"], vat_rate, currency)
    priced = price_offer(
        offer,
        Catalog.model_validate({"items": case["items"]}),
        rules,
        discounts=Discounts.model_validate(case["discounts"]),
    )
    locale: Locale = case["locale"]
    table = specification(priced, Text(labels(locale), locale, currency))
    total = D(0)
    for line, source in zip(table["lines"], priced.lines, strict=True):
        qty, price = printed(line["qty"], locale), printed(line["price"], locale)
        discount = D(0) if line["discount"] == "—" else printed(line["discount"], locale)
        amount = printed(line["amount"], locale)
        assert (qty, price, amount) == (source.qty, source.unit_price, source.amount)
        assert half_up(qty * price * (1 - discount / 100)) == amount, line
        total += amount
    rows = {
        row["label"]: printed(row["value"], locale)
        for row in table["totals"]
        if re.search(r"\d", row["value"])
    }
    text = Text(labels(locale), locale)
    sums = {text(key): key for key in ("total", "total_net", "total_gross", "total_list")}
    sums[text("total_discount")] = "total_discount"
    vat = sum((value for label, value in rows.items() if label not in sums), D(0))
    if priced.prices_include_vat:
        assert rows[text("total")] == total
    else:
        assert rows[text("total_net")] == total
        assert rows[text("total_gross")] == total + vat
    if text("total_list") in rows:
        assert rows[text("total_list")] - rows[text("total_discount")] == total


# --------------------------------------------------------------------------- real documents

BOLT = """\
  - sku: bolt
    name: {ru: Болт М8, en: Bolt M8}
    unit: {ru: шт., en: pcs}
    price: 0.125
"""
OFFER = """\
number: КП-2026-0099
client: acme
date: 2026-12-02
schemes: [loyalty]
items:
  - {sku: bolt, qty: 3}
  - {name: Монтаж, unit: усл., price: 10.0005, qty: 7}
contract: {type: supply, number: "2026/099", city: Москва}
"""


def _flat(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def test_a_price_of_a_fraction_of_a_kopeck_prints_as_it_is_everywhere(tmp_path: Path) -> None:
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    catalog = workspace / "catalog.yaml"
    catalog.write_text(catalog.read_text("utf-8") + BOLT, "utf-8")
    (workspace / "offers" / "acme-2026-099.yaml").write_text(OFFER, "utf-8")
    result = run("-C", workspace, "build", "acme-2026-099")
    assert result.exit_code == 0, result.output
    out = workspace / "out" / "acme-2026-099"
    # gold tier, 4 %: 3 × 0,125 × 0,96 = 0,36; 7 × 10,0005 × 0,96 = 67,20336 -> 67,20
    rows = ("1 Болт М8 шт. 3 0,125 4 % 0,36", "2 Монтаж усл. 7 10,0005 4 % 67,20")
    for document in ("proposal", "contract"):
        for text in (pdf_text(out / f"{document}.pdf"), docx_text(out / f"{document}.docx")):
            assert all(row in _flat(text) for row in rows), (document, _flat(text))
    # the worked example: the first of the lines with the most steps
    example = "Болт М8: 3 шт. × 0,125 ₽ = 0,38 ₽"
    total = "Итоговая скидка 4 %; сумма по позиции 0,36 ₽"
    for text in (pdf_text(out / "discount-scheme.pdf"), docx_text(out / "discount-scheme.docx")):
        assert example in _flat(text) and total in _flat(text)
