"""Redlines: tracked changes in DOCX and <ins>/<del> in HTML, checked on the real markup."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import docx
import lxml.html
import weasyprint
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from offergen.redline import redline_counts, redline_docx, redline_html

from .conftest import ROOT, copy_workspace, pdf_text, run

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NBSP = "\u00a0"
WHEN = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)

Runs = list[tuple[str, bool]]  # (text, bold)


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]


def make_docx(*blocks: str | Runs | Table) -> bytes:
    document = docx.Document()
    for block in blocks:
        if isinstance(block, Table):
            table = document.add_table(rows=0, cols=len(block.rows[0]))
            for values in block.rows:
                for cell, value in zip(table.add_row().cells, values, strict=True):
                    cell.text = value
        elif isinstance(block, str):
            document.add_paragraph(block)
        else:
            paragraph = document.add_paragraph()
            for text, bold in block:
                paragraph.add_run(text).bold = bold
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def redline(old: bytes, new: bytes) -> bytes | None:
    return redline_docx(old, new, author="Отдел продаж", date=WHEN)


def body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml")).find(W + "body")


def is_mark(change: etree._Element) -> bool:
    """A paragraph-mark or row mark, rather than a wrapper of runs."""
    return change.getparent().tag in (W + "rPr", W + "trPr")


def inserted(root: etree._Element) -> list[str]:
    return [
        "".join(t.text or "" for t in change.iter(W + "t"))
        for change in root.iter(W + "ins")
        if not is_mark(change)
    ]


def deleted(root: etree._Element) -> list[str]:
    return [
        "".join(t.text or "" for t in change.iter(W + "delText"))
        for change in root.iter(W + "del")
        if not is_mark(change)
    ]


def text(root: etree._Element) -> str:
    """Every paragraph of the body (table cells included), in order."""
    return "\n".join(
        "".join(t.text or "" for t in paragraph.iter(W + "t")) for paragraph in root.iter(W + "p")
    )


def resolved(root: etree._Element, keep: str) -> str:
    """The text once every change is accepted (keep="ins") or rejected (keep="del").

    As Word does it: the runs and rows of the other kind go, and a paragraph whose mark
    goes joins the paragraph after it; before a table or at the end of the body or a
    cell it stays. (LibreOffice keeps it before a table whose rows all go, too.)
    """
    drop = "del" if keep == "ins" else "ins"
    root = copy.deepcopy(root)
    for row in list(root.iter(W + "tr")):
        if row.find(f"{W}trPr/{W}{drop}") is not None:
            row.getparent().remove(row)
    for table in list(root.iter(W + "tbl")):
        if table.find(W + "tr") is None:
            table.getparent().remove(table)
    for change in list(root.iter(W + drop, W + keep)):
        if not is_mark(change) and change.tag == W + keep:
            for child in list(change):
                change.addprevious(child)
        if not is_mark(change) or change.tag == W + keep:
            change.getparent().remove(change)
    for part in root.iter(W + "delText"):
        part.tag = W + "t"
    for paragraph in list(root.iter(W + "p")):
        following = paragraph.getnext()
        joins = following is not None and following.tag == W + "p"
        if paragraph.find(f"{W}pPr/{W}rPr/{W}{drop}") is not None and joins:
            at = 1 if following.find(W + "pPr") is not None else 0
            for child in reversed([c for c in paragraph if c.tag != W + "pPr"]):
                following.insert(at, child)
            paragraph.getparent().remove(paragraph)
    return text(root)


def accepted(root: etree._Element) -> str:
    return resolved(root, "ins")


def rejected(root: etree._Element) -> str:
    return resolved(root, "del")


def check_docx(old: bytes, new: bytes) -> etree._Element:
    """Redline `old` -> `new` and check what holds for every redline; return its body."""
    out = redline(old, new)
    assert out is not None
    root = body(out)
    assert accepted(root) == text(body(new))
    assert rejected(root) == text(body(old))
    docx.Document(io.BytesIO(out))  # opens
    changes = list(root.iter(W + "ins", W + "del"))
    assert {(c.get(W + "author"), c.get(W + "date")) for c in changes} == {
        ("Отдел продаж", "2026-11-28T10:00:00Z")
    }
    ids = [c.get(W + "id") for c in changes]
    assert len(set(ids)) == len(ids)
    assert root[-1].tag == W + "sectPr"
    return root


OLD_DOCX = make_docx(
    "Договор поставки",
    "Этот пункт будет удалён.",
    [("Поставщик обязуется ", False), ("поставить", True), (" товар в срок.", False)],
    "Срок поставки 14 дней",
    Table(
        [
            ["№", "Товар", "Кол-во", "Сумма"],
            ["1", "Насос", "6", f"1{NBSP}234,00{NBSP}₽"],
            ["2", "Задвижка", "12", f"500,00{NBSP}₽"],
            ["3", "Труба", "40", f"900,00{NBSP}₽"],
        ]
    ),
    "Итого",
)
NEW_DOCX = make_docx(
    "Договор поставки",
    [("Поставщик обязуется ", False), ("поставить", True), (" весь товар в срок.", False)],
    "Срок поставки 21 день",
    Table(
        [
            ["№", "Товар", "Кол-во", "Сумма"],
            ["1", "Насос", "8", f"1{NBSP}645,33{NBSP}₽"],
            ["3", "Труба", "40", f"900,00{NBSP}₽"],
            ["4", "Фланец", "2", f"100,00{NBSP}₽"],
        ]
    ),
    "Итого",
    "Новый пункт о гарантии.",
)


def test_docx_words_rows_and_paragraphs_become_tracked_changes() -> None:
    root = check_docx(OLD_DOCX, NEW_DOCX)
    assert inserted(root) == [
        " весь",
        "21 день",
        "8",
        f"1{NBSP}645,33",
        *["4", "Фланец", "2", f"100,00{NBSP}₽"],
        "Новый пункт о гарантии.",
    ]
    assert deleted(root) == [
        "Этот пункт будет удалён.",
        "14 дней",
        "6",
        f"1{NBSP}234,00",
        *["2", "Задвижка", "12", f"500,00{NBSP}₽"],
    ]
    rows = root.findall(f"{W}tbl/{W}tr")
    assert [row_mark(row) for row in rows] == [None, None, "del", None, "ins"]


def row_mark(row: etree._Element) -> str | None:
    mark = row.find(f"{W}trPr/*")
    return None if mark is None else etree.QName(mark).localname


def test_docx_changed_words_keep_the_formatting_of_their_runs() -> None:
    paragraph = check_docx(OLD_DOCX, NEW_DOCX).findall(W + "p")[2]
    runs = [
        ("".join(t.text for t in run.iter(W + "t")), run.find(f"{W}rPr/{W}b").get(W + "val"))
        for run in paragraph.iter(W + "r")
    ]
    assert runs == [
        ("Поставщик обязуется ", "0"),
        ("поставить", None),  # bold
        (" весь", "0"),
        (" товар в срок.", "0"),
    ]
    spaced = paragraph.find(f"{W}ins/{W}r/{W}t")
    assert spaced.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_docx_same_text_gives_none() -> None:
    old = make_docx([("Срок поставки ", False), ("14 дней", True)], Table([["1", "Насос"]]))
    new = make_docx("Срок поставки 14 дней", Table([["1", "Насос"]]))
    assert redline(old, new) is None


def test_docx_output_is_deterministic_and_keeps_new_members() -> None:
    out = redline(OLD_DOCX, NEW_DOCX)
    assert out is not None and out == redline(OLD_DOCX, NEW_DOCX)
    with zipfile.ZipFile(io.BytesIO(out)) as ours, zipfile.ZipFile(io.BytesIO(NEW_DOCX)) as new:
        assert [(i.filename, i.date_time) for i in ours.infolist()] == [
            (i.filename, i.date_time) for i in new.infolist()
        ]
        assert {i.compress_type for i in ours.infolist()} == {zipfile.ZIP_DEFLATED}
        for name in new.namelist():
            if name != "word/document.xml":
                assert ours.read(name) == new.read(name), name


def test_docx_date_is_written_in_utc() -> None:
    moscow = WHEN.astimezone(timezone(timedelta(hours=3)))
    out = redline_docx(OLD_DOCX, NEW_DOCX, author="a", date=moscow)
    assert out is not None
    assert {change.get(W + "date") for change in body(out).iter(W + "ins")} == {
        "2026-11-28T10:00:00Z"
    }


def edited(data: bytes, paragraph: int, edit: Callable[[etree._Element], object]) -> bytes:
    """`data` with the XML of one body paragraph edited: what python-docx cannot make."""
    document = docx.Document(io.BytesIO(data))
    edit(document.paragraphs[paragraph]._p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_bookmark(data: bytes, paragraph: int, bookmark_id: str) -> bytes:
    """`data` with a bookmark around the runs of one body paragraph."""

    def bookmark(p: etree._Element) -> None:
        attributes = {W + "id": bookmark_id, W + "name": "b"}
        p.find(W + "r").addprevious(p.makeelement(W + "bookmarkStart", attributes))
        p.append(p.makeelement(W + "bookmarkEnd", {W + "id": bookmark_id}))

    return edited(data, paragraph, bookmark)


def test_docx_ids_start_above_existing_ones_and_bookmarks_stay() -> None:
    old = with_bookmark(make_docx("Срок поставки 14 дней", "Конец"), 0, "41")
    new = with_bookmark(make_docx("Срок поставки 21 день", "Конец"), 0, "41")
    root = check_docx(old, new)
    ids = sorted(int(c.get(W + "id")) for c in root.iter(W + "ins", W + "del"))
    assert ids == [42, 43]
    paragraph = root.find(W + "p")
    assert [etree.QName(child).localname for child in paragraph] == [
        "bookmarkStart",
        "r",
        "del",
        "ins",
        "bookmarkEnd",
    ]


def test_docx_deleted_paragraph_after_a_table_stays_in_the_body() -> None:
    old = make_docx("Спецификация", Table([["1", "Насос"]]), "Примечание к таблице", "Подписи")
    new = make_docx("Спецификация", Table([["1", "Насос"]]), "Подписи")
    root = check_docx(old, new)
    assert [etree.QName(child).localname for child in root] == ["p", "tbl", "p", "p", "sectPr"]
    assert deleted(root) == ["Примечание к таблице"]


def test_docx_rows_of_a_deleted_table_keep_a_table_of_their_own() -> None:
    items = Table([["1", "Насос", "6"], ["2", "Труба", "40"]])
    discounts = Table([["Объём", "5 %"], ["Лояльность", "2 %"]])
    old = make_docx("Спецификация", items, discounts, "Подписи")
    new = make_docx("Спецификация", items, "Подписи")
    root = check_docx(old, new)
    tables = root.findall(W + "tbl")
    assert len(tables) == 2
    assert not list(tables[0].iter(W + "del"))
    assert all(row.find(f"{W}trPr/{W}del") is not None for row in tables[1].iter(W + "tr"))
    assert deleted(root) == ["Объём", "5 %", "Лояльность", "2 %"]


def test_docx_rows_added_to_an_empty_place_and_whole_table_inserted() -> None:
    old = make_docx("Спецификация", "Подписи")
    new = make_docx("Спецификация", Table([["1", "Насос"], ["2", "Труба"]]), "Подписи")
    root = check_docx(old, new)
    assert inserted(root) == ["1", "Насос", "2", "Труба"]


def with_field(data: bytes, paragraph: int) -> bytes:
    """`data` with a PAGE field at the end of one paragraph: not a simple paragraph."""

    def field(p: etree._Element) -> None:
        simple = etree.SubElement(p, W + "fldSimple", {W + "instr": "PAGE"})
        etree.SubElement(etree.SubElement(simple, W + "r"), W + "t").text = "1"

    return edited(data, paragraph, field)


def test_docx_deleted_copies_leave_out_what_points_into_old() -> None:
    """A hyperlink's relationship or a bookmark name of OLD means nothing, or else, in NEW."""

    def link(p: etree._Element) -> None:
        hyperlink = etree.SubElement(p, W + "hyperlink", {R + "id": "rId99"})
        etree.SubElement(etree.SubElement(hyperlink, W + "r"), W + "t").text = "сайт"

    old = with_bookmark(edited(make_docx("Вступление", "Смотрите ", "Конец"), 1, link), 1, "7")
    root = check_docx(old, make_docx("Вступление", "Конец"))
    assert deleted(root) == ["Смотрите сайт"]  # one deletion: the link is unwrapped
    assert not [e for e in root.iter() if e.tag in (W + "hyperlink", W + "bookmarkStart")]
    assert R + "id" not in etree.tostring(root, encoding="unicode")


def test_docx_paragraph_with_a_field_is_replaced_whole() -> None:
    old = with_field(make_docx("Стр. 14 дней ", "Конец"), 0)
    new = with_field(make_docx("Стр. 21 день ", "Конец"), 0)
    root = check_docx(old, new)
    assert deleted(root) == ["Стр. 14 дней ", "1"]  # the field's run is marked inside it
    assert inserted(root) == ["Стр. 21 день ", "1"]
    assert [paragraph_mark(p) for p in root.iter(W + "p")] == [{"del"}, {"ins"}, set()]


def paragraph_mark(paragraph: etree._Element) -> set[str]:
    return {etree.QName(m).localname for m in paragraph.iterfind(f"{W}pPr/{W}rPr/*")}


def test_docx_change_of_the_last_paragraph_marks_the_one_before() -> None:
    """Word keeps the last paragraph mark: the mark before it is the one that goes."""
    old = make_docx("Вступление", "Срок поставки 14 дней")
    new = make_docx("Вступление", "Срок поставки 14 дней", "Гарантия 24 месяца")
    root = check_docx(old, new)
    assert [paragraph_mark(p) for p in root.iter(W + "p")] == [set(), {"ins"}, set()]
    root = check_docx(new, old)
    assert [paragraph_mark(p) for p in root.iter(W + "p")] == [set(), {"del"}, set()]
    root = check_docx(make_docx("Вступление", "Старый пункт"), make_docx("Вступление", "Новый"))
    assert [paragraph_mark(p) for p in root.iter(W + "p")] == [set(), set()]  # word diff


def test_redline_counts() -> None:
    assert redline_counts(redline(OLD_DOCX, NEW_DOCX) or b"") == (15, 14)
    assert redline_counts(NEW_DOCX) == (0, 0)


def built_contract(workspace: Path, edits: dict[str, str]) -> bytes:
    """The example contract of acme-2026-005, built after `edits` to its offer."""
    offer = workspace / "offers" / "acme-2026-005.yaml"
    yaml = offer.read_text("utf-8")
    for before, after in edits.items():
        assert before in yaml
        yaml = yaml.replace(before, after)
    offer.write_text(yaml, "utf-8")
    result = run("-C", workspace, "build", "acme-2026-005", "--format", "docx", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return (workspace / "out" / "acme-2026-005" / "contract.docx").read_bytes()


def test_docx_redline_of_the_example_contract(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    old = built_contract(workspace, {})
    new = built_contract(
        workspace, {"    qty: 6\n": "    qty: 8\n", "delivery_days: 14": "delivery_days: 21"}
    )
    root = check_docx(old, new)
    assert "14 календарных дней" in deleted(root)
    assert "21 календарного дня" in inserted(root)
    changed_rows = [(deleted(row), inserted(row)) for row in root.iter(W + "tr") if deleted(row)]
    assert (["6"], ["8"]) in [(ours[:1], theirs[:1]) for ours, theirs in changed_rows]  # qty


WORDS = st.sampled_from(
    ["Срок", "поставки", "14", "21", "дней", "день", f"1{NBSP}234,00", "₽", "товар", ",", "."]
)
RUN = st.tuples(st.lists(WORDS, max_size=4).map(" ".join), st.booleans())
PARAGRAPHS = st.lists(st.lists(RUN, max_size=3), max_size=5)
LAST_PARAGRAPHS = st.lists(st.lists(RUN, max_size=3), min_size=1, max_size=5)
ROWS = st.lists(st.lists(WORDS, min_size=2, max_size=2), max_size=4)


def document_blocks(before: list[Runs], rows: list[list[str]], after: list[Runs]) -> bytes:
    """A document that, like the templates, opens with a title (see the limits of redline)."""
    table = [Table(rows)] if rows else []
    return make_docx("Договор поставки", *before, *table, *after)


@settings(max_examples=60, deadline=None)
@given(PARAGRAPHS, ROWS, LAST_PARAGRAPHS, PARAGRAPHS, ROWS, LAST_PARAGRAPHS)
def test_docx_accept_gives_new_and_reject_gives_old(
    old_before: list[Runs],
    old_rows: list[list[str]],
    old_after: list[Runs],
    new_before: list[Runs],
    new_rows: list[list[str]],
    new_after: list[Runs],
) -> None:
    old = document_blocks(old_before, old_rows, old_after)
    new = document_blocks(new_before, new_rows, new_after)
    if redline(old, new) is None:
        assert text(body(old)) == text(body(new))
    else:
        check_docx(old, new)


# ---------------------------------------------------------------------------------------
# HTML

OLD_HTML = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Договор</title></head>
<body>
  <h1>Договор поставки</h1>
  <p class="clause"><span class="number">4.1</span> Срок поставки 14 дней</p>
  <p>Этот пункт будет удалён.</p>
  <table class="items">
    <thead><tr><th>№</th><th>Товар</th><th>Кол-во</th><th>Сумма</th></tr></thead>
    <tbody>
      <tr><td>1</td><td>Насос</td><td>6</td><td>1&nbsp;234,00&nbsp;₽</td></tr>
      <tr><td>2</td><td>Задвижка</td><td>12</td><td>500,00&nbsp;₽</td></tr>
    </tbody>
  </table>
  <table class="parties"><tr>
    <td><div>Поставщик</div><div>ИНН 7707083893</div></td>
    <td><div>Покупатель</div></td>
  </tr></table>
  <p>Итого</p>
</body></html>
"""
NEW_HTML = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Договор</title></head>
<body>
  <h1>Договор поставки</h1>
  <p class="clause"><span class="number">4.1</span> Срок поставки 21 день</p>
  <table class="items">
    <thead><tr><th>№</th><th>Товар</th><th>Кол-во</th><th>Сумма</th></tr></thead>
    <tbody>
      <tr><td>1</td><td>Насос</td><td>8</td><td>1&nbsp;645,33&nbsp;₽</td></tr>
      <tr><td>3</td><td>Фланец</td><td>2</td><td>100,00&nbsp;₽</td></tr>
    </tbody>
  </table>
  <table class="parties"><tr>
    <td><div>Поставщик</div><div>ИНН 7707083894</div><div>КПП 770701001</div></td>
    <td><div>Покупатель</div></td>
  </tr></table>
  <p>Итого</p>
  <p>Новый пункт о гарантии.</p>
</body></html>
"""
LEAVES = ("h1", "p", "th", "td", "div")


def marked(document: lxml.html.HtmlElement, tag: str) -> list[str]:
    return [mark.text_content() for mark in document.iter(tag) if mark.get("class") == "redline"]


def html_blocks(document: lxml.html.HtmlElement) -> list[str]:
    """The text of each leaf block, whitespace folded as HTML shows it."""
    return [
        re.sub(r"[ \t\n\r\f]+", " ", element.text_content()).strip()
        for element in document.body.iter(*LEAVES)
        if not any(child.tag in LEAVES for child in element.iterdescendants())
    ]


def html_resolved(html: str, keep: str) -> list[str]:
    document = lxml.html.document_fromstring(html)
    for mark in list(document.iter("del" if keep == "ins" else "ins")):
        mark.drop_tree()
    for mark in list(document.iter(keep)):
        mark.drop_tag()
    return [block for block in html_blocks(document) if block]


def check_html(old: str, new: str) -> lxml.html.HtmlElement:
    out = redline_html(old, new)
    assert out is not None
    assert out.startswith("<!DOCTYPE html>")
    assert html_resolved(out, "ins") == html_resolved(new, "ins")
    assert html_resolved(out, "del") == html_resolved(old, "del")
    return lxml.html.document_fromstring(out)


def test_html_words_rows_and_blocks_are_marked() -> None:
    document = check_html(OLD_HTML, NEW_HTML)
    assert marked(document, "ins") == [
        "21 день",
        "8",
        f"1{NBSP}645,33",
        *["3", "Фланец", "2", f"100,00{NBSP}₽"],
        "7707083894",
        "КПП 770701001",
        "Новый пункт о гарантии.",
    ]
    assert marked(document, "del") == [
        "14 дней",
        "Этот пункт будет удалён.",
        "6",
        f"1{NBSP}234,00",
        *["2", "Задвижка", "12", f"500,00{NBSP}₽"],
        "7707083893",
    ]
    clause = document.find_class("clause")[0]
    assert lxml.html.tostring(clause, encoding="unicode").startswith(
        '<p class="clause"><span class="number">4.1</span> Срок поставки <del class="redline">'
    )
    rows = document.find_class("items")[0].findall("tbody/tr")
    assert [len(row.findall("td/del")) for row in rows] == [2, 4, 0]
    assert document.find_class("items")[0].getprevious().text_content() == (
        "Этот пункт будет удалён."
    )
    assert "del.redline" in document.find("head/style").text


def test_html_unchanged_elements_are_left_as_they_were() -> None:
    out = redline_html(OLD_HTML, NEW_HTML)
    assert out is not None
    assert "<h1>Договор поставки</h1>" in out
    assert "<tr><td>1</td><td>Насос</td><td>" in out
    assert "<td><div>Покупатель</div></td>" in out


def test_html_line_breaks_and_inline_markup_stay_where_they_were() -> None:
    page = '<html><body><p class="a"><b>Поставщик:</b> ООО «Ветер»<br>ИНН {}</p></body></html>'
    document = check_html(page.format("7707083893"), page.format("7707083894"))
    assert lxml.html.tostring(document.body[0], encoding="unicode") == (
        '<p class="a"><b>Поставщик:</b> ООО «Ветер»<br>ИНН '
        '<del class="redline">7707083893</del><ins class="redline">7707083894</ins></p>'
    )


def test_html_same_visible_text_gives_none() -> None:
    reflowed = OLD_HTML.replace("  <p>Итого</p>", "<p>\n    <b>Итого</b>\n</p>")
    assert redline_html(OLD_HTML, reflowed) is None


def test_html_drawings_are_neither_inserted_nor_deleted() -> None:
    # A draft's watermark is an <svg> of letter shapes: it follows the newer version.
    drawing = '<svg class="watermark" viewbox="0 0 10 10"><path d="M0 0H10V10Z"></path></svg>'
    drawn = OLD_HTML.replace("<body>", "<body>" + drawing)
    assert redline_html(OLD_HTML, drawn) is None
    assert redline_html(drawn, OLD_HTML) is None
    out = redline_html(drawn, NEW_HTML.replace("<body>", "<body>" + drawing))
    assert out is not None and out.count(drawing) == 1


def test_html_deleted_table_keeps_a_table_of_its_own() -> None:
    old = NEW_HTML.replace(
        '<table class="parties">',
        '<table class="x"><tr><td>Скидка 5 %</td></tr></table>\n<table class="parties">',
    )
    document = check_html(old, NEW_HTML)
    assert marked(document, "del") == ["Скидка 5 %"]
    table = document.find_class("x")[0]
    assert table.getprevious().get("class") == "items"


def test_html_redline_draws_both_versions_into_the_pdf() -> None:
    pdf = weasyprint.HTML(string=redline_html(OLD_HTML, NEW_HTML)).write_pdf()
    text = pdf_text(pdf)
    for words in ("14 дней", "21 день", "2 Задвижка 12", "3 Фланец 2", "КПП 770701001"):
        assert words in text


HTML_PARAGRAPHS = st.lists(st.lists(WORDS, max_size=6).map(" ".join), max_size=6)


def html_document(paragraphs: list[str], rows: list[list[str]]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    table = f"<table>{cells}</table>" if rows else ""
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return f"<!DOCTYPE html><html><head></head><body>{body}{table}</body></html>"


@settings(max_examples=60, deadline=None)
@given(HTML_PARAGRAPHS, ROWS, HTML_PARAGRAPHS, ROWS)
def test_html_accept_gives_new_and_reject_gives_old(
    old_paragraphs: list[str],
    old_rows: list[list[str]],
    new_paragraphs: list[str],
    new_rows: list[list[str]],
) -> None:
    old = html_document(old_paragraphs, old_rows)
    new = html_document(new_paragraphs, new_rows)
    if redline_html(old, new) is None:
        assert html_resolved(old, "ins") == html_resolved(new, "ins")
    else:
        check_html(old, new)


def test_html_page_furniture_is_left_as_new_has_it() -> None:
    """A running footer's version stamp and a watermark are not content: never marked."""
    page = (
        '<html><body><footer class="running-footer">КП-1 · {stamp}</footer>{mark}'
        "<p>Поставка {days} дней.</p></body></html>"
    )
    old = page.format(stamp="версия 2 · 1a2b3c4", mark="", days="14")
    new = page.format(
        stamp="версия 3 · 5d6e7f8", mark='<div class="watermark">ПРОЕКТ</div>', days="21"
    )
    furniture = ("running-footer", "watermark")
    out = redline_html(old, new, furniture=furniture)
    assert out is not None
    document = lxml.html.document_fromstring(out)
    assert marked(document, "del") == ["14"] and marked(document, "ins") == ["21"]
    assert [element.text_content() for element in document.body[:2]] == [
        "КП-1 · версия 3 · 5d6e7f8",
        "ПРОЕКТ",
    ]
    assert redline_html(old, new.replace("21", "14"), furniture=furniture) is None
    noisy = check_html(old, new)  # without furniture: "версия 2 3 · 1a2b3c4 5d6e7f8"
    assert marked(noisy, "ins") == ["3", "5d6e7f8", "ПРОЕКТ", "21"]
    assert marked(noisy, "del") == ["2", "1a2b3c4", "14"]
