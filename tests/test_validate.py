"""Problems scoped to what they break: one run reports all of them, every command works on
the sound part and shows the blocked part."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from offergen.validate import load_workspace

from .conftest import docx_text, run

Write = Callable[[str, str], Path]
CLIENT = (Path(__file__).parent / "data" / "minimal" / "clients" / "acme.yaml").read_text("utf-8")
CATALOG = """\
items:
  - sku: pump
    name: {ru: Насос, en: Pump}
    unit: {ru: шт., en: pcs}
    price: 1000.00
  - sku: valve
    name: {ru: Задвижка, en: Valve}
    unit: {ru: шт., en: pcs}
    price: 500.00
"""
DISCOUNTS = """\
schemes:
  volume:
    title: {ru: Объём, en: Volume}
    basis: order_total
    tiers: [{from: 1000, percent: 3}]
  prepaid:
    title: {ru: Предоплата, en: Prepayment}
    basis: prepayment
    tiers: [{from: 50, percent: 2}]
"""


def offer(number: str, client: str = "acme", sku: str = "pump", extra: str = "") -> str:
    return (
        f"number: {number}\nclient: {client}\ndate: 2026-11-28\n"
        f"items:\n  - sku: {sku}\n    qty: 2\n{extra}"
    )


@pytest.fixture
def team(scratch: Path, write: Write) -> Path:
    """Three offers to two clients, two items and two schemes: all sound."""
    write("clients/beta.yaml", CLIENT.replace("ООО «Акме»", "ООО «Бета»"))
    write("catalog.yaml", CATALOG)
    write("discounts.yaml", DISCOUNTS)
    write("offers/a-1.yaml", offer("КП-1"))
    write("offers/b-2.yaml", offer("КП-2", "beta", "valve"))
    write("offers/c-3.yaml", offer("КП-3", "beta", extra="schemes: [volume]\n"))
    assert run("-C", scratch, "check", "--today", "2026-11-28").exit_code == 0
    return scratch


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_client_and_an_offer_broken_at_once_are_reported_in_one_run(team: Path) -> None:
    _break(team / "clients" / "acme.yaml", '"7703123457"', '"7703123458"')
    _break(team / "offers" / "c-3.yaml", "qty: 2", "qty: 0")
    result = run("-C", team, "check", "--today", "2026-11-28")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "clients/acme.yaml:3:6: inn: checksum does not match (the last digit should be 7)",
        "offers/c-3.yaml:6:10: items[0].qty: must be greater than 0, got 0",
        "2 errors in 2 files; 2 of 3 offers blocked (a-1, c-3).",
    ]


def test_the_sound_offers_build_and_the_blocked_keep_their_files(team: Path) -> None:
    assert run("-C", team, "build", "--format", "docx").exit_code == 0
    before = (team / "out" / "a-1" / "proposal.docx").read_bytes()
    _break(team / "clients" / "acme.yaml", '"7703123457"', '"7703123458"')
    _break(team / "offers" / "c-3.yaml", "qty: 2", "qty: 0")
    _break(team / "offers" / "b-2.yaml", "qty: 2", "qty: 3")
    result = run("-C", team, "build", "--format", "docx")
    assert result.exit_code == 1
    assert "BLOCKED a-1: clients/acme.yaml:3:6: inn: checksum does not match" in result.stderr
    assert "BLOCKED c-3: offers/c-3.yaml:6:10: items[0].qty: must be greater" in result.stderr
    assert "its earlier documents are kept, now stale" in result.stderr
    assert "nothing was built" not in result.output
    assert "1 document built, 0 up to date, 0 offers failed, 2 blocked, 3 offers" in result.stdout
    assert (team / "out" / "a-1" / "proposal.docx").read_bytes() == before
    assert "1\u00a0500,00" in docx_text(team / "out" / "b-2" / "proposal.docx")  # 3 × 500


def test_building_a_sound_offer_notes_the_others_and_exits_zero(team: Path) -> None:
    _break(team / "offers" / "a-1.yaml", "qty: 2", "qty: 4O")
    _break(team / "offers" / "c-3.yaml", "schemes: [volume]", "schemes: [volum]")
    result = run("-C", team, "build", "b-2", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "note: 2 other offers have problems (offergen check)"
    assert (team / "out" / "b-2" / "proposal.docx").is_file()
    assert not (team / "out" / "a-1").exists()
    blocked = run("-C", team, "build", "a-1", "--format", "docx")
    assert blocked.exit_code == 1
    assert "nothing was built: every offer asked for is blocked" in blocked.stderr


def test_a_broken_catalog_item_and_scheme_block_only_their_offers(team: Path) -> None:
    _break(team / "catalog.yaml", "price: 500.00", "price: -5")
    _break(team / "discounts.yaml", "percent: 3", "percent: 300")
    result = run("-C", team, "check", "--today", "2026-11-28")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "catalog.yaml:9:12: items[1].price: must be at least 0, got -5",
        "discounts.yaml:5:35: schemes.volume.tiers[0].percent: must be at most 100, got 300",
        "2 errors in 2 files; 2 of 3 offers blocked (b-2, c-3).",
    ]
    workspace = load_workspace(team)
    assert sorted(workspace.offers) == ["a-1"]
    assert [item.sku for item in workspace.catalog.items] == ["pump"]
    assert sorted(workspace.discounts.schemes) == ["prepaid"]
    assert run("-C", team, "build", "a-1", "--format", "docx").exit_code == 0


def test_a_broken_seller_blocks_everything_but_every_file_is_still_checked(team: Path) -> None:
    _break(team / "offergen.yaml", "validity_days", "validity_dayz")
    _break(team / "offers" / "c-3.yaml", "qty: 2", "qty: 0")
    result = run("-C", team, "check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("offergen.yaml:") and "validity_dayz: unknown field" in lines[0]
    assert lines[1] == "offers/c-3.yaml:6:10: items[0].qty: must be greater than 0, got 0"
    assert lines[-1] == "2 errors in 2 files; 3 of 3 offers blocked (a-1, b-2, c-3)."
    build = run("-C", team, "build")
    assert build.exit_code == 1
    assert build.stderr.splitlines()[-1] == (
        "2 errors in 2 files; 3 of 3 offers blocked (a-1, b-2, c-3); nothing was built."
    )
    assert not (team / "out").exists()


def test_a_broken_template_blocks_only_the_documents_that_use_it(team: Path, write: Write) -> None:
    assert run("-C", team, "build", "c-3").exit_code == 0
    out = team / "out" / "c-3"
    before = (out / "discount-scheme.pdf").read_bytes()
    proposal = (out / "proposal.pdf").read_bytes()
    shipped = (team / "templates" / "discount_scheme.html").read_text("utf-8")
    write("templates/discount_scheme.html", shipped + "{% if %}\n")
    _break(team / "offers" / "c-3.yaml", "qty: 2", "qty: 3")
    result = run("-C", team, "check", "--today", "2026-11-28")
    assert result.exit_code == 1
    problem = (
        f"templates/discount_scheme.html:{shipped.count(chr(10)) + 1}:1: Expected an "
        "expression, got 'end of statement block'"
    )
    assert result.stderr.splitlines() == [
        problem,
        "1 error in 1 file; documents blocked: c-3 (discount_scheme).",
    ]
    build = run("-C", team, "build", "--format", "pdf")
    assert build.exit_code == 1
    assert (
        f"BLOCKED c-3/discount-scheme: {problem} (not built; an earlier file of it is kept, "
        "now stale)" in build.stderr
    )
    assert "1 document blocked" in build.stdout
    assert (out / "proposal.pdf").read_bytes() != proposal  # rebuilt with the new quantity
    assert (out / "discount-scheme.pdf").read_bytes() == before  # kept, now stale
    review = run("-C", team, "review", "c-3", "--today", "2026-11-28")
    assert problem in review.stdout and review.exit_code == 1
    status = json.loads(run("-C", team, "status", "--json", "--today", "2026-11-28").stdout)
    assert [row["status"] for row in status] == ["draft", "draft", "draft"]


def test_status_review_price_and_verify_show_a_blocked_offer_as_invalid(team: Path) -> None:
    assert run("-C", team, "build", "--format", "pdf", "--format", "docx").exit_code == 0
    _break(team / "offers" / "c-3.yaml", "qty: 2", "qty: 0")
    first = "offers/c-3.yaml:6:10: items[0].qty: must be greater than 0, got 0"
    status = run("-C", team, "status", "--today", "2026-11-28", "--json")
    assert status.exit_code == 0
    rows = {row["offer"]: row for row in json.loads(status.stdout)}
    assert rows["c-3"]["status"] == "invalid" and rows["c-3"]["problem"] == first
    assert rows["c-3"]["number"] == "КП-3" and rows["c-3"]["client"] == "ООО «Бета»"
    assert rows["a-1"]["status"] == "draft"
    table = run("-C", team, "status", "--today", "2026-11-28").stdout
    assert f"c-3: {first}" in table
    review = run("-C", team, "review", "--today", "2026-11-28")
    assert review.exit_code == 1
    assert "c-3  КП-3  ООО «Бета»  draft  INVALID: blocked, not built" in review.stdout
    assert first in review.stdout
    price = run("-C", team, "price", "c-3")
    assert price.exit_code == 1
    assert price.stderr.splitlines() == [
        "error: c-3 is blocked (offergen check lists every problem):",
        f"  {first}",
    ]
    verify = run("-C", team, "verify")
    assert verify.exit_code == 1
    assert f"INVALID c-3: {first} (offergen check)" in verify.stderr
    assert "same a-1/proposal" in verify.stdout
    assert verify.stdout.splitlines()[-1] == "2 pairs checked, 0 differ, 1 offer blocked"


def test_status_lists_every_offer_as_invalid_when_the_seller_cannot_be_read(team: Path) -> None:
    _break(team / "offergen.yaml", "validity_days", "validity_dayz")
    result = run("-C", team, "status", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(row["offer"], row["status"]) for row in rows] == [
        ("a-1", "invalid"),
        ("b-2", "invalid"),
        ("c-3", "invalid"),
    ]
    assert all("validity_dayz: unknown field" in row["problem"] for row in rows)


def test_labels_missing_a_language_block_the_offers_in_it_wherever_it_is_set(
    team: Path, write: Write
) -> None:
    labels = team / "templates" / "labels.yaml"
    text = labels.read_text("utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("col_unit:"))
    _break(labels, "col_unit: {ru: Ед. изм., en: Unit}", "col_unit: {ru: Ед. изм.}")
    write("clients/beta.yaml", CLIENT.replace("ООО «Акме»", "ООО «Бета»") + "locale: en\n")
    result = run("-C", team, "check", "--today", "2026-11-28")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"templates/labels.yaml:{line}:11: col_unit: needs a 'en' text",
        "1 error in 1 file; 2 of 3 offers blocked (b-2, c-3).",  # beta's: English
    ]


def test_a_label_field_offergen_does_not_fill_is_reported_by_check(team: Path) -> None:
    labels = team / "templates" / "labels.yaml"
    text = labels.read_text("utf-8")
    key = next(row for row in text.splitlines() if row.startswith("number_and_date:"))
    _break(labels, key, key.replace("{number}", "{numbr}", 1))
    result = run("-C", team, "check", "--today", "2026-11-28")
    assert result.exit_code == 1
    line = text.splitlines().index(key) + 1
    first, summary = result.stderr.splitlines()
    assert first.startswith(f"templates/labels.yaml:{line}:")
    assert first.endswith(
        "number_and_date.ru: {numbr} is not a field of this label (offergen fills: {date}, "
        "{number}); did you mean 'number'?"
    )
    assert summary == "1 error in 1 file; 3 of 3 offers blocked (a-1, b-2, c-3)."
    build = run("-C", team, "build", "a-1")
    assert build.exit_code == 1 and "internal error" not in build.output


def test_a_label_the_documents_print_is_warned_of_when_missing(team: Path) -> None:
    """A workspace's own labels.yaml without a label: the shipped wording stands in
    (test_letter.py shows it printed), and check says so without blocking anything."""
    labels = team / "templates" / "labels.yaml"
    rows = labels.read_text("utf-8").splitlines()
    labels.write_text(
        "\n".join(row for row in rows if not row.startswith("greeting:")) + "\n", "utf-8"
    )
    result = run("-C", team, "check", "--today", "2026-11-28")
    assert result.exit_code == 0, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("templates/labels.yaml:")
    assert first.endswith(
        ": warning: missing greeting: the documents print offergen's own wording until you add them"
    )
