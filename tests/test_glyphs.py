"""Characters the documents' fonts cannot draw: located by `check`, never met by WeasyPrint."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from offergen.glyphs import Coverage, coverage, font_families, installed

from .conftest import ROOT, run, skip_outside_ci

Write = Callable[[str, str], Path]
ROCKET = "\U0001f680"
DEJAVU = "the documents' font (DejaVu Sans)"
SUMMARY = "1 error in 1 file; 1 of 1 offers blocked (a-1)."


@pytest.fixture(autouse=True)
def _the_templates_font() -> None:
    if not installed("DejaVu Sans"):
        skip_outside_ci("the templates' font DejaVu Sans is not installed")


def check(workspace: Path) -> tuple[int, list[str]]:
    result = run("-C", workspace, "check", "--today", "2026-11-28")
    assert "internal error" not in result.output
    return result.exit_code, result.stderr.splitlines()


def test_the_coverage_of_the_shipped_stylesheet() -> None:
    found = coverage(ROOT / "templates")
    assert found is not None and found.families == ("DejaVu Sans",)
    assert found.missing("ООО «Акме & Партнёры» № 5 — 1 000,00 ₽, €, $; Ä ß é ü") == []
    assert found.missing(f"Beijing 北京 {ROCKET}{ROCKET}") == ["北", "京", ROCKET]


def test_a_character_of_the_regular_face_alone_is_missing() -> None:
    # U+1D5A0 MATHEMATICAL SANS-SERIF CAPITAL A is in DejaVu Sans but not in its bold face,
    # and a name may print in bold.
    found = coverage(ROOT / "templates")
    assert found is not None and found.missing("\U0001d5a0") == ["\U0001d5a0"]


def test_what_a_document_draws_as_nothing_is_never_missing() -> None:
    found = Coverage(("X",), frozenset(map(ord, "ab")))
    assert found.missing("a\tb\n\u00ad\u200d\ufe0f\u202e\x01") == []
    assert found.missing("abc") == ["c"]


def test_fonts_declared_with_font_face_are_read_from_their_files(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(ROOT / "templates" / "fonts" / "DejaVuSans-Bold.ttf", fonts / "brand.ttf")
    (tmp_path / "style.css").write_text(
        '@font-face { font-family: "Brand"; src: url(fonts/brand.ttf); }\n'
        'html { font-family: "Brand"; }\n',
        "utf-8",
    )
    found = coverage(tmp_path)
    assert found is not None and found.families == ("Brand",)
    assert found.missing("Акме A \U0001d5a0") == ["\U0001d5a0"]


def test_no_known_font_judges_nothing(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text('html { font-family: "No Such Font 7" }', "utf-8")
    assert coverage(tmp_path) is None


def test_font_families_named_by_a_stylesheet() -> None:
    css = 'html { font-family: "DejaVu Sans", Arial, sans-serif; }\n.x { font: 8pt "A B"; }'
    assert font_families(css) == ["DejaVu Sans", "Arial", "A B"]


def second_offer(workspace: Path, write: Write, old: str, new: str) -> None:
    """offers/b-1.yaml: a copy of a-1 with `old` replaced by `new`."""
    offer = (workspace / "offers" / "a-1.yaml").read_text("utf-8")
    write("offers/b-1.yaml", offer.replace("КП-1", "КП-2").replace(old, new))


def test_a_client_name_blocks_the_offers_to_that_client(scratch: Path, write: Write) -> None:
    client = (scratch / "clients" / "acme.yaml").read_text("utf-8")
    write("clients/acme.yaml", client.replace("ООО «Акме»", f"ООО «Акме» {ROCKET}"))
    write("clients/beta.yaml", client.replace("ООО «Акме»", "ООО «Бета»"))
    second_offer(scratch, write, "acme", "beta")
    assert check(scratch)[1] == [
        f"clients/acme.yaml:1:7: name: has a character {DEJAVU} cannot draw: U+1F680 ROCKET; "
        "remove it or use characters the font has",
        "1 error in 1 file; 1 of 2 offers blocked (a-1).",
    ]


def test_a_foreign_name_in_chinese_is_located(scratch: Path, write: Write) -> None:
    client = (scratch / "clients" / "acme.yaml").read_text("utf-8")
    write(
        "clients/acme.yaml", client.replace("г. Москва, ул. Тверская, д. 7", "北京市朝阳区建国路")
    )
    code, lines = check(scratch)
    assert code == 1
    assert lines == [
        f"clients/acme.yaml:6:10: address: has 9 characters {DEJAVU} cannot draw: "
        "U+5317 CJK UNIFIED IDEOGRAPH-5317, U+4EAC CJK UNIFIED IDEOGRAPH-4EAC, "
        "U+5E02 CJK UNIFIED IDEOGRAPH-5E02 and 6 more; remove them or use characters the "
        "font has",
        SUMMARY,
    ]


def test_a_catalog_item_blocks_only_the_offers_selling_it(scratch: Path, write: Write) -> None:
    catalog = (scratch / "catalog.yaml").read_text("utf-8")
    write(
        "catalog.yaml",
        catalog + "  - {sku: box, name: 箱子, unit: шт., price: 10}\n",
    )
    second_offer(scratch, write, "sku: pump", "sku: box")
    assert check(scratch)[1] == [
        f"catalog.yaml:6:22: items[1].name: has 2 characters {DEJAVU} cannot draw: "
        "U+7BB1 CJK UNIFIED IDEOGRAPH-7BB1, U+5B50 CJK UNIFIED IDEOGRAPH-5B50; remove them "
        "or use characters the font has",
        "1 error in 1 file; 1 of 2 offers blocked (b-1).",
    ]


def test_what_no_document_prints_may_hold_any_character(scratch: Path, write: Write) -> None:
    offer = (scratch / "offers" / "a-1.yaml").read_text("utf-8")
    write(
        "offers/a-1.yaml",
        offer
        + "approval: {by: Иванов, date: 2026-11-28, note: "
        + f'"ок {ROCKET}"'
        + "}\nreview:\n  - {by: Иванов, role: legal, date: 2026-11-28, verdict: approved, "
        + f'note: "{ROCKET}"'
        + "}\n",
    )
    assert check(scratch) == (0, [])


def test_an_offer_text_blocks_the_offer_and_build_renders_nothing_of_it(
    scratch: Path, write: Write
) -> None:
    offer = (scratch / "offers" / "a-1.yaml").read_text("utf-8")
    write("offers/a-1.yaml", offer + f'intro: "Привет {ROCKET}"\n')
    message = (
        f"offers/a-1.yaml:7:8: intro: has a character {DEJAVU} cannot draw: U+1F680 ROCKET; "
        "remove it or use characters the font has"
    )
    assert check(scratch) == (1, [message, SUMMARY])
    result = run("-C", scratch, "build")
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (scratch / "out" / "a-1" / "proposal.pdf").exists()


def test_a_label_blocks_the_offers_in_its_language(scratch: Path) -> None:
    labels = scratch / "templates" / "labels.yaml"
    text = labels.read_text("utf-8")
    labels.write_text(text.replace("en: Total}", f"en: Total {ROCKET}}}", 1), "utf-8")
    line = text[: text.index("en: Total}")].count("\n") + 1  # the label `total`
    message = (
        f"templates/labels.yaml:{line}:24: total.en: has a character {DEJAVU} cannot draw: "
        "U+1F680 ROCKET; remove it or use characters the font has"
    )
    assert check(scratch) == (1, [message, "1 error in 1 file; no offer blocked."])
    offer = scratch / "offers" / "a-1.yaml"
    offer.write_text(offer.read_text("utf-8") + "locale: en\n", "utf-8")
    assert check(scratch) == (1, [message, SUMMARY])


def test_a_clause_blocks_the_offers_whose_contract_uses_it(scratch: Path, write: Write) -> None:
    library = scratch / "templates" / "clauses" / "supply.yaml"
    text = library.read_text("utf-8")
    library.write_text(
        text.replace("title: {ru: Договор поставки,", f"title: {{ru: Договор поставки {ROCKET},"),
        "utf-8",
    )
    assert check(scratch)[0] == 0  # no offer has a contract
    offer = (scratch / "offers" / "a-1.yaml").read_text("utf-8")
    write("offers/a-1.yaml", offer + "contract: {type: supply, number: '1', city: Москва}\n")
    code, lines = check(scratch)
    assert code == 1
    assert (
        f"templates/clauses/supply.yaml:18:13: title.ru: has a character {DEJAVU} cannot draw: "
        "U+1F680 ROCKET; remove it or use characters the font has"
    ) in lines
