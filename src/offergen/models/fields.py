"""Turn scalar YAML values into checked fields: text, ids, dates, money, percents, VAT rates.

Also the base `Model` every file's model builds on, and `Localized` text in both languages.
Every text field passes `characters.clean_text`: NFC, no control characters.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from ..characters import clean_text

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
LOCALES = ("ru", "en")
CURRENCIES = ("RUB", "EUR", "USD")
VAT_RATES = (22, 10, 7, 5, 0, "none")

Locale = Literal["ru", "en"]
Currency = Literal["RUB", "EUR", "USD"]


def _number_as_text(value: Any) -> Any:
    # An unquoted `inn: 7707083893` arrives as a Decimal; its source text is the value.
    return format(value, "f") if isinstance(value, Decimal) else value


def _vat_rate(value: Any) -> Any:
    if isinstance(value, bool):  # False == 0, but `vat_rate: false` is no rate
        raise ValueError(f"must be one of 22, 10, 7, 5, 0, none, got {value}")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if value not in VAT_RATES:
        allowed = ", ".join(str(rate) for rate in VAT_RATES)
        raise ValueError(f"must be one of {allowed} (none = без НДС), got {value}")
    return value


def _text(value: Any) -> Any:
    value = _number_as_text(value)
    return clean_text(value) if isinstance(value, str) else value


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    text = _number_as_text(value)
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"must be a date written as YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a real date") from None


def _whole(value: Any) -> Any:
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise ValueError(f"must be a whole number, got {value}")
    return value


Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=2000)]
Id = Annotated[str, BeforeValidator(_number_as_text), Field(pattern=ID_PATTERN)]
Flag = Annotated[bool, Strict()]
Day = Annotated[date, BeforeValidator(_iso_date)]
Count = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=3650)]


def _plain_number(value: Any) -> Any:
    # The loader turns `2.5` into a Decimal; text such as "1e3", "007" or "2,5" is refused
    # rather than read by pydantic's lenient parser.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        shown = repr(value) if isinstance(value, str) else str(value)
        hint = (
            " (write it without quotes)" if isinstance(value, str) and _looks_plain(value) else ""
        )
        raise ValueError(f"must be a number, got {shown}{hint}")
    return value


def _looks_plain(text: str) -> bool:
    return re.fullmatch(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?", text.strip()) is not None


Money = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, max_digits=15, decimal_places=4, allow_inf_nan=False),
]
Quantity = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(gt=0, max_digits=12, decimal_places=3, allow_inf_nan=False),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False),
]
# Where a discount tier starts: an amount, a quantity or a percent, so of any precision.
Threshold = Annotated[Decimal, BeforeValidator(_plain_number), Field(ge=0, allow_inf_nan=False)]
VatRate = Annotated[int | str, BeforeValidator(_vat_rate)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(Model):
    """Text in Russian and English; a plain string means the same text in both."""

    ru: Text | None = None
    en: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        value = _number_as_text(value)
        return {"ru": value, "en": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _some_text(self) -> Localized:
        if self.ru is None and self.en is None:
            raise ValueError("give the text as ru: and/or en:")
        return self

    def get(self, locale: Locale) -> str | None:
        return self.ru if locale == "ru" else self.en
