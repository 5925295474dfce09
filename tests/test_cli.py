"""The command line: JSON and table output, exit codes, and no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offergen import cli as cli_module

from .conftest import ROOT, copy_workspace, example_workspace, run


def test_price_json_gives_every_number_as_a_decimal_string() -> None:
    result = run("-C", example_workspace(), "price", "acme-2026-001", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["number"] == "КП-2026-0001"
    assert data["currency"] == "RUB"
    first = data["lines"][0]
    assert first == {
        "sku": "pump-cn100",
        "name": "Насос центробежный ЦН-100",
        "qty": "4",
        "unit": "шт.",
        "unit_price": "125000.00",
        "discount_percent": "7.85",
        "amount": "460750.00",  # 4 × 125 000 × 0,95 × 0,97
        "vat_rate": "22",
        "vat": "83086.07",  # 460 750 × 22 / 122 = 83 086,0655…
        "steps": [
            # 500 000 × 5 % = 25 000; 475 000 × 3 % = 14 250
            {
                "source": "line",
                "level": "line",
                "percent": "5",
                "tier_from": None,
                "amount": "25000.00",
            },
            {
                "source": "order",
                "level": "order",
                "percent": "3",
                "tier_from": None,
                "amount": "14250.00",
            },
        ],
        "skipped": [],
        "clips": [],
    }
    ad_hoc = data["lines"][4]
    assert ad_hoc["sku"] is None and ad_hoc["amount"] == "43650.00"
    assert data["totals"]["gross"] == "646952.05"
    assert data["totals"]["vat"] == "116342.56"
    assert data["totals"]["net"] == "530609.49"
    assert data["totals"]["vat_by_rate"] == {"22": "116016.29", "10": "326.27"}


def test_price_table_shows_lines_and_totals() -> None:
    result = run("-C", example_workspace(), "price", "kuznetsova-2026-002")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "#",
        "item",
        "qty",
        "unit",
        "price",
        "disc.",
        "amount",
        "VAT",
        "rate",
        "VAT",
    ]
    assert "Комплект уплотнений для ЦН-100/160" in result.output
    assert lines[-1].strip() == "gross: 397\u00a0447,96\u00a0₽"  # as the proposal prints it


def test_an_unknown_offer_is_a_clear_error() -> None:
    result = run("-C", example_workspace(), "price", "acme-2026-01")
    assert result.exit_code == 1
    assert (
        result.stderr == "error: no offer 'acme-2026-01' in offers/; did you mean "
        "'acme-2026-001'?\n"
    )
    result = run("-C", example_workspace(), "build", "nope")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("error: no offer 'nope' in offers/")


def test_an_unexpected_failure_prints_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object, **__: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("offergen.check.load_workspace", explode)
    monkeypatch.delenv("OFFERGEN_DEBUG", raising=False)
    result = run("-C", example_workspace(), "check")
    assert result.exit_code == cli_module.EXIT_INTERNAL
    assert result.stderr == (
        "internal error: KeyError: 'boom' (run with OFFERGEN_DEBUG=1 for details)\n"
    )
    assert "Traceback" not in result.output


def test_build_reports_what_it_wrote(tmp_path: Path) -> None:
    from .conftest import copy_workspace

    workspace = copy_workspace(ROOT, tmp_path / "ws")
    result = run("-C", workspace, "build", "tula-2026-004", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith(
        "1 document built, 0 up to date, 0 offers failed, 1 offer in "
    )
    assert sorted(p.name for p in (workspace / "out" / "tula-2026-004").iterdir()) == [
        "manifest.json",
        "proposal.docx",
    ]


def test_build_out_option_writes_elsewhere(tmp_path: Path) -> None:
    from .conftest import copy_workspace

    workspace = copy_workspace(ROOT, tmp_path / "ws")
    target = tmp_path / "elsewhere"
    result = run("-C", workspace, "build", "tula-2026-004", "--format", "pdf", "--out", target)
    assert result.exit_code == 0, result.output
    assert (target / "tula-2026-004" / "proposal.pdf").is_file()
    assert not (workspace / "out").exists()


def test_a_workspace_without_templates_uses_the_shipped_ones(tmp_path: Path) -> None:
    from .conftest import DATA

    workspace = tmp_path / "ws"
    import shutil

    shutil.copytree(DATA / "minimal", workspace)
    assert not (workspace / "templates").exists()
    result = run("-C", workspace, "build")
    assert result.exit_code == 0, result.output
    assert (workspace / "out" / "a-1" / "proposal.pdf").is_file()
    assert not (workspace / "templates").exists()


def test_price_explain_walks_every_line_through_its_steps() -> None:
    result = run("-C", example_workspace(), "price", "acme-2026-005", "--explain")
    assert result.exit_code == 0, result.output
    explanation = result.output.split("КП-2026-0005 (acme-2026-005)\n", 1)[1].splitlines()
    plain = [line.replace("\u00a0", " ") for line in explanation[1:9]]
    assert plain == [
        "1. Насос центробежный ЦН-100: 6 шт. × 125 000,00 ₽ = 750 000,00 ₽",
        "   Скидка за количество насосов (от 5): 4 % (−30 000,00 ₽)",
        "   Зимняя акция: 5 % (−36 000,00 ₽)",  # 720 000 × 5 %
        "   Скидка постоянного клиента: 4 % (−27 360,00 ₽)",
        "   Скидка за предоплату (от 100 %): 2 % (−13 132,80 ₽)",
        "   Скидка за объём заказа (от 300 000,00 ₽): 3 % (−19 305,22 ₽)",
        "   ограничено минимальной ценой 109 800,00 ₽ за ед. (+34 598,02 ₽)",
        "   = 12,16 % → 658 800,00 ₽",  # 750 000 − the cuts + 34 598,02
    ]
    assert "   Зимняя акция: позиция не входит в условия" in explanation
    # 12,1 % is under the 15 % threshold: the approval on record is not even needed
    assert "Согласование скидки не требуется (порог 15\u00a0%)" in explanation
    pending = run(
        "-C", example_workspace(), "price", "tula-2026-006", "--explain"
    ).output.splitlines()
    assert "Скидка 16,84\u00a0% превышает 15\u00a0% и требует согласования." in pending


def test_price_json_carries_the_trail_and_the_verdict() -> None:
    data = json.loads(run("-C", example_workspace(), "price", "tula-2026-006", "--json").output)
    # 1 − 851 854,11 / 1 024 402,90 (every line: 1 − 0,96 × 0,94 × 0,97 × 0,95 = 16,84384 %)
    assert data["effective_discount"] == "16.84384"
    assert data["approval"] == {"threshold": "15", "needed": True, "given": False}
    volume = next(s for s in data["schemes"] if s["scheme"] == "volume-2026")
    assert volume["applied"] and volume["tier_from"] == "300000"
    assert volume["next_tier_from"] == "1000000" and volume["shortfall"] == "160325.5"
    assert data["hints"] == [
        {
            "scheme": "volume-2026",
            "next_tier_from": "1000000",
            "next_percent": "5",
            "shortfall": "160325.5",
        }
    ]
    winter = data["lines"][0]["skipped"][0]
    assert winter == {"scheme": "winter", "reason": "not_covered", "measure": None, "needed": None}


def test_status_lists_offers_and_marks_the_expired() -> None:
    result = run("-C", example_workspace(), "status", "--today", "2026-12-29", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["offer"]: row for row in json.loads(result.output)}
    assert rows["acme-2026-001"] == {
        "offer": "acme-2026-001",
        "client": 'ООО «Акме & Партнёры» "Северо-Запад"',
        "number": "КП-2026-0001",
        "status": "expired",  # draft, valid until 2026-12-28
        "gross": "646952.05",
        "currency": "RUB",
        "effective_discount": "6.504534",  # 1 − 646 952,05 / 691 960,88
        "open": False,
        "valid_until": "2026-12-28",
        "days_left": -1,
        "problem": None,
    }
    assert rows["acme-2026-005"]["status"] == "approved"  # valid until 2027-01-01 (+30 days)
    assert rows["tula-2026-004"]["status"] == "expired"  # sent, valid until 2026-12-27


def _status_line(output: str, offer: str) -> list[str]:
    return next(line for line in output.splitlines() if line.startswith(offer)).split("  ")


def test_status_prints_money_percents_and_dates_as_the_documents_do(tmp_path: Path) -> None:
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    result = run("-C", workspace, "status", "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == [
        *("offer", "client", "number", "status", "gross", "discount", "valid", "until", "days")
    ]
    cells = [cell.strip() for cell in _status_line(result.output, "acme-2026-001") if cell]
    assert cells[-4:] == ["646\u00a0952,05\u00a0₽", "6,5\u00a0%", "28.12.2026", "27"]
    euro = [cell.strip() for cell in _status_line(result.output, "nordic-2026-003") if cell]
    assert euro[-4:-2] == ["24\u00a0277,50\u00a0€", "4,57\u00a0%"]
    # An English workspace prints them the English way; --json keeps plain decimals.
    config = workspace / "offergen.yaml"
    config.write_text(config.read_text("utf-8").replace("locale: ru ", "locale: en "), "utf-8")
    english = run("-C", workspace, "status", "--today", "2026-12-01")
    cells = [cell.strip() for cell in _status_line(english.output, "acme-2026-001") if cell]
    assert cells[-4:] == ["RUB\u00a0646,952.05", "6.5%", "2026-12-28", "27"]
    data = json.loads(run("-C", workspace, "status", "--json").output)
    assert {row["gross"] for row in data} >= {"646952.05", "24277.50"}


def test_status_filters_by_status_and_by_days_left() -> None:
    expired = run(
        "-C", example_workspace(), "status", "--today", "2026-12-29", "--status", "expired"
    )
    lines = expired.output.splitlines()
    # kuznetsova-2026-002 (30.11 + 30 days) is still valid on 29.12
    assert [line.split()[0] for line in lines[2:]] == ["acme-2026-001", "tula-2026-004"]
    soon = run("-C", example_workspace(), "status", "--today", "2026-12-20", "--expiring", "8")
    assert [line.split()[0] for line in soon.output.splitlines()[2:]] == [
        "acme-2026-001",
        "tula-2026-004",
    ]


def test_check_warns_of_expired_open_offers(example_copy: Path) -> None:
    result = run("-C", example_copy, "check", "--today", "2026-12-29")
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "expired" in line]
    assert warnings == [
        "offers/acme-2026-001.yaml:4:14: warning: valid_until: expired on 2026-12-28 while "
        "draft; renew or close it",
        "offers/tula-2026-004.yaml:3:7: warning: date: expired on 2026-12-27 while sent; "
        "renew or close it",  # no valid_until: the offer date + validity_days
    ]
    assert result.stdout.endswith("4 warnings\n")  # and the rating C, the discount
    on_time = run("-C", example_copy, "check", "--today", "2026-11-28")
    assert "expired" not in on_time.stderr
