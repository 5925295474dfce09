"""Turn `catalog.yaml` into the price list: items with their names, units and prices."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .fields import Code, Currency, Flag, Localized, LocalizedParagraph, Model, Price, VatRate

ItemKind = Literal["goods", "service"]
# The units that make an ad-hoc line a service (work), whatever its name says.
SERVICE_UNITS = frozenset({"усл.", "усл", "услуга", "service", "services", "job"})


def service_unit(unit: Localized) -> bool:
    """Whether a line's unit says it is a service (усл., service) rather than goods."""
    return any((name or "").strip().lower() in SERVICE_UNITS for name in (unit.ru, unit.en))


class CatalogItem(Model):
    """One item of the price list: goods or a service."""

    sku: Code = Field(description="The item's code, unique in the catalog; offers name it.")
    kind: ItemKind = Field(
        default="goods", description="goods, or service (installation, commissioning: work)."
    )
    name: Localized = Field(description="Name as documents print it: {ru: Насос, en: Pump}.")
    unit: Localized = Field(description="Unit of measure: {ru: шт., en: pcs}.")
    price: Price = Field(
        description="Unit price in the workspace currency, up to 4 decimals; with or without "
        "VAT as prices_include_vat says."
    )
    prices: dict[Currency, Price] = Field(
        default={}, description="Unit prices in other currencies: {EUR: 120.50}."
    )
    vat_rate: VatRate | None = Field(
        default=None,
        description="VAT rate in percent (22, 10, 7, 5, 0) or none; the default's if unset.",
    )
    category: Code | None = Field(default=None, description="A category code of `categories`.")
    description: LocalizedParagraph | None = Field(
        default=None, description="A longer text about the item, for the documents."
    )
    min_price: Price | None = Field(
        default=None, description="Floor of the net unit price after discounts, workspace currency."
    )
    min_prices: dict[Currency, Price] = Field(
        default={}, description="Floors of the net unit price in other currencies: {EUR: 100}."
    )


class Catalog(Model):
    """`catalog.yaml`: the price list, in the workspace currency."""

    prices_include_vat: Flag | None = Field(
        default=None,
        description="true: prices include VAT; false: VAT is added. Default: offergen.yaml's.",
    )
    categories: dict[Code, Localized] = Field(
        default={}, description="Category codes and their names as documents print them."
    )
    items: list[CatalogItem] = Field(default=[], description="The items of the price list.")
