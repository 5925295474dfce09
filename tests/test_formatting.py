"""Exact strings for money, numbers, percents, dates and amounts in words (ru, en)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from offergen.formatting import (
    amount_in_words,
    currency_supported,
    format_amount,
    format_date,
    format_money,
    format_number,
    format_percent,
    round_money,
)

NBSP = "\u00a0"
D = Decimal

# --------------------------------------------------------------------------- round_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.125"), D("0.13")),  # half-even would give 0.12
        (D("2.665"), D("2.67")),  # half-even would give 2.66
        (D("-2.665"), D("-2.67")),
        (D("0.135"), D("0.14")),
        (D("2.664999"), D("2.66")),
        (D("1234567.89"), D("1234567.89")),
        (D("222627.0016"), D("222627.00")),
        (D("5"), D("5.00")),
        (7, D("7.00")),
        (D("-0.001"), D("0.00")),
    ],
)
def test_round_money(value: Decimal, expected: Decimal) -> None:
    result = round_money(value)
    assert result == expected
    assert str(result) == str(expected)  # exactly two places, no "-0.00"


def test_round_money_vat_example() -> None:
    # DOMAIN.md: 1 234 567,89 ₽ including VAT 22 % contains 222 627,00 ₽ of VAT.
    vat = round_money(D("1234567.89") * 22 / 122)
    assert vat == D("222627.00")
    assert format_money(vat, "RUB", "ru") == f"222{NBSP}627,00{NBSP}₽"


# --------------------------------------------------------------------------- format_money


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (D("1234567.89"), "RUB", "ru", f"1{NBSP}234{NBSP}567,89{NBSP}₽"),
        (D("222627"), "RUB", "ru", f"222{NBSP}627,00{NBSP}₽"),
        (D("1350"), "EUR", "ru", f"1{NBSP}350,00{NBSP}€"),
        (D("1350"), "USD", "ru", f"1{NBSP}350,00{NBSP}$"),
        (D("999.5"), "RUB", "ru", f"999,50{NBSP}₽"),
        (D("0"), "RUB", "ru", f"0,00{NBSP}₽"),
        (D("0.125"), "RUB", "ru", f"0,13{NBSP}₽"),  # Babel alone prints 0,12
        (D("2.665"), "EUR", "ru", f"2,67{NBSP}€"),
        (D("-1350"), "RUB", "ru", f"-1{NBSP}350,00{NBSP}₽"),
        (D("-0.001"), "RUB", "ru", f"0,00{NBSP}₽"),
        (D("1234567.89"), "RUB", "en", f"RUB{NBSP}1,234,567.89"),
        (D("-1350"), "RUB", "en", f"-RUB{NBSP}1,350.00"),
        (D("1350"), "EUR", "en", "€1,350.00"),
        (D("1350"), "USD", "en", "$1,350.00"),
        (D("0.125"), "USD", "en", "$0.13"),
        (D("2.665"), "USD", "en", "$2.67"),
        (12, "USD", "en", "$12.00"),
    ],
)
def test_format_money(amount: Decimal, currency: str, locale: Any, expected: str) -> None:
    assert format_money(amount, currency, locale) == expected


@pytest.mark.parametrize(
    ("amount", "locale", "money", "cell"),
    [
        (D("0.125"), "ru", f"0,125{NBSP}₽", "0,125"),
        (D("0.1250"), "en", f"RUB{NBSP}0.125", "0.125"),
        (D("1234.5678"), "ru", f"1{NBSP}234,5678{NBSP}₽", f"1{NBSP}234,5678"),
        (D("1000.5"), "ru", f"1{NBSP}000,50{NBSP}₽", f"1{NBSP}000,50"),
        (D("100"), "en", f"RUB{NBSP}100.00", "100.00"),
        (D("0.00005"), "ru", f"0,0001{NBSP}₽", "0,0001"),  # half-up to four decimals
    ],
)
def test_unit_prices_print_the_decimals_they_have(
    amount: Decimal, locale: Any, money: str, cell: str
) -> None:
    assert format_money(amount, "RUB", locale, max_decimals=4) == money
    assert format_amount(amount, locale, max_decimals=4) == cell


def test_money_takes_two_decimals_at_least() -> None:
    with pytest.raises(ValueError, match="max_decimals"):
        format_money(D("1"), "RUB", "ru", max_decimals=1)


# --------------------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (D("4"), "ru", "4"),
        (D("4.000"), "ru", "4"),
        (D("2.5"), "ru", "2,5"),
        (D("2.50"), "en", "2.5"),
        (D("1234.125"), "ru", f"1{NBSP}234,125"),
        (D("1234.125"), "en", "1,234.125"),
        (D("1000"), "ru", f"1{NBSP}000"),
        (D("1E+3"), "en", "1,000"),
        (D("0.0005"), "ru", "0,001"),  # half-up; half-even would give 0
        (D("2.0015"), "ru", "2,002"),
        (D("-1234.5"), "ru", f"-1{NBSP}234,5"),
        (D("-0.0001"), "ru", "0"),
        (3, "en", "3"),
    ],
)
def test_format_number(value: Decimal, locale: Any, expected: str) -> None:
    assert format_number(value, locale) == expected


@pytest.mark.parametrize(
    ("value", "max_decimals", "expected"),
    [
        (D("2.25"), 1, "2,3"),
        (D("2.25"), 0, "2"),
        (D("2.5"), 0, "3"),
        (D("1.23456"), 5, "1,23456"),
    ],
)
def test_format_number_max_decimals(value: Decimal, max_decimals: int, expected: str) -> None:
    assert format_number(value, "ru", max_decimals) == expected


def test_format_number_rejects_negative_max_decimals() -> None:
    with pytest.raises(ValueError, match="max_decimals"):
        format_number(D("1"), "ru", -1)


# --------------------------------------------------------------------------- format_percent


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (D("22"), "ru", f"22{NBSP}%"),
        (D("22"), "en", "22%"),
        (D("10"), "ru", f"10{NBSP}%"),
        (D("0"), "ru", f"0{NBSP}%"),
        (D("7.85"), "ru", f"7,85{NBSP}%"),
        (D("7.85"), "en", "7.85%"),
        (D("7.50"), "ru", f"7,5{NBSP}%"),
        (D("22.00"), "en", "22%"),
        (D("0.125"), "ru", f"0,13{NBSP}%"),  # half-up
        (D("12.345"), "en", "12.35%"),
        (D("1500"), "ru", f"1{NBSP}500{NBSP}%"),
    ],
)
def test_format_percent(value: Decimal, locale: Any, expected: str) -> None:
    assert format_percent(value, locale) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("13.30528"), f"13,30528{NBSP}%"), (D("5.00"), f"5{NBSP}%"), (D("12"), f"12{NBSP}%")],
)
def test_a_percent_with_every_decimal_it_has(value: Decimal, expected: str) -> None:
    assert format_percent(value, "ru", max_decimals=None) == expected


# --------------------------------------------------------------------------- format_date

RU_GENITIVE = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@pytest.mark.parametrize("month", range(1, 13))
def test_format_date_every_month(month: int) -> None:
    value = date(2026, month, 28)
    genitive = RU_GENITIVE[month - 1]
    assert format_date(value, "ru") == f"«28» {genitive} 2026{NBSP}г."
    assert format_date(value, "en") == f"{EN_MONTHS[month - 1]} 28, 2026"
    assert format_date(value, "ru", "numeric") == f"28.{month:02d}.2026"
    assert format_date(value, "en", "numeric") == f"2026-{month:02d}-28"


@pytest.mark.parametrize(
    ("value", "locale", "style", "expected"),
    [
        (date(2026, 11, 28), "ru", "long", f"«28» ноября 2026{NBSP}г."),
        (date(2026, 12, 1), "ru", "long", f"«01» декабря 2026{NBSP}г."),
        (date(2026, 12, 1), "en", "long", "December 1, 2026"),
        (date(2026, 3, 5), "ru", "numeric", "05.03.2026"),
        (date(2026, 3, 5), "en", "numeric", "2026-03-05"),
        (datetime(2026, 3, 5, 23, 59), "en", "numeric", "2026-03-05"),
        (datetime(2026, 3, 5, 23, 59), "ru", "long", f"«05» марта 2026{NBSP}г."),
    ],
)
def test_format_date(value: date, locale: Any, style: Any, expected: str) -> None:
    assert format_date(value, locale, style) == expected


def test_format_date_rejects_unknown_style_and_type() -> None:
    with pytest.raises(ValueError, match="style"):
        format_date(date(2026, 1, 1), "ru", "short")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="date"):
        format_date("2026-01-01", "ru")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- amount in words, ru


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # DOMAIN.md examples
        ("1200000", "Один миллион двести тысяч рублей 00 копеек"),
        ("1001.01", "Одна тысяча один рубль 01 копейка"),
        ("17561.63", "Семнадцать тысяч пятьсот шестьдесят один рубль 63 копейки"),
        (
            "1234567.89",
            "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек",
        ),
        ("125000", "Сто двадцать пять тысяч рублей 00 копеек"),
        ("222627.00", "Двести двадцать две тысячи шестьсот двадцать семь рублей 00 копеек"),
        ("0", "Ноль рублей 00 копеек"),
        ("0.00", "Ноль рублей 00 копеек"),
        # plural forms of рубль
        ("1", "Один рубль 00 копеек"),
        ("2", "Два рубля 00 копеек"),
        ("5", "Пять рублей 00 копеек"),
        ("11", "Одиннадцать рублей 00 копеек"),
        ("12", "Двенадцать рублей 00 копеек"),
        ("14", "Четырнадцать рублей 00 копеек"),
        ("21", "Двадцать один рубль 00 копеек"),
        ("22", "Двадцать два рубля 00 копеек"),
        ("25", "Двадцать пять рублей 00 копеек"),
        ("101", "Сто один рубль 00 копеек"),
        ("111", "Сто одиннадцать рублей 00 копеек"),
        # тысяча is feminine
        ("1000", "Одна тысяча рублей 00 копеек"),
        ("2000", "Две тысячи рублей 00 копеек"),
        ("5000", "Пять тысяч рублей 00 копеек"),
        ("21000", "Двадцать одна тысяча рублей 00 копеек"),
        ("1001001", "Один миллион одна тысяча один рубль 00 копеек"),
        # kopeck plurals
        ("0.01", "Ноль рублей 01 копейка"),
        ("0.02", "Ноль рублей 02 копейки"),
        ("0.05", "Ноль рублей 05 копеек"),
        ("0.11", "Ноль рублей 11 копеек"),
        ("0.21", "Ноль рублей 21 копейка"),
        ("0.5", "Ноль рублей 50 копеек"),
        # rounding half-up before pytils (which rounds half-even)
        ("0.125", "Ноль рублей 13 копеек"),
        ("2.665", "Два рубля 67 копеек"),
        ("0.995", "Один рубль 00 копеек"),
        # millions, billions, trillions
        ("2000000", "Два миллиона рублей 00 копеек"),
        ("5000000", "Пять миллионов рублей 00 копеек"),
        ("1000000000", "Один миллиард рублей 00 копеек"),
        ("3000000002", "Три миллиарда два рубля 00 копеек"),
        (
            "999999999999",
            "Девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов "
            "девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 00 копеек",
        ),
        ("1000000000000", "Один триллион рублей 00 копеек"),
        ("2000000000001.01", "Два триллиона один рубль 01 копейка"),
        ("5000001000000", "Пять триллионов один миллион рублей 00 копеек"),
        (
            "999999999999999.99",
            "Девятьсот девяносто девять триллионов девятьсот девяносто девять миллиардов "
            "девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч "
            "девятьсот девяносто девять рублей 99 копеек",
        ),
    ],
)
def test_amount_in_words_ru_rub(amount: str, expected: str) -> None:
    assert amount_in_words(D(amount), "RUB", "ru") == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1", "EUR", "Один евро 00 центов"),
        ("2", "EUR", "Два евро 00 центов"),
        ("5.50", "EUR", "Пять евро 50 центов"),
        ("1350", "EUR", "Одна тысяча триста пятьдесят евро 00 центов"),
        ("21.01", "EUR", "Двадцать один евро 01 цент"),
        ("22.02", "EUR", "Двадцать два евро 02 цента"),
        ("1", "USD", "Один доллар 00 центов"),
        ("2.01", "USD", "Два доллара 01 цент"),
        ("5.03", "USD", "Пять долларов 03 цента"),
        ("11.11", "USD", "Одиннадцать долларов 11 центов"),
        ("21000.21", "USD", "Двадцать одна тысяча долларов 21 цент"),
    ],
)
def test_amount_in_words_ru_other_currencies(amount: str, currency: str, expected: str) -> None:
    assert amount_in_words(D(amount), currency, "ru") == expected


# --------------------------------------------------------------------------- amount in words, en


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (
            "1234567.89",
            "RUB",
            "One million two hundred thirty-four thousand five hundred sixty-seven rubles "
            "89 kopecks",
        ),
        ("1", "RUB", "One ruble 00 kopecks"),
        ("1.01", "RUB", "One ruble 01 kopeck"),
        ("2.02", "RUB", "Two rubles 02 kopecks"),
        ("0", "RUB", "Zero rubles 00 kopecks"),
        ("0.21", "RUB", "Zero rubles 21 kopecks"),
        ("1350", "EUR", "One thousand three hundred fifty euros 00 cents"),
        ("1", "EUR", "One euro 00 cents"),
        ("0.50", "EUR", "Zero euros 50 cents"),
        ("2.01", "USD", "Two dollars 01 cent"),
        ("1.99", "USD", "One dollar 99 cents"),
        # number-word edge cases
        ("15", "USD", "Fifteen dollars 00 cents"),
        ("40", "USD", "Forty dollars 00 cents"),
        ("99", "USD", "Ninety-nine dollars 00 cents"),
        ("100", "USD", "One hundred dollars 00 cents"),
        ("101", "USD", "One hundred one dollars 00 cents"),
        ("110", "USD", "One hundred ten dollars 00 cents"),
        ("119", "USD", "One hundred nineteen dollars 00 cents"),
        ("1000", "USD", "One thousand dollars 00 cents"),
        ("1001", "USD", "One thousand one dollars 00 cents"),
        ("1000001", "USD", "One million one dollars 00 cents"),
        ("1000000000", "USD", "One billion dollars 00 cents"),
        ("2000000000020", "USD", "Two trillion twenty dollars 00 cents"),
        ("0.125", "USD", "Zero dollars 13 cents"),  # half-up
        (
            "999999999999999.99",
            "USD",
            "Nine hundred ninety-nine trillion nine hundred ninety-nine billion "
            "nine hundred ninety-nine million nine hundred ninety-nine thousand "
            "nine hundred ninety-nine dollars 99 cents",
        ),
    ],
)
def test_amount_in_words_en(amount: str, currency: str, expected: str) -> None:
    assert amount_in_words(D(amount), currency, "en") == expected


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize("amount", [D("-0.01"), D("-1"), D("-1000000")])
def test_amount_in_words_rejects_negative(amount: Decimal, locale: Any) -> None:
    with pytest.raises(ValueError, match="negative"):
        amount_in_words(amount, "RUB", locale)


@pytest.mark.parametrize("amount", [D("1000000000000000"), D("999999999999999.995")])
def test_amount_in_words_rejects_too_large(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="too large"):
        amount_in_words(amount, "RUB", "ru")


@pytest.mark.parametrize("code", ["GBP", "rub", "", "RUR"])
def test_unsupported_currency(code: str) -> None:
    assert currency_supported(code) is False
    with pytest.raises(ValueError, match=repr(code)):
        amount_in_words(D("1"), code, "ru")
    with pytest.raises(ValueError, match=repr(code)):
        format_money(D("1"), code, "en")


@pytest.mark.parametrize("code", ["RUB", "EUR", "USD"])
def test_supported_currency(code: str) -> None:
    assert currency_supported(code) is True


@pytest.mark.parametrize(
    "call",
    [
        lambda: round_money(2.665),  # type: ignore[arg-type]
        lambda: format_money(1.5, "RUB", "ru"),  # type: ignore[arg-type]
        lambda: format_number(2.5, "ru"),  # type: ignore[arg-type]
        lambda: format_percent(22.0, "ru"),  # type: ignore[arg-type]
        lambda: amount_in_words(1.0, "RUB", "ru"),  # type: ignore[arg-type]
    ],
    ids=["round_money", "format_money", "format_number", "format_percent", "amount_in_words"],
)
def test_float_rejected(call: Any) -> None:
    with pytest.raises(TypeError, match="float"):
        call()


@pytest.mark.parametrize("value", ["1.00", None, True])
def test_non_decimal_rejected(value: Any) -> None:
    with pytest.raises(TypeError):
        round_money(value)


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), D("-Infinity")])
def test_non_finite_rejected(value: Decimal) -> None:
    with pytest.raises(ValueError, match="finite"):
        format_money(value, "RUB", "ru")


def test_unknown_locale_rejected() -> None:
    with pytest.raises(ValueError, match="locale"):
        format_money(D("1"), "RUB", "de")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="locale"):
        amount_in_words(D("1"), "RUB", "de")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="locale"):
        format_date(date(2026, 1, 1), "de")  # type: ignore[arg-type]
