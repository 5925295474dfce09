"""Turn `catalog.yaml` into the price list: items with their names, units and prices."""

from __future__ import annotations

from typing import Literal

from .fields import Code, Currency, Flag, Localized, LocalizedParagraph, Model, Price, VatRate

ItemKind = Literal["goods", "service"]
# The units that make an ad-hoc line a service (work), whatever its name says.
SERVICE_UNITS = frozenset({"усл.", "усл", "услуга", "service", "services", "job"})


def service_unit(unit: Localized) -> bool:
    """Whether a line's unit says it is a service (усл., service) rather than goods."""
    return any((name or "").strip().lower() in SERVICE_UNITS for name in (unit.ru, unit.en))


class CatalogItem(Model):
    sku: Code
    kind: ItemKind = "goods"  # a service (installation, commissioning) is work, not goods
    name: Localized
    unit: Localized
    price: Price
    prices: dict[Currency, Price] = {}
    vat_rate: VatRate | None = None
    category: Code | None = None
    description: LocalizedParagraph | None = None
    min_price: Price | None = None  # the floor of the net unit price, workspace currency
    min_prices: dict[Currency, Price] = {}  # floors in other currencies


class Catalog(Model):
    """`catalog.yaml`: the price list, in the workspace currency."""

    prices_include_vat: Flag | None = None
    categories: dict[Code, Localized] = {}  # category code: its name as documents print it
    items: list[CatalogItem] = []  # a new workspace starts with none
