"""Turn the layout described here into `templates/proposal.docx`, a docxtpl template.

The .docx under templates/ is the source that designers may refine in Word; this script
only makes the first version reproducible (`make docx-templates`). The placeholders
mirror `templates/proposal.html`: both print the same context strings.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Arial"
BLUE = RGBColor(0x1D, 0x4E, 0x89)
RED = RGBColor(0xB3, 0x26, 0x1E)


def _paragraph(
    doc: object,
    text: str = "",
    *,
    bold: bool = False,
    size: float | None = None,
    align: int | None = None,
    color: RGBColor | None = None,
    italic: bool = False,
    space_after: float = 3,
) -> Paragraph:
    paragraph: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _cell_text(
    cell: object, text: str, *, bold: bool = False, align: int | None = None, size: float = 8.5
) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align


def _repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _fix_widths(table: Table, widths: list[Length]) -> None:
    """Word and LibreOffice honour the grid and the cell widths only without autofit."""
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = width
        for cell in table.columns[index].cells:
            cell.width = width


def _items_table(doc: object, spec: str) -> None:
    columns = ["number", "name", "unit", "qty", "price", "discount", "amount"]
    widths = [Mm(10), Mm(58), Mm(14), Mm(14), Mm(26), Mm(20), Mm(32)]
    right = {"qty", "price", "discount", "amount"}
    table = doc.add_table(rows=4, cols=len(columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, key in enumerate(columns):
        align = WD_ALIGN_PARAGRAPH.RIGHT if key in right else None
        _cell_text(table.rows[0].cells[index], "{{ " + spec + ".columns." + key + " }}", bold=True)
        _cell_text(table.rows[2].cells[index], "{{ line." + key + " }}", align=align)
    _fix_widths(table, widths)
    _cell_text(table.rows[1].cells[0], "{%tr for line in " + spec + ".lines %}")
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    _repeat_header(table)


def _loop_table(
    doc: object,
    loop: str,
    cells: list[str],
    widths: list[Length],
    *,
    right: bool,
    strong_if: str | None = None,
) -> Table:
    """Rows repeated by docxtpl; with `strong_if`, a bold variant of the row for it."""
    variants = (
        [(True, f"{{%tr if {strong_if} %}}"), (False, "{%tr else %}")]
        if strong_if
        else [(False, "")]
    )
    count = 2 + sum(2 if control else 1 for _, control in variants) + (1 if strong_if else 0)
    table = doc.add_table(rows=count, cols=len(cells))  # type: ignore[attr-defined]
    rows = iter(table.rows)
    _cell_text(next(rows).cells[0], "{%tr for " + loop + " %}")
    for bold, control in variants:
        if control:
            _cell_text(next(rows).cells[0], control)
        row = next(rows)
        for index, text in enumerate(cells):
            align = WD_ALIGN_PARAGRAPH.RIGHT if right else None
            _cell_text(row.cells[index], text, bold=bold, align=align, size=9)
    if strong_if:
        _cell_text(next(rows).cells[0], "{%tr endif %}")
    _cell_text(next(rows).cells[0], "{%tr endfor %}")
    _fix_widths(table, widths)
    return table


# A contract's pages name it, and the offer it came from with the offer's version.
CONTRACT_FOOTER = "{{ heading }} · {{ offer_number }}"


def _new_document(letterhead: bool = True, footer: str = "{{ number }}") -> Any:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(20), Mm(16)
    section.top_margin, section.bottom_margin = Mm(18), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(9.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    line = section.footer.paragraphs[0]
    line.add_run(
        footer + "{% if revision %} · {{ revision }}{% endif %} · {{ labels.page }} "
    ).font.size = Pt(8)
    _field(line, "PAGE")
    line.add_run(" {{ labels.page_of }} ").font.size = Pt(8)
    _field(line, "NUMPAGES")
    line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _watermark(section)
    if not letterhead:
        return doc

    _paragraph(doc, "{{ seller.name }}", bold=True, size=13, color=BLUE, space_after=0)
    _paragraph(doc, "{%p for line in seller.lines %}", space_after=0)
    _paragraph(doc, "{{ line }}", size=8, space_after=0)
    _paragraph(doc, "{%p endfor %}", space_after=10)
    return doc


def _signature(doc: Any) -> None:
    """Position, a signature rule with its hint beneath, and the name (as proposal.html)."""
    signature = doc.add_table(rows=1, cols=3)
    _fix_widths(signature, [Mm(70), Mm(50), Mm(54)])
    row_properties = signature.rows[0]._tr.get_or_add_trPr()
    row_properties.append(row_properties.makeelement(qn("w:cantSplit"), {}))
    cells = signature.rows[0].cells
    _cell_text(cells[0], "{{ signatory.position }}", size=9.5)
    _cell_text(cells[1], "______________________", size=9.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    hint = cells[1].add_paragraph()
    hint.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hint.add_run("{{ labels.signature }}").font.size = Pt(7)
    _cell_text(cells[2], "{{ signatory.name }}", size=9.5)
    doc.core_properties.author = "offergen"


def _specification(doc: Any, spec: str) -> None:
    """The items table, the totals and the sum in words (templates/items.html)."""
    _items_table(doc, spec)
    _paragraph(doc, "", space_after=2)
    _loop_table(
        doc,
        "row in " + spec + ".totals",
        ["{{ row.label }}", "{{ row.value }}"],
        [Mm(110), Mm(44)],
        right=True,
        strong_if="row.strong",
    ).alignment = WD_TABLE_ALIGNMENT.RIGHT
    _paragraph(doc, "{{ " + spec + ".in_words }}", italic=True)


def _discount_terms(doc: Any, terms: str) -> None:
    """General rules, schemes, worked example (templates/discount_terms.html)."""
    prefix = terms + "." if terms else ""
    _paragraph(doc, "{{ labels.discount_general }}", bold=True, size=11)
    _paragraph(doc, "{%p for paragraph in " + prefix + "general %}", space_after=0)
    _paragraph(doc, "{{ paragraph }}")
    _paragraph(doc, "{%p endfor %}", space_after=0)

    _paragraph(doc, "{%p for scheme in " + prefix + "schemes %}", space_after=0)
    _paragraph(doc, "{{ scheme.title }}", bold=True, size=11)
    _loop_table(
        doc,
        "row in scheme.rows",
        ["{{ row.label }}", "{{ row.value }}"],
        [Mm(45), Mm(129)],
        right=False,
    )
    _paragraph(doc, "{%p if scheme.tiers %}", space_after=0)
    tiers = doc.add_table(rows=4, cols=3)
    tiers.style = "Table Grid"
    for index, key in enumerate(["col_tier_from", "col_tier_percent", "col_tier_current"]):
        _cell_text(tiers.rows[0].cells[index], "{{ labels." + key + " }}", bold=True)
    _cell_text(tiers.rows[1].cells[0], "{%tr for tier in scheme.tiers %}")
    for index, key in enumerate(["from", "percent", "current"]):
        align = WD_ALIGN_PARAGRAPH.RIGHT if key == "percent" else None
        _cell_text(tiers.rows[2].cells[index], "{{ tier." + key + " }}", align=align)
    _cell_text(tiers.rows[3].cells[0], "{%tr endfor %}")
    _fix_widths(tiers, [Mm(50), Mm(30), Mm(25)])
    _paragraph(doc, "{%p endif %}", space_after=0)
    _paragraph(doc, "{%p if scheme.note %}", space_after=0)
    _paragraph(doc, "{{ scheme.note }}", size=8.5)
    _paragraph(doc, "{%p endif %}", space_after=0)
    _paragraph(doc, "{%p endfor %}", space_after=0)

    _paragraph(doc, "{%p if " + prefix + "example %}", space_after=0)
    _paragraph(doc, "{{ labels.example_title }}", bold=True, size=11)
    _paragraph(doc, "{%p for row in " + prefix + "example %}", space_after=0)
    _paragraph(doc, "{{ row }}", space_after=1)
    _paragraph(doc, "{%p endfor %}", space_after=0)
    _paragraph(doc, "{%p endif %}", space_after=0)
    _paragraph(doc, "{{ " + prefix + "effective }}", bold=True, space_after=18)


def _bookmark(paragraph: Paragraph, name: str, mark: str, *, around: bool = False) -> None:
    """A bookmark at the paragraph's start, or `around` its text: how `negotiate import`
    finds a clause or a part of the contract in the file the client sends back, whatever
    Word or LibreOffice did to its numbering and runs (negotiate/marks.py)."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), mark)
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), mark)
    properties = paragraph._p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph._p.insert(0, start)
    if around:
        paragraph._p.append(end)
    else:
        start.addnext(end)


def _parties(doc: Any, n: int | None = None) -> None:
    """Both parties' requisites side by side, each with its signature line (parties.html)."""
    table = doc.add_table(rows=1, cols=2)
    _fix_widths(table, [Mm(87), Mm(87)])
    for index in range(2):
        cell = table.rows[0].cells[index]
        party = "parties[" + str(index) + "]"
        lines = [
            ("{{ " + party + ".role }}", True, 10),
            ("{{ " + party + ".name }}", True, 9),
            ("{%p for line in " + party + ".lines %}", False, 8.5),
            ("{{ line }}", False, 8.5),
            ("{%p endfor %}", False, 8.5),
            ("{{ " + party + ".position }}", False, 9),
            ("__________________ / {{ " + party + ".signer }}", False, 9),
            ("{{ " + party + ".seal }}", False, 8),
        ]
        for number, (content, bold, size) in enumerate(lines):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            run = paragraph.add_run(content)
            run.bold, run.font.size = bold, Pt(size)
            paragraph.paragraph_format.space_after = Pt(1)
            if number == 0 and index == 0 and n is not None:
                _bookmark(paragraph, f"og_parties_{n}", str(n))


WATERMARK = (
    "<w:r %s><w:pict>"
    # Word's WordArt text shape (136); LibreOffice needs it spelt out to draw the text
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    '<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>'
    '<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
    '<v:shape id="offergen-watermark" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;'
    "rotation:325;z-index:-251657216;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#B3261E" '
    'stroked="f"><v:fill opacity="0.12"/>'
    '<v:textpath on="t" fitshape="t" style="font-family:&quot;Arial&quot;;font-size:1pt" '
    'string="{{ watermark }}"/></v:shape></w:pict></w:r>'
)


def _watermark(section: Any) -> None:
    """Word's own kind of watermark (a VML text path in the header), drafts only."""
    header = section.header
    header.is_linked_to_previous = False
    first = header.paragraphs[0]
    first.add_run("{%p if watermark %}")
    shape = header.add_paragraph()
    namespaces = (
        nsdecls("w")
        + ' xmlns:v="urn:schemas-microsoft-com:vml"'
        + (' xmlns:o="urn:schemas-microsoft-com:office:office"')
    )
    shape._p.append(parse_xml(WATERMARK % namespaces))
    header.add_paragraph().add_run("{%p endif %}")


def _notice(doc: Any) -> None:
    """The approval notice, shown only when the discount still needs one."""
    _paragraph(doc, "{%p if notice %}", space_after=0)
    _paragraph(doc, "{{ notice }}", bold=True, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "{%p endif %}", space_after=0)


def _page_break(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def build_proposal(target: Path) -> None:
    doc = _new_document()

    _paragraph(doc, "{{ labels.to }}: {{ client.name }}", bold=True, space_after=0)
    _paragraph(doc, "{%p for line in client.lines %}", space_after=0)
    _paragraph(doc, "{{ line }}", size=8.5, space_after=0)
    _paragraph(doc, "{%p endfor %}", space_after=0)
    _paragraph(doc, "{%p if addressee.name %}", space_after=0)
    _paragraph(
        doc,
        "{{ labels.attention }}: {{ addressee.name }}"
        "{% if addressee.position %}, {{ addressee.position }}{% endif %}",
    )
    _paragraph(doc, "{%p endif %}", space_after=0)

    _paragraph(
        doc, "{{ title }}", bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    _paragraph(doc, "{{ heading }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    _notice(doc)
    _paragraph(doc, "{{ greeting }}")
    _paragraph(doc, "{%p for paragraph in intro %}", space_after=0)
    _paragraph(doc, "{{ paragraph }}")
    _paragraph(doc, "{%p endfor %}", space_after=0)

    _specification(doc, "spec")
    _paragraph(doc, "{%p if order_discount_note %}", space_after=0)
    _paragraph(doc, "{{ order_discount_note }}", size=8.5)
    _paragraph(doc, "{%p endif %}", space_after=0)
    _paragraph(doc, "{%p if applied %}", space_after=0)
    _paragraph(doc, "{{ applied }}", size=8.5)
    _paragraph(doc, "{%p endif %}", space_after=0)
    _paragraph(doc, "{%p for hint in hints %}", space_after=0)
    _paragraph(doc, "{{ hint }}", size=8.5, color=BLUE)
    _paragraph(doc, "{%p endfor %}", space_after=0)

    _paragraph(doc, "{%p if terms %}", space_after=0)
    _paragraph(doc, "{{ labels.terms_title }}", bold=True, size=11)
    terms = _loop_table(
        doc,
        "term in terms",
        ["{{ term.label }}", "{{ term.value }}"],
        [Mm(45), Mm(129)],
        right=False,
    )
    _paragraph(doc, "{%p endif %}", space_after=0)
    closing = [
        _paragraph(doc, "{{ validity }}", bold=True),
        _paragraph(doc, "{{ labels.manager }}: {{ manager }}", space_after=18),
    ]
    # The closing never stands alone on a page (as .closing in style.css): the terms, the
    # validity and the manager line keep with what follows them, down to the signature.
    cells = [cell for row in terms.rows for cell in row.cells]
    for paragraph in [*(p for cell in cells for p in cell.paragraphs), *closing]:
        paragraph.paragraph_format.keep_with_next = True

    _signature(doc)
    doc.save(str(target))


def build_discount_scheme(target: Path) -> None:
    doc = _new_document()
    _paragraph(doc, "{{ subtitle }}", size=8.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        doc, "{{ title }}", bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    _paragraph(
        doc,
        "{{ labels.discount_for }}: {{ client.name }}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=8,
    )
    _notice(doc)
    _discount_terms(doc, "")
    _signature(doc)
    doc.save(str(target))


def build_contract(target: Path) -> None:
    doc = _new_document(letterhead=False, footer=CONTRACT_FOOTER)
    _paragraph(
        doc,
        "{{ title }} {{ heading }}",
        bold=True,
        size=13,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=6,
    )
    place = doc.add_table(rows=1, cols=2)
    _fix_widths(place, [Mm(87), Mm(87)])
    _cell_text(place.rows[0].cells[0], "{{ city }}", size=9.5)
    _cell_text(place.rows[0].cells[1], "{{ date }}", size=9.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "", space_after=4)
    _notice(doc)
    preamble = _paragraph(doc, "{{ preamble }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _bookmark(preamble, "og_preamble", "10", around=True)
    _paragraph(doc, "{%p for section in sections %}", space_after=0)
    _paragraph(
        doc,
        "{{ section.number }} {{ section.title }}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=3,
    )
    _paragraph(doc, "{%p for clause in section.clauses %}", space_after=0)
    clause = _paragraph(
        doc, "{{ clause.number }} {{ clause.text }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY
    )
    _bookmark(clause, "{{ clause.bookmark }}", "{{ clause.mark }}", around=True)
    _paragraph(doc, "{%p endfor %}", space_after=0)
    _paragraph(doc, "{%p endfor %}", space_after=0)
    _paragraph(doc, "{{ labels.requisites_title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _parties(doc, 1)

    _page_break(doc)
    _paragraph(doc, "{%p for line in specification.heading %}", space_after=0)
    _paragraph(doc, "{{ line }}", size=8.5, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=0)
    _paragraph(doc, "{%p endfor %}", space_after=0)
    title = _paragraph(
        doc, "{{ specification.title }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _bookmark(title, "og_specification", "11")
    _specification(doc, "specification")
    _parties(doc, 2)

    _paragraph(doc, "{%p if discounts %}", space_after=0)
    _page_break(doc)
    _paragraph(doc, "{%p for line in discounts.heading %}", space_after=0)
    _paragraph(doc, "{{ line }}", size=8.5, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=0)
    _paragraph(doc, "{%p endfor %}", space_after=0)
    title = _paragraph(
        doc, "{{ discounts.title }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _bookmark(title, "og_discounts", "12")
    _discount_terms(doc, "discounts")
    _parties(doc, 3)
    _paragraph(doc, "{%p endif %}", space_after=0)
    doc.save(str(target))


def _protocol_table(doc: object, keys: list[str], widths: list[Length]) -> None:
    table = doc.add_table(rows=4, cols=len(keys))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for index, key in enumerate(keys):
        _cell_text(table.rows[0].cells[index], "{{ columns." + key + " }}", bold=True)
        _cell_text(table.rows[2].cells[index], "{{ row." + key + " }}")
    _cell_text(table.rows[1].cells[0], "{%tr for row in rows %}")
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    _fix_widths(table, widths)
    _repeat_header(table)


def build_disagreements(target: Path) -> None:
    doc = _new_document(letterhead=False, footer=CONTRACT_FOOTER)
    _paragraph(
        doc, "{{ title }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    _paragraph(doc, "{{ subtitle }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    place = doc.add_table(rows=1, cols=2)
    _fix_widths(place, [Mm(87), Mm(87)])
    _cell_text(place.rows[0].cells[0], "{{ city }}", size=9.5)
    _cell_text(place.rows[0].cells[1], "{{ date }}", size=9.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "", space_after=4)
    _paragraph(doc, "{{ intro }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    # The client's protocol has no agreed column; our answer (settling) adds it.
    _paragraph(doc, "{%p if settling %}", space_after=0)
    _protocol_table(doc, ["clause", "seller", "buyer", "agreed"], [Mm(18), Mm(52), Mm(52), Mm(52)])
    _paragraph(doc, "{%p else %}", space_after=0)
    _protocol_table(doc, ["clause", "seller", "buyer"], [Mm(18), Mm(78), Mm(78)])
    _paragraph(doc, "{%p endif %}", space_after=0)
    _paragraph(doc, "", space_after=4)
    _paragraph(doc, "{{ rest }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=10)
    _parties(doc)
    doc.save(str(target))


BUILDERS = {
    "proposal.docx": build_proposal,
    "discount_scheme.docx": build_discount_scheme,
    "contract.docx": build_contract,
    "disagreements.docx": build_disagreements,
}


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("templates")
    for name, make in BUILDERS.items():
        make(root / name)
        print(f"wrote {root / name}")
