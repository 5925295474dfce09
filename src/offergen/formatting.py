"""Turn decimals and dates into the text a document prints, per locale (ru, en).

Money is always a `decimal.Decimal` (an `int` is accepted too); a `float` raises `TypeError`
so that binary rounding errors can never reach a document. Every rounding here is half-up
to the stated number of places and happens before Babel or pytils see the value, because
both libraries round half-even on their own.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final, Literal, NamedTuple

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_currency as _babel_format_currency
from babel.numbers import format_decimal as _babel_format_decimal
from pytils import numeral  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "MAX_AMOUNT_IN_WORDS",
    "SUPPORTED_CURRENCIES",
    "Locale",
    "amount_in_words",
    "count_noun",
    "currency_supported",
    "format_amount",
    "format_date",
    "format_money",
    "format_number",
    "format_percent",
    "round_money",
]

Locale = Literal["ru", "en"]

_BABEL_LOCALES: Final[dict[str, str]] = {"ru": "ru_RU", "en": "en_US"}
_CENT: Final = Decimal("0.01")
_NBSP: Final = "\u00a0"
# Spaces Babel/CLDR may put into numbers and units; all of them become U+00A0.
_SPACES: Final = ("\u202f", "\u2009", " ")

SUPPORTED_CURRENCIES: Final[tuple[str, ...]] = ("RUB", "EUR", "USD")
MAX_AMOUNT_IN_WORDS: Final = Decimal("999999999999999.99")


# --------------------------------------------------------------------------- guards


def _decimal(value: object, what: str = "value") -> Decimal:
    """Return `value` as a finite Decimal; floats and other types raise TypeError."""
    if isinstance(value, float):
        raise TypeError(f"{what} must be a Decimal, not float ({value!r}); floats lose cents")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, not {result}")
    return result


def _babel_locale(locale: str) -> str:
    try:
        return _BABEL_LOCALES[locale]
    except (KeyError, TypeError):
        raise ValueError(f"unsupported locale {locale!r}; expected 'ru' or 'en'") from None


def _check_currency(code: str) -> None:
    if not currency_supported(code):
        supported = ", ".join(SUPPORTED_CURRENCIES)
        raise ValueError(f"unsupported currency {code!r}; supported: {supported}")


def _quantize(value: Decimal, places: int) -> Decimal:
    exponent = Decimal(1).scaleb(-places)
    try:
        result = value.quantize(exponent, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"{value} has too many digits to round to {places} places") from None
    # Never print "-0,00": a value that rounds to zero is plain zero.
    return result.copy_abs() if result.is_zero() else result


def _nbsp(text: str) -> str:
    for space in _SPACES:
        text = text.replace(space, _NBSP)
    return text


def currency_supported(code: str) -> bool:
    """Whether `code` (an upper-case ISO 4217 code) is one this module can print."""
    return code in SUPPORTED_CURRENCIES


# --------------------------------------------------------------------------- numbers


def round_money(value: Decimal) -> Decimal:
    """Round to kopecks/cents half-up: 2.665 -> 2.67, -2.665 -> -2.67, 0.125 -> 0.13."""
    return _quantize(_decimal(value, "amount"), 2)


def _price(amount: Decimal, max_decimals: int) -> Decimal:
    """Money rounded half-up to `max_decimals` (2 or more), without the zeros that follow
    the second decimal: 0.1250 -> 0.125, 5.5 -> 5.50."""
    if isinstance(max_decimals, bool) or not isinstance(max_decimals, int) or max_decimals < 2:
        raise ValueError(f"max_decimals must be an int of at least 2, not {max_decimals!r}")
    value = _quantize(_decimal(amount, "amount"), max_decimals)
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return value.quantize(Decimal(1).scaleb(-places))


def format_money(amount: Decimal, currency: str, locale: Locale, max_decimals: int = 2) -> str:
    """Print an amount with its currency, with two decimals (rounded half-up), or up to
    `max_decimals` for a unit price, which prints the decimals it has: "0,125 ₽".

    ru: "1 234 567,89 ₽", "1 350,00 €", "1 350,00 $" (U+00A0 between groups and before
    the sign). en: "RUB 1,234,567.89" (U+00A0 after the code), "€1,350.00", "$1,350.00".
    """
    value = _price(amount, max_decimals)
    _check_currency(currency)
    babel_locale = _babel_locale(locale)
    # The value is rounded already; Babel prints every decimal it has, two at least.
    if locale == "en" and currency == "RUB":
        # en_US has no symbol for RUB, and Babel glues the code to the digits ("RUB1.00").
        text = _babel_format_currency(
            value,
            currency,
            format="¤\u00a0#,##0.00",
            locale=babel_locale,
            currency_digits=False,
            decimal_quantization=False,
        )
    else:
        text = _babel_format_currency(
            value, currency, locale=babel_locale, decimal_quantization=False
        )
    return _nbsp(text)


def format_amount(amount: Decimal, locale: Locale, max_decimals: int = 2) -> str:
    """Print money without its currency, as table cells do: "125 000,00" / "125,000.00";
    a unit price with up to `max_decimals`: "0,125"."""
    pattern = "#,##0.00" + "#" * (max_decimals - 2)
    text = _babel_format_decimal(
        _price(amount, max_decimals), format=pattern, locale=_babel_locale(locale)
    )
    return _nbsp(text)


def count_noun(count: int, forms: tuple[str, ...], locale: Locale) -> str:
    """A whole count with its noun agreed: (21, день/дня/дней) -> "21 день"; en: 1 day, 2 days.

    `forms` is (one, few, many) in Russian and (one, other) in English.
    """
    if locale == "ru":
        return f"{count}{_NBSP}{numeral.choose_plural(count, forms)}"
    return f"{count}{_NBSP}{forms[0] if count == 1 else forms[1]}"


def _plain_pattern(max_decimals: int) -> str:
    return "#,##0." + "#" * max_decimals if max_decimals else "#,##0"


def format_number(value: Decimal, locale: Locale, max_decimals: int = 3) -> str:
    """Print a quantity: 4 -> "4", 2.5 -> "2,5"/"2.5", 1234.125 -> "1 234,125"/"1,234.125".

    Rounded half-up to `max_decimals` places; trailing zeros are dropped.
    """
    number = _decimal(value)
    if isinstance(max_decimals, bool) or not isinstance(max_decimals, int) or max_decimals < 0:
        raise ValueError(f"max_decimals must be a non-negative int, not {max_decimals!r}")
    rounded = _quantize(number, max_decimals)
    text = _babel_format_decimal(
        rounded, format=_plain_pattern(max_decimals), locale=_babel_locale(locale)
    )
    return _nbsp(text)


def format_percent(value: Decimal, locale: Locale, max_decimals: int | None = 2) -> str:
    """Print a rate given in percent (22 means 22 %): "22 %"/"22%", "7,85 %"/"7.85%".

    At most `max_decimals` (half-up; None: every decimal the value has), trailing zeros
    dropped; ru puts U+00A0 before "%".
    """
    number = _decimal(value)
    if max_decimals is None:
        exponent = number.as_tuple().exponent
        max_decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    rounded = _quantize(number, max_decimals)
    pattern = _plain_pattern(max_decimals)
    text = _babel_format_decimal(rounded, format=pattern, locale=_babel_locale(locale))
    return _nbsp(text) + (_NBSP + "%" if locale == "ru" else "%")


# --------------------------------------------------------------------------- dates


def format_date(value: date, locale: Locale, style: Literal["long", "numeric"] = "long") -> str:
    """Print a date.

    ru long: "«01» декабря 2026 г." (genitive month, U+00A0 before "г."); ru numeric:
    "01.12.2026". en long: "December 1, 2026"; en numeric: "2026-12-01". A datetime is
    printed by its date.
    """
    if not isinstance(value, date):
        raise TypeError(f"value must be a date, not {type(value).__name__}")
    if isinstance(value, datetime):
        value = value.date()
    babel_locale = _babel_locale(locale)
    if style == "numeric":
        if locale == "ru":
            return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
        return value.isoformat()
    if style != "long":
        raise ValueError(f"unsupported date style {style!r}; expected 'long' or 'numeric'")
    if locale == "ru":
        # MMMM is the "format" context: the genitive (ноября), not the nominative.
        # Plain spaces between words, a no-break space keeps "г." with the year.
        return _babel_format_date(value, "«dd» MMMM y", locale=babel_locale) + "\u00a0г."
    return _babel_format_date(value, "MMMM d, y", locale=babel_locale)


# --------------------------------------------------------------------------- in words


class _Units(NamedTuple):
    ru_major: tuple[str, str, str]  # forms for 1, 2, 5
    ru_minor: tuple[str, str, str]
    en_major: tuple[str, str]  # singular, plural
    en_minor: tuple[str, str]


_UNITS: Final[dict[str, _Units]] = {
    "RUB": _Units(
        ("рубль", "рубля", "рублей"),
        ("копейка", "копейки", "копеек"),
        ("ruble", "rubles"),
        ("kopeck", "kopecks"),
    ),
    "EUR": _Units(
        ("евро", "евро", "евро"),
        ("цент", "цента", "центов"),
        ("euro", "euros"),
        ("cent", "cents"),
    ),
    "USD": _Units(
        ("доллар", "доллара", "долларов"),
        ("цент", "цента", "центов"),
        ("dollar", "dollars"),
        ("cent", "cents"),
    ),
}

# pytils.numeral.sum_string stops below 10**12; trillions are added on top of it.
_TRILLION: Final = 10**12
_RU_TRILLIONS: Final = ("триллион", "триллиона", "триллионов")


def _ru_sum(amount: int, forms: tuple[str, str, str]) -> str:
    """Russian words for `amount` of a masculine unit, with the unit in agreed form."""
    trillions, rest = divmod(amount, _TRILLION)
    if not trillions:
        return str(numeral.sum_string(rest, numeral.MALE, forms))
    head = str(numeral.sum_string(trillions, numeral.MALE, _RU_TRILLIONS))
    if rest:
        return f"{head} {numeral.sum_string(rest, numeral.MALE, forms)}"
    return f"{head} {forms[2]}"


_EN_ONES: Final = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS: Final = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_EN_SCALES: Final = ("", "thousand", "million", "billion", "trillion")


def _en_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{_EN_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{_EN_TENS[tens]}-{_EN_ONES[ones]}" if ones else _EN_TENS[tens])
    elif rest:
        words.append(_EN_ONES[rest])
    return " ".join(words)


def _en_words(n: int) -> str:
    """American English words without "and": 1234 -> "one thousand two hundred thirty-four"."""
    if n == 0:
        return "zero"
    groups: list[str] = []
    for scale in _EN_SCALES:
        n, group = divmod(n, 1000)
        if group:
            groups.append(f"{_en_below_thousand(group)} {scale}".rstrip())
    return " ".join(reversed(groups))


def amount_in_words(amount: Decimal, currency: str, locale: Locale) -> str:
    """Write an amount out for a document, minor units as two digits.

    ru: "Одна тысяча один рубль 01 копейка", "Два евро 50 центов".
    en: "One thousand one rubles 01 kopeck", "Two dollars 01 cent".
    Rounded half-up to 0.01 first; negative amounts and amounts above
    999 999 999 999 999.99 raise ValueError, as does an unsupported currency.
    """
    value = _decimal(amount, "amount")
    if value < 0:
        raise ValueError(f"cannot write a negative amount in words: {value}")
    _check_currency(currency)
    _babel_locale(locale)
    value = _quantize(value, 2)
    if value > MAX_AMOUNT_IN_WORDS:
        raise ValueError(f"amount {value} is too large to write in words")
    major = int(value)
    minor = int((value - major) * 100)
    units = _UNITS[currency]
    if locale == "ru":
        minor_word = numeral.choose_plural(minor, units.ru_minor)
        text = f"{_ru_sum(major, units.ru_major)} {minor:02d} {minor_word}"
    else:
        major_word = units.en_major[0 if major == 1 else 1]
        minor_word = units.en_minor[0 if minor == 1 else 1]
        text = f"{_en_words(major)} {major_word} {minor:02d} {minor_word}"
    return text[0].upper() + text[1:]
