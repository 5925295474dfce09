"""The ПРОЕКТ / DRAFT watermark: drawn on every page of a draft, never part of its words."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader

from offergen.errors import RenderError
from offergen.render import Templates

from .conftest import ROOT, copy_workspace, docx_text, run

SHIPPED = Templates(ROOT / "templates")
MARKS = {"ru": "ПРОЕКТ", "en": "DRAFT"}
EVERY_KIND = ("proposal", "discount-scheme", "contract", "disagreements")
DRAFTS = {  # offer: (language, the documents it gets)
    "acme-2026-005": ("ru", EVERY_KIND),
    "acme-2026-105": ("en", EVERY_KIND),
    "kuznetsova-2026-002": ("ru", ("proposal", "contract")),
    "nordic-2026-003": ("en", ("proposal", "contract", "disagreements")),
}
# Six lines end the services contract with its signature block on the last page: the
# layout where the watermark, when it was text, glued to the seal («М.П.ПРОЕКТ»).
SIX_LINES = ("pump-cn100", "pump-cn160", "motor-15kw", "valve-dn100", "pipe-steel-108", "seal-kit")


def _edit(path: Path, pattern: str, replacement: str) -> str:
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"))
    assert count == 1, pattern
    path.write_text(text, encoding="utf-8")
    return text


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with draft offers of every document kind in both languages, built."""
    workspace = copy_workspace(ROOT, tmp_path_factory.mktemp("drafts"))
    offers = workspace / "offers"
    russian = _edit(offers / "acme-2026-005.yaml", r"status: approved", "status: draft")
    (offers / "acme-2026-105.yaml").write_text(
        russian.replace("number: КП-2026-0005", "number: КП-2026-0105\nlocale: en"),
        encoding="utf-8",
    )
    lines = "".join(f"  - sku: {sku}\n    qty: 1\n" for sku in SIX_LINES)
    _edit(offers / "kuznetsova-2026-002.yaml", r"items:\n(?:  .*\n)+", "items:\n" + lines)
    result = run("-C", workspace, "build", *DRAFTS)
    assert result.exit_code == 0, result.output
    return workspace


def _contour_starts(word: str) -> set[tuple[float, float]]:
    """Where the outline of each letter's contours begins, in the watermark's own units."""
    path = SHIPPED.outline(word).path
    return {(float(x), float(y)) for x, y in re.findall(r"M(-?[\d.]+) (-?[\d.]+)", path)}


def _moves(page: PageObject) -> set[tuple[float, float]]:
    contents = page.get_contents()
    assert contents is not None
    return {
        (float(operands[0]), float(operands[1]))
        for operands, operator in contents.operations
        if operator == b"m"
    }


def _draws(page: PageObject, word: str) -> bool:
    return _contour_starts(word) <= _moves(page)


def _header_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("word/header")
        )


@pytest.mark.parametrize("offer", DRAFTS)
def test_every_page_of_a_draft_draws_the_watermark_and_no_text_holds_it(
    drafts: Path, offer: str
) -> None:
    language, kinds = DRAFTS[offer]
    mark, folder = MARKS[language], drafts / "out" / offer
    assert sorted(p.stem for p in folder.glob("*.pdf")) == sorted(kinds)
    for kind in kinds:
        pages = PdfReader(folder / f"{kind}.pdf").pages
        for number, page in enumerate(pages, 1):
            assert mark not in page.extract_text(), f"{kind}.pdf page {number}"
            assert _draws(page, mark), f"{kind}.pdf page {number}"
        docx = folder / f"{kind}.docx"
        assert f'string="{mark}"' in _header_xml(docx), docx.name  # Word's own watermark
        assert mark not in docx_text(docx), docx.name


def test_the_contract_ends_with_the_signature_block_on_its_last_page(drafts: Path) -> None:
    # The layout the watermark once broke: keep it, or find another that ends so.
    pdf = PdfReader(drafts / "out" / "kuznetsova-2026-002" / "contract.pdf")
    last = pdf.pages[-1].extract_text().splitlines()
    assert last[-3:-1] == ["__________________ / Кузнецова М. О.", "М.П."]


def test_verify_finds_every_draft_pair_the_same(drafts: Path) -> None:
    result = run("-C", drafts, "verify", *DRAFTS)
    assert result.exit_code == 0, result.output
    pairs = [f"same {offer}/{kind}" for offer, (_, kinds) in DRAFTS.items() for kind in kinds]
    assert result.stdout.splitlines() == [*sorted(pairs), f"{len(pairs)} pairs checked, 0 differ"]


@pytest.mark.parametrize("offer", ["acme-2026-005", "tula-2026-004"])  # approved, sent
def test_offers_past_review_carry_no_watermark(example_build: Path, offer: str) -> None:
    for pdf in (example_build / offer).glob("*.pdf"):
        for page in PdfReader(pdf).pages:
            assert not any(_draws(page, mark) for mark in MARKS.values()), pdf.name
    for docx in (example_build / offer).glob("*.docx"):
        assert "textpath" not in _header_xml(docx), docx.name


def test_a_letter_the_font_lacks_is_an_error() -> None:
    with pytest.raises(RenderError) as raised:
        SHIPPED.outline("ПРОЕКТ 草")
    assert str(raised.value) == "fonts/DejaVuSans-Bold.ttf: has no letter '草' for the watermark"


def test_templates_without_the_watermark_font_say_so(tmp_path: Path) -> None:
    with pytest.raises(RenderError) as raised:
        Templates(tmp_path).outline("DRAFT")
    assert str(raised.value) == f"fonts/DejaVuSans-Bold.ttf: not found in {tmp_path.resolve()}"
