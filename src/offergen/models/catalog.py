"""Turn `catalog.yaml` into the price list: items with their names, units and prices."""

from __future__ import annotations

from .fields import Currency, Flag, Localized, Model, Money, Text, VatRate


class CatalogItem(Model):
    sku: Text
    name: Localized
    unit: Localized
    price: Money
    prices: dict[Currency, Money] = {}
    vat_rate: VatRate | None = None
    category: Text | None = None
    description: Localized | None = None
    min_price: Money | None = None  # the floor of the net unit price, workspace currency
    min_prices: dict[Currency, Money] = {}  # floors in other currencies


class Catalog(Model):
    """`catalog.yaml`: the price list, in the workspace currency."""

    prices_include_vat: Flag | None = None
    categories: dict[Text, Localized] = {}  # category code: its name as documents print it
    items: list[CatalogItem] = []  # a new workspace starts with none
