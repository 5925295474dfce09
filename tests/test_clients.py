"""`offergen clients`: the client base with its open offers, money in the workspace's
locale, JSON with plain decimal strings, and the problems marked as `status` marks them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, copy_workspace, run

NBSP = "\u00a0"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_workspace(ROOT, tmp_path / "example")


def rows_of(workspace: Path, today: str = "2026-12-01") -> dict[str, dict[str, Any]]:
    result = run("-C", workspace, "clients", "--json", "--today", today)
    assert result.exit_code == 0, result.output
    return {row["client"]: row for row in json.loads(result.stdout)}


def gross(workspace: Path, *offers: str) -> Decimal:
    """The sum of the offers' gross totals as `price --json` gives them."""
    prices = [json.loads(run("-C", workspace, "price", o, "--json").stdout) for o in offers]
    return sum((Decimal(p["totals"]["gross"]) for p in prices), Decimal(0))


def test_the_json_rows_keep_plain_decimal_strings(example: Path) -> None:
    rows = rows_of(example)
    assert list(rows) == ["acme", "kuznetsova", "nordic-pumps", "tula-water"]
    assert rows["acme"] == {
        "client": "acme",
        "name": 'ООО «Акме & Партнёры» "Северо-Запад"',
        "kind": "company",
        "inn": "7703123457",
        "tier": "gold",
        "rating": "A",
        "credit_limit": "1500000",
        "credit_currency": "RUB",
        "open_offers": 2,
        "open_gross": {"RUB": "1590006.37"},
        "invalid_offers": [],
        "status": "ok",
        "problem": None,
    }
    assert Decimal("1590006.37") == gross(example, "acme-2026-001", "acme-2026-005")
    nordic = rows["nordic-pumps"]
    assert (nordic["kind"], nordic["inn"], nordic["tier"]) == ("foreign", None, None)
    assert (nordic["credit_limit"], nordic["credit_currency"]) == ("20000", "EUR")
    assert nordic["open_gross"] == {"EUR": format(gross(example, "nordic-2026-003"), "f")}
    assert rows["kuznetsova"]["credit_limit"] is None
    # tula-2026-004 (sent) and tula-2026-006 (draft) are both still open
    assert rows["tula-water"]["open_offers"] == 2


def test_expired_and_closed_offers_are_not_open(example: Path) -> None:
    rows = rows_of(example, today="2027-01-10")
    # Only nordic-2026-003 (valid until 2027-01-15) is still open on that day.
    assert {cid: row["open_offers"] for cid, row in rows.items()} == {
        "acme": 0,
        "kuznetsova": 0,
        "nordic-pumps": 1,
        "tula-water": 0,
    }
    assert rows["acme"]["open_gross"] == {}
    offer = example / "offers" / "nordic-2026-003.yaml"
    offer.write_text(offer.read_text("utf-8").replace("status: draft", "status: rejected"))
    assert rows_of(example, today="2027-01-10")["nordic-pumps"]["open_offers"] == 0


def test_the_table_prints_money_in_the_workspace_locale(example: Path) -> None:
    result = run("-C", example, "clients", "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        *("client", "kind", "ИНН", "tier", "rating", "credit", "limit", "open", "open", "sum")
    ]
    acme = lines[2]
    assert acme.split("  ")[0] == "acme"
    assert f"1{NBSP}500{NBSP}000,00{NBSP}₽" in acme
    assert acme.endswith(f"  2  1{NBSP}590{NBSP}006,37{NBSP}₽")
    assert f"20{NBSP}000,00{NBSP}€" in lines[4]
    assert "invalid" not in result.stdout

    config = example / "offergen.yaml"
    config.write_text(config.read_text("utf-8").replace("locale: ru ", "locale: en "), "utf-8")
    english = run("-C", example, "clients", "--today", "2026-12-01").stdout.splitlines()
    assert f"RUB{NBSP}1,500,000.00" in english[2]
    assert english[2].endswith(f"  2  RUB{NBSP}1,590,006.37")
    assert "€20,000.00" in english[4]


def test_a_broken_card_and_its_offers_are_marked_invalid(example: Path) -> None:
    card = example / "clients" / "kuznetsova.yaml"
    card.write_text(card.read_text("utf-8").replace('"502412345682"', '"502412345683"'), "utf-8")
    (example / "clients" / "broken.yaml").write_text("name: [\n", "utf-8")
    rows = rows_of(example)
    kuznetsova = rows["kuznetsova"]
    assert kuznetsova["status"] == "invalid"
    assert kuznetsova["problem"].startswith("clients/kuznetsova.yaml:3:6: inn: checksum")
    assert kuznetsova["kind"] == "entrepreneur"  # what the card says is still shown
    assert kuznetsova["open_offers"] == 0
    assert [entry["offer"] for entry in kuznetsova["invalid_offers"]] == ["kuznetsova-2026-002"]
    broken = rows["broken"]
    assert (broken["status"], broken["kind"]) == ("invalid", None)
    assert broken["problem"].startswith("clients/broken.yaml:2:1: ")
    assert rows["acme"]["status"] == "ok"

    table = run("-C", example, "clients", "--today", "2026-12-01").stdout
    body, _, problems = table.partition("\n\ninvalid (offergen check lists every problem):\n")
    assert [line.split()[:2] for line in body.splitlines()[2:]][:2] == [
        ["acme", "company"],
        ["broken", "?"],
    ]
    assert problems.splitlines() == [
        f"broken: {broken['problem']}",
        f"kuznetsova: {kuznetsova['problem']}",
        f"kuznetsova: offer kuznetsova-2026-002: {kuznetsova['invalid_offers'][0]['problem']}",
    ]


def test_without_a_catalog_every_client_is_invalid(example: Path) -> None:
    (example / "catalog.yaml").unlink()
    result = run("-C", example, "clients", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["client"] for row in rows] == ["acme", "kuznetsova", "nordic-pumps", "tula-water"]
    assert {row["status"] for row in rows} == {"invalid"}
    assert {row["problem"] for row in rows} == {
        "catalog.yaml:1:1: file not found; is this an offergen workspace? "
        "(offergen -C DIR points elsewhere)"
    }
