"""Turn `catalog.yaml` into the price list: items with their names, units and prices."""

from __future__ import annotations

from .fields import Code, Currency, Flag, Localized, LocalizedParagraph, Model, Price, VatRate


class CatalogItem(Model):
    sku: Code
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
