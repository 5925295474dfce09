"""Goods and services on real output: a supply contract whose specification has service
lines (a catalog item of kind service, or an ad-hoc line with a service unit such as
усл.) gets the supply library's clause payment.services with the services' own total from
pricing, and a review warning that names it and the services contract as the way out.

Each test works on a copy of the example workspace, never on the checkout's files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offergen.formatting import format_money
from offergen.models import Localized, service_unit

from .conftest import ROOT, built_texts, copy_workspace, load_strict, run

OFFER = "acme-2026-001"  # its last line: «Шеф-монтаж насосного оборудования», усл.
CONTRACT = 'contract:\n  type: supply\n  number: "2026/030"\n  city: Москва\n'


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = copy_workspace(ROOT, tmp_path / "example")
    path = root / "offers" / f"{OFFER}.yaml"
    path.write_text(path.read_text("utf-8") + CONTRACT, "utf-8")
    return root


def _contract_texts(example: Path) -> list[str]:
    return built_texts(example, OFFER, "contract")


def _findings(example: Path) -> list[dict[str, str]]:
    result = run("-C", example, "review", "--json", OFFER)
    findings: list[dict[str, str]] = json.loads(result.stdout)
    return findings


def test_the_contract_states_the_services_total_from_pricing(example: Path) -> None:
    services = load_strict(example).price(OFFER).services
    assert services is not None
    gross = format_money(services.gross, "RUB", "ru").replace("\u00a0", " ")
    vat = format_money(services.vat, "RUB", "ru").replace("\u00a0", " ")
    for text in _contract_texts(example):
        assert (
            "3.3. Общая стоимость Товара включает стоимость работ (услуг), указанных в "
            f"Спецификации, в том числе по монтажу и пусконаладке Товара, — {gross}, в том "
            f"числе НДС — {vat}."
        ) in text
        assert "Шеф-монтаж насосного оборудования" in text  # in the specification, too


def test_the_service_line_gets_a_review_warning_with_the_way_out(example: Path) -> None:
    found = [f for f in _findings(example) if f["field"] == "items[4]"]
    assert found == [
        {
            "offer": OFFER,
            "severity": "warning",
            "path": f"offers/{OFFER}.yaml",
            "line": 17,
            "column": 5,
            "field": "items[4]",
            "message": "a service (its unit «усл.») in a supply contract: clause 3.3 "
            "(payment.services) states the services' total within the price of the Goods; for "
            "work beyond installation and commissioning, move these lines into an offer of "
            "their own with contract.type: services",
        }
    ]


def test_a_catalog_item_of_kind_service_is_a_service(example: Path) -> None:
    path = example / "offers" / f"{OFFER}.yaml"
    path.write_text(path.read_text("utf-8").replace("sku: handbook", "sku: commissioning"), "utf-8")
    messages = [f["message"] for f in _findings(example) if f["field"] == "items[3]"]
    assert len(messages) == 1
    assert messages[0].startswith("a service (kind: service in catalog.yaml) in a supply contract")


def test_goods_alone_have_no_services_clause(example: Path) -> None:
    path = example / "offers" / f"{OFFER}.yaml"
    text = path.read_text("utf-8")
    service = text[text.index("  - name: Шеф-монтаж") : text.index("discount: 3")]
    path.write_text(text.replace(service, ""), "utf-8")
    for contract in _contract_texts(example):
        assert "стоимость работ (услуг)" not in contract
    assert not [f for f in _findings(example) if "a service" in f["message"]]


def test_a_services_contract_takes_services_without_a_warning() -> None:
    result = run("-C", ROOT, "review", "--json", "kuznetsova-2026-002")
    assert not [f for f in json.loads(result.stdout) if "a service" in f["message"]]


@pytest.mark.parametrize(
    ("ru", "en", "service"),
    [("усл.", "service", True), ("Усл. ", None, True), (None, "job", True), ("шт.", "pcs", False)],
)
def test_service_units(ru: str | None, en: str | None, service: bool) -> None:
    assert service_unit(Localized(ru=ru, en=en)) is service
