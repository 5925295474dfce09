"""Turn an offer and the price list into priced lines and totals, exact to the kopeck.

The money policy (DESIGN.md): every line is rounded half-up to 0.01 once, after all its
discounts; VAT is computed per line from that rounded amount; totals are sums of the
rounded lines, so every printed column adds up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from .formatting import round_money
from .models import Catalog, CatalogItem, Localized, Offer, OfferItem

HUNDRED = Decimal(100)
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


def _vat_factor(rate: VatRate) -> Decimal:
    return Decimal(1) if isinstance(rate, str) else 1 + Decimal(rate) / HUNDRED


def combined_percent(percents: Iterable[Decimal]) -> Decimal:
    """Discounts applied one after another: 5 % then 3 % is 7.85 %."""
    remaining = Decimal(1)
    for percent in percents:
        remaining *= 1 - percent / HUNDRED
    return (1 - remaining) * HUNDRED


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
class PricedOffer:
    currency: str
    prices_include_vat: bool
    order_discount: Decimal
    lines: tuple[PricedLine, ...]
    totals: Totals

    @property
    def effective_discount(self) -> Decimal:
        """1 - total / total at list prices, as a percent."""
        if not self.totals.list_amount:
            return Decimal(0)
        return (1 - self.totals.amount / self.totals.list_amount) * HUNDRED


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
    if currency == workspace_currency:
        return item.price
    return next((price for code, price in item.prices.items() if code == currency), None)


def price_offer(offer: Offer, catalog: Catalog, rules: PricingRules) -> PricedOffer:
    """Price every line of a validated offer; the workspace guarantees skus and prices exist."""
    by_sku = {item.sku: item for item in catalog.items}
    lines = tuple(
        _price_line(number, item, offer, by_sku, rules)
        for number, item in enumerate(offer.items, start=1)
    )
    return PricedOffer(
        rules.currency,
        rules.prices_include_vat,
        offer.discount,
        lines,
        _totals(lines, rules.prices_include_vat),
    )


def _price_line(
    number: int, item: OfferItem, offer: Offer, by_sku: dict[str, CatalogItem], rules: PricingRules
) -> PricedLine:
    rate: VatRate
    if item.sku is not None:
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
        name, unit = entry.name, entry.unit
    else:
        assert item.price is not None and item.name is not None and item.unit is not None
        rate = _first_rate(item.vat_rate, offer.vat_rate, rules.default_vat_rate)
        unit_price, name, unit = item.price, item.name, item.unit
    discount = combined_percent(p for p in (item.discount, offer.discount) if p)
    with localcontext() as ctx:
        ctx.prec = 40
        list_amount = round_money(item.qty * unit_price)
        amount = round_money(item.qty * unit_price * (1 - discount / HUNDRED))
    return PricedLine(
        number,
        item.sku,
        name,
        unit,
        item.qty,
        unit_price,
        discount,
        list_amount,
        amount,
        rate,
        vat_of(amount, rate, included=rules.prices_include_vat),
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
