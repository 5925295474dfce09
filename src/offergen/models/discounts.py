"""Turn `discounts.yaml` into the stacking and approval policy and the named schemes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from ..limits import MAX_QUANTITY, MONEY_DECIMALS, PERCENT_DECIMALS, QUANTITY_DECIMALS
from .fields import (
    ID_PATTERN,
    Code,
    Currency,
    Day,
    Localized,
    LocalizedParagraph,
    Model,
    Percent,
    Threshold,
)

Basis = Literal["order_total", "line_qty", "client_tier", "annual_turnover", "prepayment", "promo"]
LINE_BASES = ("line_qty", "promo")
# What a tier's threshold measures, by basis: (what it is, decimals, largest); thresholds
# print as that kind, so they take no finer decimals than it prints.
_THRESHOLDS: dict[str, tuple[str, int, Decimal | None]] = {
    "order_total": ("amounts", MONEY_DECIMALS, None),
    "annual_turnover": ("amounts", MONEY_DECIMALS, None),
    "line_qty": ("quantities", QUANTITY_DECIMALS, MAX_QUANTITY),
    "prepayment": ("percents", PERCENT_DECIMALS, Decimal(100)),
}


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class Policy(Model):
    """How discounts on different grounds combine, their cap and when they need approval."""

    stacking: Literal["sequential", "additive", "best"] = Field(
        default="sequential",
        description="sequential: each discount applies to the price the others reduced; "
        "additive: percents add up; best: only the largest applies.",
    )
    max_total_percent: Percent = Field(
        default=Decimal(100), description="Cap of the total discount on a line, in percent."
    )
    approval_above_percent: Percent | None = Field(
        default=None, description="A total discount above this percent needs an approval."
    )
    base: Literal["net", "gross"] = Field(
        default="net",
        description="Thresholds measure amounts net (without VAT) or gross (with VAT).",
    )
    hint_within_percent: Percent = Field(
        default=Decimal(20),
        description="Tell the client of the next volume tier when the order is within this "
        "percent of its threshold.",
    )


class Tier(Model):
    model_config = ConfigDict(populate_by_name=True)

    from_: Threshold = Field(
        alias="from",
        description="Where the tier starts: an amount, a quantity or a percent, by the basis.",
    )
    percent: Percent = Field(description="Discount of the tier, in percent (0 to 100).")


class AppliesTo(Model):
    """The items a scheme covers: by category, by sku, or both."""

    categories: list[Code] = Field(default=[], description="Category codes of catalog.yaml.")
    skus: list[Code] = Field(default=[], description="Skus of catalog.yaml.")

    @model_validator(mode="after")
    def _something(self) -> AppliesTo:
        if not self.categories and not self.skus:
            raise ValueError("name categories: [...] or skus: [...]")
        return self

    def covers(self, sku: str | None, category: str | None) -> bool:
        return (sku is not None and sku in self.skus) or (
            category is not None and category in self.categories
        )


class Period(Model):
    model_config = ConfigDict(populate_by_name=True)

    from_: Day = Field(alias="from", description="First day, YYYY-MM-DD.")
    to: Day = Field(description="Last day, YYYY-MM-DD.")

    def contains(self, day: date) -> bool:
        return self.from_ <= day <= self.to


TierList = Annotated[list[Tier], Field(min_length=1)]
TierMap = dict[Code, Percent]
Tiers = Annotated[
    Annotated[TierList, Tag("list")] | Annotated[TierMap, Tag("map")],
    Discriminator(lambda value: "map" if isinstance(value, dict) else "list"),
]


class Scheme(Model):
    """One named discount scheme of `discounts.yaml`."""

    title: Localized = Field(description="Name of the scheme, as documents print it.")
    basis: Basis = Field(
        description="What the discount depends on: order_total (amount of the order), "
        "line_qty (quantity of a line), client_tier, annual_turnover (last year's "
        "purchases), prepayment (percent prepaid) or promo (a period)."
    )
    tiers: Tiers | None = Field(
        default=None,
        description="Rising tiers [{from: …, percent: …}]; for client_tier a map of tier "
        "names to percents: {gold: 7}.",
    )
    percent: Percent | None = Field(default=None, description="A promo's discount, in percent.")
    applies_to: AppliesTo | None = Field(
        default=None, description="The items covered; every item when left out."
    )
    period: Period | None = Field(
        default=None, description="When the scheme applies; a promo needs one."
    )
    currency: Currency | None = Field(
        default=None, description="Currency of order_total thresholds; the workspace's by default."
    )
    note: LocalizedParagraph | None = Field(
        default=None, description="Extra conditions, printed in the discount appendix."
    )

    @model_validator(mode="before")
    @classmethod
    def _tier_shape(cls, value: Any) -> Any:
        # Say which tier shape the basis wants; the union then reports one branch only.
        if isinstance(value, dict) and value.get("tiers") is not None:
            tiers = value["tiers"]
            if value.get("basis") == "client_tier" and not isinstance(tiers, dict):
                raise ValueError("tiers of a client_tier scheme map tier names to percents")
            if value.get("basis") != "client_tier" and isinstance(tiers, dict):
                raise ValueError("tiers must be a list of {from: …, percent: …}")
        return value

    @model_validator(mode="after")
    def _fields_for_basis(self) -> Scheme:
        if self.currency is not None and self.basis != "order_total":
            raise ValueError(
                "currency is for order_total thresholds only (turnover is recorded in the "
                "workspace currency)"
            )
        if self.basis == "promo":
            missing = [name for name in ("percent", "period") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"a promo needs {' and '.join(missing)}")
            if self.tiers is not None:
                raise ValueError("a promo has one percent, not tiers")
        elif self.tiers is None:
            raise ValueError(f"a {self.basis} scheme needs tiers")
        elif self.percent is not None:
            raise ValueError(f"a {self.basis} scheme takes its percents from tiers")
        return self

    def problems(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """What cannot hold in a scheme that parsed, as (where in the scheme, message):
        tiers that do not rise, thresholds finer or larger than the basis measures, an
        empty period."""
        tiers = self.tiers if isinstance(self.tiers, list) else []
        what, decimals, largest = _THRESHOLDS.get(self.basis, ("", 0, None))
        measures = f"this scheme's basis ({self.basis}) measures {what}"
        for index, tier in enumerate(tiers):
            where, start = ("tiers", index, "from"), tier.from_
            if _decimals(start) > decimals:
                yield where, f"{measures}: at most {decimals} digits after the point"
            elif largest is not None and start > largest:
                yield where, f"{measures}: must be at most {largest}, got {start}"
            elif index and start <= tiers[index - 1].from_:
                before = tiers[index - 1].from_
                yield where, f"tiers must rise: {start} is not above the tier before it ({before})"
        if self.period is not None and self.period.to < self.period.from_:
            yield ("period", "to"), f"empty period: {self.period.to} is before {self.period.from_}"

    @property
    def level(self) -> Literal["line", "order"]:
        return "line" if self.basis in LINE_BASES else "order"


class Discounts(Model):
    """`discounts.yaml`: the stacking and approval policy and the named schemes."""

    policy: Policy = Field(default=Policy(), description="Stacking, cap and approval of discounts.")
    schemes: dict[Annotated[str, Field(pattern=ID_PATTERN)], Scheme] = Field(
        default={}, description="Named discount schemes; offers name them in `schemes`."
    )
