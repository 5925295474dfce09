"""The documented limits: every one a located error from `check`, never an internal error."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from offergen import limits

from .conftest import docx_text, run

Write = Callable[[str, str], Path]
OFFER = "number: КП-1\nclient: acme\ndate: 2026-11-28\n"
ITEMS = "items:\n  - sku: pump\n    qty: 2\n"
SUMMARY = "1 error in 1 file; 1 of 1 offers blocked (a-1)."


def check(workspace: Path) -> list[str]:
    result = run("-C", workspace, "check", "--today", "2026-11-28")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    return result.stderr.splitlines()


def test_a_one_megabyte_string_is_refused_where_it_stands(scratch: Path, write: Write) -> None:
    client = (scratch / "clients" / "acme.yaml").read_text("utf-8")
    write("clients/acme.yaml", client.replace("г. Москва, ул. Тверская, д. 7", "d" * 1_000_000))
    assert check(scratch) == [
        "clients/acme.yaml:6:10: address: is longer than 500 characters (1000000)",
        SUMMARY,
    ]


def test_a_file_over_the_size_cap_is_refused_before_parsing(scratch: Path, write: Write) -> None:
    write("offers/a-1.yaml", OFFER + ITEMS + "#" * limits.MAX_FILE_BYTES)
    assert check(scratch) == ["offers/a-1.yaml:1:1: file is larger than 1048576 bytes", SUMMARY]


@pytest.mark.parametrize(
    ("written", "where", "most"),
    [
        ("number: {}", "6:9: number", limits.MAX_CODE_CHARS),
        ("terms: {{delivery_place: {}}}", "7:25: terms.delivery_place", limits.MAX_LINE_CHARS),
        ("intro: {}", "7:8: intro", limits.MAX_PARAGRAPH_CHARS),
    ],
)
def test_text_lengths_by_kind(
    scratch: Path, write: Write, written: str, where: str, most: int
) -> None:
    body = OFFER.replace("number: КП-1\n", "") if where.endswith("number") else OFFER
    write("offers/a-1.yaml", body + ITEMS + written.format("я" * most) + "\n")
    assert run("-C", scratch, "check", "--today", "2026-11-28").exit_code == 0
    write("offers/a-1.yaml", body + ITEMS + written.format("я" * (most + 1)) + "\n")
    assert check(scratch) == [
        f"offers/a-1.yaml:{where}: is longer than {most} characters ({most + 1})",
        SUMMARY,
    ]


@pytest.mark.parametrize(
    ("nested", "column"),
    [
        ("[" * 5000 + "]" * 5000, 39),
        ("{a: " * 1000 + "1" + "}" * 1000, 132),
    ],
    ids=["5000 lists", "1000 mappings"],
)
def test_deep_nesting_is_refused_before_the_composer_recurses(
    scratch: Path, write: Write, nested: str, column: int
) -> None:
    write("offers/a-1.yaml", OFFER + ITEMS + f"intro: {nested}\n")
    assert check(scratch) == [
        f"offers/a-1.yaml:7:{column}: lists and mappings nested more than 32 levels deep; "
        "no workspace file needs that many",
        SUMMARY,
    ]


def test_an_offer_of_twenty_thousand_lines_is_refused_at_once(scratch: Path, write: Write) -> None:
    write("offers/a-1.yaml", OFFER + "items:\n" + "  - {sku: pump, qty: 1}\n" * 20_000)
    started = time.monotonic()
    assert check(scratch) == [
        "offers/a-1.yaml:5:3: items: has 20000 entries; at most 1000 are allowed",
        SUMMARY,
    ]
    assert time.monotonic() - started < 30


def built_proposal(workspace: Path) -> str:
    result = run("-C", workspace, "build", "--format", "docx")
    assert result.exit_code == 0, result.output
    return docx_text(workspace / "out" / "a-1" / "proposal.docx")


def test_an_offer_of_the_most_lines_builds(scratch: Path, write: Write) -> None:
    write("offers/a-1.yaml", OFFER + "items:\n" + "  - {sku: pump, qty: 1}\n" * 1000)
    text = built_proposal(scratch)
    assert "1000\tНасос\tшт.\t1\t1\xa0000,00\t—\t1\xa0000,00" in text


@pytest.mark.parametrize("day", ["9999-12-20", "1999-12-31"])
def test_dates_outside_the_accepted_years(scratch: Path, write: Write, day: str) -> None:
    write("offers/a-1.yaml", OFFER.replace("2026-11-28", day) + ITEMS)
    assert check(scratch) == [
        f"offers/a-1.yaml:3:7: date: {day} is outside the dates offergen accepts "
        "(2000-01-01 to 2100-12-31)",
        SUMMARY,
    ]


def test_the_last_accepted_day_plus_the_longest_validity_is_a_real_date(
    scratch: Path, write: Write
) -> None:
    config = (scratch / "offergen.yaml").read_text("utf-8")
    write("offergen.yaml", config.replace("validity_days: 30", "validity_days: 3650"))
    write("offers/a-1.yaml", OFFER.replace("2026-11-28", "2100-12-31") + ITEMS)
    text = built_proposal(scratch)
    assert "Предложение действительно до «29» декабря 2110\xa0г." in text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("    qty: 1000000000", "items[0].qty: must be at most 999999999.999, got 1000000000"),
        ("    qty: 0.0001", "items[0].qty: at most 3 digits after the point"),
        ("    qty: 1\n    discount: 2.505", "items[0].discount: at most 2 digits after the point"),
        ("    qty: 1\n    discount: 100.01", "items[0].discount: must be at most 100, got 100.01"),
    ],
)
def test_numbers_of_an_offer_line(scratch: Path, write: Write, line: str, message: str) -> None:
    write("offers/a-1.yaml", OFFER + "items:\n  - sku: pump\n" + line + "\n")
    (problem, summary) = check(scratch)
    assert problem.startswith("offers/a-1.yaml:")
    assert problem.split(": ", 1)[1] == message
    assert summary == SUMMARY


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("0.12345", "items[0].price: at most 4 digits after the point"),
        ("1000000000000", "items[0].price: must be at most 999999999999.9999, got 1000000000000"),
    ],
)
def test_unit_prices(scratch: Path, write: Write, price: str, message: str) -> None:
    catalog = (scratch / "catalog.yaml").read_text("utf-8")
    write("catalog.yaml", catalog.replace("price: 1000.00", f"price: {price}"))
    assert check(scratch) == [f"catalog.yaml:5:12: {message}", SUMMARY]


def test_amounts_take_kopecks_up_to_what_words_can_state(scratch: Path, write: Write) -> None:
    client = (scratch / "clients" / "acme.yaml").read_text("utf-8")
    write("clients/acme.yaml", client + "reliability: {credit_limit: 1000.005}\n")
    assert check(scratch) == [
        "clients/acme.yaml:8:29: reliability.credit_limit: at most 2 digits after the point",
        SUMMARY,
    ]
    write("clients/acme.yaml", client + "turnover: {2025: 1000000000000000}\n")
    assert check(scratch) == [
        "clients/acme.yaml:8:18: turnover.2025: must be at most 999999999999999.99, "
        "got 1000000000000000",
        SUMMARY,
    ]


def test_days_and_months(scratch: Path, write: Write) -> None:
    write("offers/a-1.yaml", OFFER + ITEMS + "terms: {warranty_months: 3651}\n")
    assert check(scratch) == [
        "offers/a-1.yaml:7:26: terms.warranty_months: must be at most 3650, got 3651",
        SUMMARY,
    ]


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (
            "basis: order_total, tiers: [{from: 1" + "0" * 39 + ", percent: 3}]",
            "must be at most 999999999999999.99, got 1" + "0" * 39,
        ),
        (
            "basis: order_total, tiers: [{from: 1000.001, percent: 3}]",
            "this scheme's basis (order_total) measures amounts: at most 2 digits after the point",
        ),
        (
            "basis: line_qty, tiers: [{from: 0.0005, percent: 3}]",
            "at most 3 digits after the point",
        ),
        (
            "basis: line_qty, tiers: [{from: 1000000000, percent: 3}]",
            "this scheme's basis (line_qty) measures quantities: must be at most "
            "999999999.999, got 1000000000",
        ),
        (
            "basis: prepayment, tiers: [{from: 100.5, percent: 3}]",
            "this scheme's basis (prepayment) measures percents: must be at most 100, got 100.5",
        ),
    ],
)
def test_tier_thresholds_by_what_they_measure(
    scratch: Path, write: Write, scheme: str, message: str
) -> None:
    write("discounts.yaml", f"schemes:\n  s: {{title: S, {scheme}}}\n")
    write("offers/a-1.yaml", OFFER + "schemes: [s]\n" + ITEMS)
    (problem, summary) = check(scratch)
    assert problem.startswith("discounts.yaml:2:")
    assert problem.split(": ", 2)[1:] == ["schemes.s.tiers[0].from", message]
    assert summary == SUMMARY
