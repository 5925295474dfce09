"""Turn scalar YAML values into checked fields: text, ids, dates, money, percents, VAT rates.

Also the base `Model` every file's model builds on, and `Localized` text in both languages.
Every text field passes `characters.clean_text` (NFC, no control characters) and a length
by its kind; every number its kind's decimals and magnitude (`limits.py`).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from ..characters import clean_text
from ..limits import (
    FIRST_DAY,
    LAST_DAY,
    MAX_CODE_CHARS,
    MAX_COUNT,
    MAX_LINE_CHARS,
    MAX_MONEY,
    MAX_PARAGRAPH_CHARS,
    MAX_PRICE,
    MAX_QUANTITY,
    MONEY_DECIMALS,
    PERCENT_DECIMALS,
    PRICE_DECIMALS,
    QUANTITY_DECIMALS,
)

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
    if not isinstance(value, date):
        text = _number_as_text(value)
        if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(f"must be a date written as YYYY-MM-DD, got {text!r}")
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text} is not a real date") from None
    # Validity and terms are added to dates: bounded years keep every sum a real date.
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(
            f"{value} is outside the dates offergen accepts ({FIRST_DAY} to {LAST_DAY})"
        )
    return value


def _whole(value: Any) -> Any:
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise ValueError(f"must be a whole number, got {value}")
    return value


# Text by kind: a code or requisite, one line of a document, running text.
Code = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=MAX_CODE_CHARS)]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=MAX_LINE_CHARS)]
Paragraph = Annotated[
    str, BeforeValidator(_text), Field(min_length=1, max_length=MAX_PARAGRAPH_CHARS)
]
Id = Annotated[str, BeforeValidator(_number_as_text), Field(pattern=ID_PATTERN)]
Flag = Annotated[bool, Strict()]
Day = Annotated[date, BeforeValidator(_iso_date)]
Count = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=MAX_COUNT)]


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


# A unit price: documents print it with the decimals it has, so every line recomputes.
Price = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, le=MAX_PRICE, decimal_places=PRICE_DECIMALS, allow_inf_nan=False),
]
# An amount (a credit limit, a year's purchases): kopecks, up to what words can state.
Money = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, le=MAX_MONEY, decimal_places=MONEY_DECIMALS, allow_inf_nan=False),
]
Quantity = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(gt=0, le=MAX_QUANTITY, decimal_places=QUANTITY_DECIMALS, allow_inf_nan=False),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, le=100, decimal_places=PERCENT_DECIMALS, allow_inf_nan=False),
]
# Where a discount tier starts: an amount, a quantity or a percent; the scheme's basis
# narrows it to that kind's decimals (`Scheme.problems`).
Threshold = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, le=MAX_MONEY, decimal_places=QUANTITY_DECIMALS, allow_inf_nan=False),
]
VatRate = Annotated[int | str, BeforeValidator(_vat_rate)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(Model):
    """Text in Russian and English; a plain string means the same text in both."""

    ru: Text | None = Field(default=None, description="The text in Russian documents.")
    en: Text | None = Field(default=None, description="The text in English documents.")

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


class LocalizedParagraph(Localized):
    """Running text (a description, a note, a clause) in Russian and English."""

    ru: Paragraph | None = Field(default=None, description="The text in Russian documents.")
    en: Paragraph | None = Field(default=None, description="The text in English documents.")
