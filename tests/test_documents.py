"""The built documents, read back: numbers, dates, words, both formats, safety."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import (
    ROOT,
    copy_workspace,
    docx_text,
    docx_xml,
    example_workspace,
    pdf_pages,
    pdf_text,
    run,
)
from .golden import GOLDEN, golden_texts

OFFERS = (
    "acme-2026-001",
    "kuznetsova-2026-002",
    "nordic-2026-003",
    "tula-2026-004",
    "acme-2026-005",
    "tula-2026-006",
)
NBSP = "\u00a0"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " ")).strip()


def _amount(cell: str) -> Decimal:
    """'1 234 567,89 ₽' or '€1,350.00' -> Decimal('1234567.89')."""
    digits = re.sub(r"[^\d,.]", "", cell.replace(NBSP, ""))
    if "," in digits and "." not in digits:
        digits = digits.replace(",", ".")
    return Decimal(digits.replace(",", ""))


def _table_rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if "\t" in line]


# --- the example workspace --------------------------------------------------------------


def test_every_offer_gets_a_pdf_and_a_docx(example_build: Path) -> None:
    for offer in OFFERS:
        assert (example_build / offer / "proposal.pdf").read_bytes().startswith(b"%PDF-")
        assert (example_build / offer / "proposal.docx").read_bytes().startswith(b"PK")


def test_russian_proposal_numbers_dates_and_words(example_build: Path) -> None:
    for document in ("proposal.pdf", "proposal.docx"):
        path = example_build / "acme-2026-001" / document
        text = _flat(pdf_text(path) if path.suffix == ".pdf" else docx_text(path))
        assert "№ КП-2026-0001 от «28» ноября 2026 г." in text
        assert "Итого 646 952,05 ₽" in text
        assert "в т.ч. НДС 22 % 116 016,29 ₽" in text
        assert "в т.ч. НДС 10 % 326,27 ₽" in text
        assert (
            "Всего к оплате: Шестьсот сорок шесть тысяч девятьсот пятьдесят два рубля "
            "05 копеек, в т.ч. НДС 116 342,56 ₽"
        ) in text
        assert "Предложение действительно до «28» декабря 2026 г." in text
        assert "12,5" in text and "7,85 %" in text
        assert "предоплата 50 %, остаток — в течение 10 календарных дней с даты поставки" in text
        assert 'ООО «Акме & Партнёры» "Северо-Запад"' in text


def test_no_break_spaces_in_money_and_dates(example_build: Path) -> None:
    text = docx_text(example_build / "acme-2026-001" / "proposal.docx")
    assert f"646{NBSP}952,05{NBSP}₽" in text
    assert f"2026{NBSP}г." in text


def test_prices_without_vat_add_vat_on_top(example_build: Path) -> None:
    text = _flat(docx_text(example_build / "kuznetsova-2026-002" / "proposal.docx"))
    # 189 900 + 3 × 4 999,99 × 0,9 (13 499,97) + 65 000 = 268 399,97 taxed; 70 000 exempt
    assert "Итого без НДС 338 399,97 ₽" in text
    assert "НДС 22 % 59 047,99 ₽" in text  # 268 399,97 × 0,22 = 59 047,9934
    assert "НДС не облагается —" in text
    assert "Всего к оплате 397 447,96 ₽" in text
    assert "Цена без НДС, ₽" in text
    assert "100 % предоплата" in text


def test_english_proposal_in_euros(example_build: Path) -> None:
    for document in ("proposal.pdf", "proposal.docx"):
        path = example_build / "nordic-2026-003" / document
        text = _flat(pdf_text(path) if path.suffix == ".pdf" else docx_text(path))
        assert "Commercial proposal" in text
        assert "No. CP-2026-0003 dated December 1, 2026" in text
        assert "€1,350.00" not in text  # the table shows amounts without the sign
        assert "1,350.00" in text
        assert "Total payable €24,277.50" in text
        assert "Twenty-four thousand two hundred seventy-seven euros 50 cents" in text
        assert "This proposal is valid until January 15, 2027" in text
        assert "Dear Erik Lindqvist," in text
        assert "Severny Veter LLC" in text


def test_pages_are_numbered(example_build: Path) -> None:
    pdf = example_build / "acme-2026-001" / "proposal.pdf"
    pages = pdf_pages(pdf)
    text = pdf_text(pdf)
    for page in range(1, pages + 1):
        assert f"стр. {page} из {pages}" in text
    assert "page 1 of 1" in pdf_text(example_build / "nordic-2026-003" / "proposal.pdf")
    footer = docx_xml(example_build / "acme-2026-001" / "proposal.docx", "word/footer1.xml")
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


@pytest.mark.parametrize("offer", OFFERS)
def test_printed_totals_equal_the_sum_of_printed_lines(example_build: Path, offer: str) -> None:
    rows = _table_rows(docx_text(example_build / offer / "proposal.docx"))
    header = next(i for i, row in enumerate(rows) if row[0] in ("№", "No."))
    lines = []
    for row in rows[header + 1 :]:
        if len(row) != 7:
            break
        lines.append(row)
        qty, price, amount = (_amount(cell) for cell in (row[3], row[4], row[6]))
        if row[5] in ("—",):
            assert amount == (qty * price).quantize(Decimal("0.01"))
    totals = {
        row[0]: _amount(row[1]) for row in rows if len(row) == 2 and re.search("[₽€$]", row[1])
    }
    line_sum = sum((_amount(row[6]) for row in lines), Decimal(0))
    total = totals.get("Итого", totals.get("Итого без НДС", totals.get("Total excl. VAT")))
    assert total == line_sum
    vat = sum((v for k, v in totals.items() if "НДС " in k or "VAT " in k), Decimal(0))
    gross = totals.get("Всего к оплате", totals.get("Total payable"))
    if gross is not None:
        assert gross == total + vat
    if "Сумма без скидки" in totals:
        assert totals["Сумма без скидки"] - totals["Ваша выгода"] == total


@pytest.mark.parametrize("offer", OFFERS)
def test_pdf_and_docx_carry_the_same_text(example_build: Path, offer: str) -> None:
    pdf = _flat(pdf_text(example_build / offer / "proposal.pdf"))
    body = docx_text(example_build / offer / "proposal.docx").splitlines()[:-1]  # no footer
    pieces = [cell for line in body for cell in line.split("\t")]
    checked = 0
    for piece in pieces:
        piece = _flat(piece)
        if not piece or piece.startswith("_"):
            continue
        assert piece in pdf, piece
        checked += 1
    assert checked > 30


def test_golden_texts_are_unchanged(example_build: Path) -> None:
    """Run `make golden` and review the diff when wording or numbers change on purpose."""
    texts = golden_texts(example_build)
    expected = {path.name: path.read_text(encoding="utf-8") for path in GOLDEN.glob("*.txt")}
    assert sorted(texts) == sorted(expected)
    for name, text in texts.items():
        assert text + "\n" == expected[name], f"tests/golden/{name} differs: run make golden"


# --- safety -----------------------------------------------------------------------------

HOSTILE_NAME = "Smith & Sons <Ltd> «Ромашка»"
HOSTILE_INTRO = "{{ 7*7 }} <b>x</b> {% if true %}y{% endif %} &amp; ]]>"


def test_data_is_never_markup_nor_a_template(scratch: Path) -> None:
    client = scratch / "clients" / "acme.yaml"
    client.write_text(
        client.read_text(encoding="utf-8").replace("name: ООО «Акме»", f"name: '{HOSTILE_NAME}'"),
        encoding="utf-8",
    )
    offer = scratch / "offers" / "a-1.yaml"
    offer.write_text(
        offer.read_text(encoding="utf-8") + f"intro: '{HOSTILE_INTRO}'\n", encoding="utf-8"
    )
    result = run("-C", scratch, "build")
    assert result.exit_code == 0, result.output
    pdf = _flat(pdf_text(scratch / "out" / "a-1" / "proposal.pdf"))
    docx = _flat(docx_text(scratch / "out" / "a-1" / "proposal.docx"))
    for text in (pdf, docx):
        assert HOSTILE_NAME in text
        assert HOSTILE_INTRO in text
        assert "49" not in text.replace(HOSTILE_INTRO, "")
    import zipfile

    with zipfile.ZipFile(scratch / "out" / "a-1" / "proposal.docx") as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "Smith &amp; Sons &lt;Ltd&gt; «Ромашка»" in core


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_are_byte_identical(example_build: Path, tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "again")
    # The second build runs in a fresh process: nothing cached may leak into the bytes.
    subprocess.run(
        [sys.executable, "-m", "offergen.cli", "-C", str(workspace), "build"],
        check=True,
        capture_output=True,
    )

    def documents(out: Path) -> dict[Path, str]:  # manifests record the build time
        return {
            p.relative_to(out): _sha(p) for p in out.rglob("*.*") if p.suffix in (".pdf", ".docx")
        }

    first, second = documents(example_build), documents(workspace / "out")
    assert first == second
    # every offer's proposal; two discount schemes, three contracts and two protocols
    assert len(first) == 2 * (len(OFFERS) + 2 + 3 + 2)


def test_a_failed_render_leaves_earlier_outputs_untouched(scratch: Path) -> None:
    assert run("-C", scratch, "build").exit_code == 0
    out = scratch / "out" / "a-1"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (scratch / "templates" / "proposal.html").write_text("{{ no_such_value }}", encoding="utf-8")
    (scratch / "offers" / "a-1.yaml").write_text(
        (scratch / "offers" / "a-1.yaml").read_text(encoding="utf-8").replace("qty: 2", "qty: 3"),
        encoding="utf-8",
    )
    result = run("-C", scratch, "build")
    assert result.exit_code == 1
    assert (
        "FAILED a-1: proposal.html: UndefinedError: 'no_such_value' is undefined" in result.stderr
    )
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # the DOCX rendered fine, but nothing of the offer was written


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="file:///etc/hostname">',
        '<link rel="stylesheet" href="../offergen.yaml">',
        '<img src="http://127.0.0.1:9/x.png">',
    ],
)
def test_the_renderer_reads_nothing_outside_templates(scratch: Path, reference: str) -> None:
    html = scratch / "templates" / "proposal.html"
    html.write_text(
        html.read_text(encoding="utf-8").replace(
            "{% block content %}", "{% block content %}" + reference
        ),
        encoding="utf-8",
    )
    result = run("-C", scratch, "build", "--format", "pdf")
    assert result.exit_code == 1
    assert "only files under templates/ may be used" in result.stderr
    assert not (scratch / "out" / "a-1" / "proposal.pdf").exists()


def test_a_template_link_out_of_templates_is_refused(scratch: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("secret", encoding="utf-8")
    html = scratch / "templates" / "proposal.html"
    html.unlink()
    html.symlink_to(outside)
    result = run("-C", scratch, "build", "--format", "pdf")
    assert result.exit_code == 1
    assert (
        "BLOCKED a-1/proposal: templates/proposal.html:1:1: template leads outside "
        "templates/ (links are refused)" in result.stderr
    )


def test_the_table_header_repeats_on_every_page(scratch: Path) -> None:
    offer = scratch / "offers" / "a-1.yaml"
    lines = "".join(f"  - sku: pump\n    qty: {n}\n" for n in range(1, 61))
    offer.write_text(
        offer.read_text(encoding="utf-8").replace("  - sku: pump\n    qty: 2\n", lines),
        encoding="utf-8",
    )
    assert run("-C", scratch, "build").exit_code == 0
    pdf = scratch / "out" / "a-1" / "proposal.pdf"
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        if number < len(pages) or "60" in text.split("Наименование", 1)[-1][:40]:
            assert "Наименование" in text, f"page {number} has no table header"
    assert "<w:tblHeader" in docx_xml(scratch / "out" / "a-1" / "proposal.docx")


# --- discounts in documents -------------------------------------------------------------

DISCOUNT_DOCUMENTS = [
    (offer, name)
    for offer in ("acme-2026-005", "tula-2026-006")
    for name in ("discount-scheme.pdf", "discount-scheme.docx")
]


def _read(path: Path) -> str:
    return _flat(pdf_text(path) if path.suffix == ".pdf" else docx_text(path))


@pytest.mark.parametrize("document", ["discount-scheme.pdf", "discount-scheme.docx"])
def test_discount_appendix_explains_each_scheme(example_build: Path, document: str) -> None:
    text = _read(example_build / "acme-2026-005" / document)
    assert "Приложение к коммерческому предложению № КП-2026-0005 от «02» декабря 2026 г." in text
    assert "Условия предоставления скидок" in text
    assert 'Для: ООО «Акме & Партнёры» "Северо-Запад"' in text
    assert "Скидки рассчитываются от сумм без НДС." in text
    assert "Общая скидка на позицию не превышает 25 %." in text
    # 815 971,83 ₽ net before order-level schemes: 3 % reached, 184 028,17 ₽ short of 5 %
    assert (
        "достигнут уровень от 300 000,00 ₽ — 3 %; следующий уровень от 1 000 000,00 ₽ — "
        "5 %, не хватает 184 028,17 ₽"
    ) in text
    assert "уровень «gold» — 4 %" in text
    assert "скидка 5 %; применена к позициям: 1" in text
    assert "с «01» декабря 2026 г. по «28» февраля 2027 г." in text
    assert "Насос центробежный ЦН-100: 6 шт. × 125 000,00 ₽ = 750 000,00 ₽" in text
    assert "ограничено минимальной ценой 109 800,00 ₽ за ед." in text  # 90 000 net × 1,22
    assert "Итоговая скидка 12,16 %; сумма по позиции 658 800,00 ₽" in text
    assert "Общая скидка по предложению: 12,1 % (129 825,32 ₽)" in text


def test_discount_appendix_names_what_did_not_apply(example_build: Path) -> None:
    text = _read(example_build / "tula-2026-006" / "discount-scheme.docx")
    assert "Скидка 16,84 % превышает 15 % и требует согласования." in text
    assert "Зимняя акция" in text and "не применяется: позиция не входит в условия" in text
    assert "достигнут уровень от 5 000 000,00 ₽ — 4 %" in text  # turnover 2025: 6 200 000
    assert "уровень «platinum» — 6 %" in text


@pytest.mark.parametrize(("offer", "document"), DISCOUNT_DOCUMENTS)
def test_discount_appendix_pdf_and_docx_agree(
    example_build: Path, offer: str, document: str
) -> None:
    pdf = _flat(pdf_text(example_build / offer / "discount-scheme.pdf"))
    body = docx_text(example_build / offer / "discount-scheme.docx").splitlines()[:-1]
    for piece in (_flat(cell) for line in body for cell in line.split("\t")):
        if piece and not piece.startswith("_"):
            assert piece in pdf, piece


@pytest.mark.parametrize("document", ["proposal.pdf", "proposal.docx"])
def test_a_discount_above_the_threshold_shows_a_notice(example_build: Path, document: str) -> None:
    pending = _read(example_build / "tula-2026-006" / document)
    assert "Скидка 16,84 % превышает 15 % и требует согласования." in pending
    assert "Ваша выгода 172 548,79 ₽" in pending
    approved = _read(example_build / "acme-2026-005" / document)
    assert "требует согласования" not in approved
    assert (
        "При заказе от 1 000 000,00 ₽ без НДС скидка «Скидка за объём заказа» составит 5 %; "
        "до этого уровня не хватает 184 028,17 ₽."
    ) in approved
    assert (
        "Учтены скидки: Скидка за количество насосов, Зимняя акция, Скидка постоянного "
        "клиента 4 %, Скидка за предоплату 2 %, Скидка за объём заказа 3 %"
    ) in approved


def test_offers_choose_their_documents(example_build: Path, tmp_path: Path) -> None:
    assert not (example_build / "acme-2026-001" / "discount-scheme.pdf").exists()
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    offer = workspace / "offers" / "acme-2026-005.yaml"
    offer.write_text(
        offer.read_text(encoding="utf-8") + "documents: [proposal]\n", encoding="utf-8"
    )
    assert run("-C", workspace, "build", "acme-2026-005").exit_code == 0
    assert sorted(p.name for p in (workspace / "out" / "acme-2026-005").iterdir()) == [
        "manifest.json",
        "proposal.docx",
        "proposal.pdf",
    ]


def test_english_discount_appendix(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    offer = workspace / "offers" / "nordic-2026-003.yaml"
    offer.write_text(
        offer.read_text(encoding="utf-8") + "schemes: [winter, volume-2026]\n", encoding="utf-8"
    )
    result = run("-C", workspace, "build", "nordic-2026-003")
    assert result.exit_code == 0, result.output
    for document in ("discount-scheme.pdf", "discount-scheme.docx"):
        text = _read(workspace / "out" / "nordic-2026-003" / document)
        assert "Appendix to commercial proposal No. CP-2026-0003 dated December 1, 2026" in text
        assert "Discount terms" in text and "Winter promotion" in text
        # the volume tiers are in RUB; a EUR offer is not measured against them
        assert "does not apply: thresholds are in another currency" in text
        assert "a discount of 5%; applied to lines: 1" in text
        assert "Centrifugal pump CN-100: 10 pcs × €1,350.00 = €13,500.00" in text


# --- offergen verify --------------------------------------------------------------------


def test_verify_finds_every_example_pair_the_same(example_build: Path) -> None:
    result = run("-C", example_workspace(), "verify", "--out", example_build)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "13 pairs checked, 0 differ"


def test_verify_points_at_a_deliberately_altered_docx(example_build: Path, tmp_path: Path) -> None:
    import shutil
    import zipfile

    out = tmp_path / "out"
    shutil.copytree(example_build / "tula-2026-004", out / "tula-2026-004")
    docx = out / "tula-2026-004" / "proposal.docx"
    with zipfile.ZipFile(docx) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    body = members["word/document.xml"].decode("utf-8")
    assert body.count("Гарантия") == 1
    members["word/document.xml"] = body.replace("Гарантия", "Поручительство").encode("utf-8")
    with zipfile.ZipFile(docx, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = run("-C", example_workspace(), "verify", "tula-2026-004", "--out", out)
    assert result.exit_code == 1
    assert "DIFFERENT tula-2026-004/proposal: word " in result.stderr
    assert (
        "PDF «с даты подписания договора Место поставки г. Тула, ул. Советская, д. 15"
        not in result.stderr
    )  # the context starts at the changed word
    assert "Гарантия" in result.stderr and "Поручительство" in result.stderr
    assert result.stdout.splitlines()[-1] == "1 pairs checked, 1 differ"


def test_verify_reports_offers_that_were_not_built(tmp_path: Path) -> None:
    result = run("-C", example_workspace(), "verify", "acme-2026-001", "--out", tmp_path / "empty")
    assert result.exit_code == 1
    assert result.stderr.startswith("MISSING acme-2026-001: nothing built in ")


def test_an_english_offer_prints_the_english_place_of_delivery(scratch: Path) -> None:
    offer = scratch / "offers" / "a-1.yaml"
    offer.write_text(
        offer.read_text(encoding="utf-8") + "locale: en\nterms: {delivery_place: склад Покупателя, "
        "delivery_place_en: the Buyer's warehouse}\n",
        encoding="utf-8",
    )
    assert run("-C", scratch, "build", "--format", "docx").exit_code == 0
    text = _flat(docx_text(scratch / "out" / "a-1" / "proposal.docx"))
    assert "Place of delivery the Buyer's warehouse" in text
    assert "склад" not in text
