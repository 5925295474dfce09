"""`offergen negotiate import`: the client's copy of the contract read back clause by
clause, untracked, with the project's own redlines, with Word-style XML and through
LibreOffice."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from lxml import etree

from offergen.negotiate.importing import our_contract
from offergen.negotiate.marks import bookmark_map, clause_bookmark
from offergen.negotiate.read import read_blocks
from offergen.redline import redline_counts, redline_docx

from .conftest import ROOT, Repo, copy_workspace, load_strict, run, skip_outside_ci

OFFER = "acme-2026-005"
DAY = "2026-12-05"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The client's edits: clause 3.6 (payment.method) and 4.1 (delivery.term) reworded.
METHOD_OLD, METHOD_NEW = "безналичном порядке", "наличном порядке"
TERM_OLD, TERM_NEW = "в течение 14 календарных дней", "в течение 7 календарных дней"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return copy_workspace(ROOT, tmp_path / "ws")


def sent(workspace: Path, offer: str = OFFER) -> bytes:
    return our_contract(load_strict(workspace), offer)


def _paragraph_with(document: docx.document.Document, start: str) -> docx.text.paragraph.Paragraph:
    return next(p for p in document.paragraphs if p.text.startswith(start))


def _retype(paragraph: docx.text.paragraph.Paragraph, old: str, new: str) -> None:
    """The paragraph's text with `old` replaced, as one run: what an editor leaves."""
    text = paragraph.text.replace(old, new)
    assert text != paragraph.text
    paragraph.runs[0].text = text
    for extra in paragraph.runs[1:]:
        extra._r.getparent().remove(extra._r)


def edited(contract: bytes, *, data: bool = True) -> bytes:
    """The contract edited with python-docx, nothing tracked: two clauses reworded and,
    with `data`, the buyer's р/с and a quantity of the specification changed."""
    document = docx.Document(io.BytesIO(contract))
    _retype(_paragraph_with(document, "3.6."), METHOD_OLD, METHOD_NEW)
    _retype(_paragraph_with(document, "4.1."), TERM_OLD, TERM_NEW)
    if data:
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        if "40702810938000012345" in paragraph.text:
                            _retype(paragraph, "40702810938000012345", "40702810938000099999")
                        elif paragraph.text == "12":  # line 2's quantity
                            _retype(paragraph, "12", "15")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def clause_text(contract: bytes, clause_id: str) -> str:
    block = next(b for b in read_blocks(contract) if b.bookmark == clause_bookmark(clause_id))
    return re.sub(r"^\d+(\.\d+)*\.\s*", "", block.text)


def expected_rounds(contract: bytes) -> dict[str, str]:
    return {
        "payment.method": clause_text(contract, "payment.method").replace(METHOD_OLD, METHOD_NEW),
        "delivery.term": clause_text(contract, "delivery.term").replace(TERM_OLD, TERM_NEW),
    }


def import_file(workspace: Path, contract: bytes, name: str = "back.docx") -> tuple[int, str]:
    path = workspace / name
    path.write_bytes(contract)
    result = run("-C", workspace, "negotiate", "import", OFFER, path, "--date", DAY)
    return result.exit_code, result.output


def client_rounds(workspace: Path) -> dict[str, list[tuple[str, date | None, str]]]:
    contract = load_strict(workspace).offer(OFFER).contract
    assert contract is not None
    return {
        clause_id: [(r.by, r.date, r.text.ru or "") for r in point.rounds]
        for clause_id, point in contract.negotiation.items()
    }


def assert_recorded(workspace: Path, contract: bytes) -> None:
    rounds = client_rounds(workspace)
    for clause_id, text in expected_rounds(contract).items():
        assert rounds[clause_id] == [("client", date(2026, 12, 5), text)]
    assert set(rounds) == {"payment.method", "delivery.term", *ALREADY}


# The points the example offer has already: the client's three and the warranty agreed as terms.
ALREADY = ("payment.prepayment", "liability.late_delivery", "delivery.acceptance", "warranty.term")


# --- the bookmarks -----------------------------------------------------------------------------


def test_every_clause_paragraph_carries_a_safe_bookmark_of_its_id(workspace: Path) -> None:
    contract = sent(workspace)
    library = load_strict(workspace).clause_library("supply").library.ids()
    names = bookmark_map(library)
    assert len(names) == len(library)
    for name in names:
        assert len(name) <= 40 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name)
    marks = [b.bookmark for b in read_blocks(contract) if b.region == "clause"]
    assert marks and all(mark in names for mark in marks)
    assert clause_bookmark("payment.balance") != clause_bookmark("payment_balance")


def test_the_contract_stays_byte_deterministic(workspace: Path) -> None:
    assert sent(workspace) == sent(workspace)


# --- untracked edits -----------------------------------------------------------------------------


def test_untracked_edits_become_client_rounds_and_findings(workspace: Path) -> None:
    contract = sent(workspace)
    before = (workspace / "offers" / f"{OFFER}.yaml").read_text("utf-8")
    code, output = import_file(workspace, edited(contract))
    assert code == 0, output
    assert_recorded(workspace, contract)
    lines = output.splitlines()
    assert lines[0].startswith("п. 3.6 payment.method: «Оплата производится в безналичном")
    assert "«Оплата производится в наличном порядке" in lines[0]
    assert lines[1].startswith("п. 4.1 delivery.term: ") and "7 календарных" in lines[1]
    assert (
        "finding: Buyer's requisites: «…БИК 044525225, р/с 40702810938000012345, к/с…» → "
        "«…БИК 044525225, р/с 40702810938000099999, к/с…»: update clients/acme.yaml"
    ) in lines
    assert (
        "finding: specification, line 2, Кол-во: 12 → 15: quantities and prices are the "
        "offer's data, never taken from the client's file: change offers/acme-2026-005.yaml "
        "(items) if agreed"
    ) in lines
    assert lines[-1] == (
        "2 client rounds written to offers/acme-2026-005.yaml; 2 findings to settle by hand"
    )
    after = (workspace / "offers" / f"{OFFER}.yaml").read_text("utf-8")
    assert after.startswith(before)  # every line, comment and flow mapping as it was
    assert "# every side's wording of each clause in dispute" in after


def test_a_second_import_changes_nothing(workspace: Path) -> None:
    back = edited(sent(workspace))
    assert import_file(workspace, back)[0] == 0
    offer = workspace / "offers" / f"{OFFER}.yaml"
    first = offer.read_bytes()
    code, output = import_file(workspace, back)
    assert code == 0, output
    assert offer.read_bytes() == first
    assert output.splitlines()[0].endswith("(recorded already)")
    assert output.splitlines()[-1].startswith("0 client rounds written")


def test_a_new_client_round_follows_the_earlier_ones(workspace: Path) -> None:
    contract = sent(workspace)
    import_file(workspace, edited(contract, data=False))
    document = docx.Document(io.BytesIO(edited(contract, data=False)))
    _retype(_paragraph_with(document, "3.6."), METHOD_NEW, "наличном или безналичном порядке")
    out = io.BytesIO()
    document.save(out)
    code, output = import_file(workspace, out.getvalue())
    assert code == 0, output
    rounds = client_rounds(workspace)["payment.method"]
    assert len(rounds) == 2 and "наличном или безналичном порядке" in rounds[1][2]


def test_an_offer_without_a_record_gets_its_negotiation_key(workspace: Path) -> None:
    offer = "kuznetsova-2026-002"
    contract = sent(workspace, offer)
    document = docx.Document(io.BytesIO(contract))
    first = next(p for p in document.paragraphs if p.text.startswith("1.1."))
    _retype(first, first.text[5:15], "ИЗМЕНЕНО")
    path = workspace / "back.docx"
    document.save(str(path))
    source = workspace / "offers" / f"{offer}.yaml"
    before = source.read_text("utf-8")
    result = run("-C", workspace, "negotiate", "import", offer, path, "--date", DAY)
    assert result.exit_code == 0, result.output
    negotiation = load_strict(workspace).offer(offer).contract.negotiation  # type: ignore[union-attr]
    assert len(negotiation) == 1
    (point,) = negotiation.values()
    assert point.state == "open" and "ИЗМЕНЕНО" in (point.rounds[0].text.ru or "")
    after = source.read_text("utf-8").splitlines()
    assert [line for line in after if line in before.splitlines()] == before.splitlines()


# --- tracked changes ----------------------------------------------------------------------------


def test_the_projects_redlines_read_as_the_edits(workspace: Path) -> None:
    contract = sent(workspace)
    tracked = redline_docx(
        contract,
        edited(contract, data=False),
        author="Покупатель",
        date=datetime(2026, 12, 4, tzinfo=UTC),
    )
    assert tracked is not None and all(redline_counts(tracked))
    code, output = import_file(workspace, tracked)
    assert code == 0, output
    assert_recorded(workspace, contract)
    assert "finding:" not in output


RSID = 'w:rsidR="00A1B2C3" w:rsidRPr="00D4E5F6"'
MARK = 'w:author="Юрист Покупателя" w:date="2026-12-04T10:00:00Z"'


def _word_paragraph(bookmark: str, mark: int, runs: str, properties: str = "") -> str:
    return (
        f'<w:p xmlns:w="{W[1:-1]}" w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">'
        f'<w:pPr><w:jc w:val="both"/>{properties}</w:pPr>'
        f'<w:bookmarkStart w:id="{mark}" w:name="{bookmark}"/>{runs}'
        f'<w:bookmarkEnd w:id="{mark}"/></w:p>'
    )


def _run(text: str, tag: str = "w:t") -> str:
    properties = '<w:rPr><w:sz w:val="20"/></w:rPr>'
    return f'<w:r {RSID}>{properties}<{tag} xml:space="preserve">{escape(text)}</{tag}></w:r>'


def word_style(contract: bytes) -> bytes:
    """Word's way with the same edits: the number and the words split over runs with
    rsids, a deletion and an insertion, a comment on 3.6, a new clause inserted before it
    (3.6 renumbered 3.7), and clause 10.6 moved after 10.7 (moveFrom at its old place,
    moveTo with its bookmark at the new)."""
    archive = zipfile.ZipFile(io.BytesIO(contract))
    root = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = {
        (p.find(f"{W}bookmarkStart").get(f"{W}name")): p
        for p in root.iter(f"{W}p")
        if p.find(f"{W}bookmarkStart") is not None
    }
    texts = {cid: clause_text(contract, cid) for cid in ("payment.method", "delivery.term")}
    method = texts["payment.method"]
    head, tail = method.split(METHOD_OLD.split()[0], 1)
    runs = (
        _run("3.")
        + f'<w:del w:id="899" {MARK}>{_run("6", "w:delText")}</w:del>'
        + f'<w:ins w:id="900" {MARK}>{_run("7")}</w:ins>'
        + _run(". ")
        + '<w:commentRangeStart w:id="0"/>'
        + _run(head[:7])
        + _run(head[7:])
        + f'<w:del w:id="901" {MARK}>{_run("безналичном", "w:delText")}</w:del>'
        + f'<w:ins w:id="902" {MARK}>{_run("наличном")}</w:ins>'
        + '<w:proofErr w:type="spellStart"/>'
        + _run(tail)
        + '<w:proofErr w:type="spellEnd"/>'
        + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
    )
    _replace(
        paragraphs, "payment.method", _word_paragraph(clause_bookmark("payment.method"), 500, runs)
    )
    new_clause = (
        f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:rPr><w:ins w:id="898" {MARK}/></w:rPr></w:pPr>'
        f'<w:ins w:id="897" {MARK}>{_run("3.6. Оплата возможна векселем.")}</w:ins></w:p>'
    )
    paragraphs[clause_bookmark("payment.method")] = next(
        p
        for p in root.iter(f"{W}p")
        if clause_bookmark("payment.method") in etree.tostring(p, encoding=str)
    )
    paragraphs[clause_bookmark("payment.method")].addprevious(etree.fromstring(new_clause))
    term = texts["delivery.term"]
    head, tail = term.split(TERM_OLD, 1)
    runs = (
        _run("4.1. ")
        + _run(head)
        + _run("в течение ")
        + f'<w:del w:id="903" {MARK}>{_run("14", "w:delText")}</w:del>'
        + f'<w:ins w:id="904" {MARK}>{_run("7")}</w:ins>'
        + _run(" календарных дней" + tail)
    )
    _replace(
        paragraphs, "delivery.term", _word_paragraph(clause_bookmark("delivery.term"), 501, runs)
    )
    moved = paragraphs[clause_bookmark("final.counterparts")]
    text = clause_text(contract, "final.counterparts")
    gone = _word_paragraph(
        "_moveFrom1",
        502,
        f'<w:moveFrom w:id="905" {MARK}>{_run("10.6. " + text)}</w:moveFrom>',
        f'<w:rPr><w:moveFrom w:id="906" {MARK}/></w:rPr>',
    )
    arrived = _word_paragraph(
        clause_bookmark("final.counterparts"),
        503,
        f'<w:moveTo w:id="907" {MARK}>{_run("10.7. " + text)}</w:moveTo>',
    )
    after = paragraphs[clause_bookmark("final.appendices")]
    moved.addprevious(etree.fromstring(gone))
    moved.getparent().remove(moved)
    after.addnext(etree.fromstring(arrived))
    comments = (
        f'<w:comments xmlns:w="{W[1:-1]}"><w:comment w:id="0" {MARK}><w:p>'
        f"{_run('Только наличные: касса на складе')}</w:p></w:comment></w:comments>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in archive.namelist():
            data = archive.read(member)
            target.writestr(member, etree.tostring(root) if member == "word/document.xml" else data)
        target.writestr("word/comments.xml", comments)
    return out.getvalue()


def _replace(paragraphs: dict[str, etree._Element], clause_id: str, xml: str) -> None:
    old = paragraphs[clause_bookmark(clause_id)]
    old.addprevious(etree.fromstring(xml))
    old.getparent().remove(old)


def test_word_style_tracked_changes_read_as_the_edits(workspace: Path) -> None:
    contract = sent(workspace)
    code, output = import_file(workspace, word_style(contract))
    assert code == 0, output
    assert_recorded(workspace, contract)
    assert "final.counterparts" not in output  # moved, not reworded
    assert output.splitlines()[0].startswith("п. 3.6 payment.method: ")  # renumbered 3.7
    assert (
        "finding: contract text outside the clauses, added: (none) → 3.6. Оплата возможна "
        "векселем.: section titles and clause texts live in the clause library "
        "(templates/clauses); a paragraph the client adds has no clause id: raise it by hand"
    ) in output.splitlines()
    assert "comment: Юрист Покупателя: Только наличные: касса на складе" in output


# --- refusals -------------------------------------------------------------------------------------


def test_a_document_not_ours_is_refused(workspace: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Договор поставки № 2026/015")
    path = workspace / "theirs.docx"
    document.save(str(path))
    result = run("-C", workspace, "negotiate", "import", OFFER, path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: theirs.docx is not a contract offergen made: it carries none of the clause "
        "bookmarks (c_…) that offergen's contracts have"
    )


def test_another_offers_contract_is_refused(workspace: Path) -> None:
    code, output = import_file(workspace, sent(workspace, "nordic-2026-003"))
    assert code == 1
    assert output.startswith("error: back.docx is «") and "the contract of another offer" in output
    assert "payment.method" not in (workspace / "offers" / f"{OFFER}.yaml").read_text("utf-8")


def test_a_file_that_is_not_a_docx_is_refused(workspace: Path) -> None:
    code, output = import_file(workspace, b"plain text")
    assert code == 1 and output.startswith("error: not a Word document (.docx)")


# --- LibreOffice -------------------------------------------------------------------------------


def test_a_copy_saved_by_libreoffice_reads_the_same(workspace: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        skip_outside_ci("LibreOffice (soffice) is not installed")
    contract = sent(workspace)
    tracked = redline_docx(
        contract, edited(contract), author="Покупатель", date=datetime(2026, 12, 4, tzinfo=UTC)
    )
    assert tracked is not None
    source = tmp_path / "lo" / "tracked.docx"
    source.parent.mkdir()
    source.write_bytes(tracked)
    for target in ("odt", "docx"):  # through LibreOffice's own format and back
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{tmp_path}/profile",
                "--convert-to",
                target,
                "--outdir",
                str(source.parent),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        source = source.with_suffix(f".{target}")
    code, output = import_file(workspace, source.read_bytes())
    assert code == 0, output
    assert_recorded(workspace, contract)
    assert "Buyer's requisites" in output and "Кол-во: 12 → 15" in output


# --- the version we sent ------------------------------------------------------------------------


def test_a_copy_is_compared_with_the_version_we_sent(repo: Repo) -> None:
    """The copy names its commit in its keywords; what we changed since is ours, not the
    client's proposal."""
    workspace = repo.root
    assert run("-C", workspace, "build", OFFER).exit_code == 0
    contract = (workspace / "out" / OFFER / "contract.docx").read_bytes()
    assert re.search(
        r"· [0-9a-f]{7}$", docx.Document(io.BytesIO(contract)).core_properties.keywords
    )
    repo.edit(f"offers/{OFFER}.yaml", "delivery_days: 14", "delivery_days: 21")
    repo.commit("Срок поставки 21 день", "2026-11-02")
    back = docx.Document(io.BytesIO(contract))
    _retype(_paragraph_with(back, "3.6."), METHOD_OLD, METHOD_NEW)
    path = workspace / "back.docx"
    back.save(str(path))
    result = run("-C", workspace, "negotiate", "import", OFFER, path, "--date", DAY)
    assert result.exit_code == 0, result.output
    rounds = client_rounds(workspace)
    assert "delivery.term" not in rounds
    assert rounds["payment.method"][0][2] == expected_rounds(contract)["payment.method"]
    assert "finding:" not in result.output


def test_a_decided_point_or_a_deleted_clause_is_a_finding(workspace: Path) -> None:
    document = docx.Document(io.BytesIO(sent(workspace)))
    _retype(_paragraph_with(document, "3.5."), "100 %", "50 %")  # payment.prepayment: agreed
    deleted = _paragraph_with(document, "3.9.")  # payment.reconciliation
    deleted._p.getparent().remove(deleted._p)
    out = io.BytesIO()
    document.save(out)
    offer = workspace / "offers" / f"{OFFER}.yaml"
    before = offer.read_bytes()
    code, output = import_file(workspace, out.getvalue())
    assert code == 0, output
    assert output.splitlines() == [
        "finding: п. 3.5 payment.prepayment: the client changed it, but the point is agreed "
        "already: record a new round by hand if it is reopened",
        "finding: п. 3.9 payment.reconciliation: deleted in the client's copy; a deletion is "
        "not a wording: record it by hand in offers/acme-2026-005.yaml "
        "contract.negotiation.payment.reconciliation",
        "0 client rounds written to offers/acme-2026-005.yaml; 2 findings to settle by hand",
    ]
    assert offer.read_bytes() == before
