"""The minutes as DOCX (python-docx) for the commune to edit: A4, the item table's header
row repeated on every page (w:tblHeader), page numbers and the hashes in the footer.

Item rows are copies of one styled row with their texts set, not python-docx's
`add_row` and `cells` (which walk the whole table for each cell): 8,000 items take a
second, not minutes.
"""

from __future__ import annotations

import copy
import io
import re

import qrcode
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from inventory.documents.formats import nfc as _nfc
from inventory.handovers.minutes import (
    COLUMNS,
    FORM,
    TITLE,
    Block,
    Minutes,
    closing,
    footer_lines,
    item_cells,
    opening,
    party_lines,
    sign_off,
    subtotal_cells,
    total_cells,
)

FONT = "Times New Roman"
# XML 1.0 has no place for most control characters (a name pasted from a spreadsheet may
# carry a vertical tab): lxml refuses them, so they become spaces.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def nfc(text: str) -> str:
    return _NOT_XML.sub(" ", _nfc(text))


WIDTHS_MM = (8, 40, 12, 11, 22, 22, 15, 17, 33)  # 180 mm: A4 less 20 mm margins


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in as it lays out the pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


def _set(cell, text: str, *, bold: bool = False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(nfc(text))
    run.bold = bold
    if align is not None:
        paragraph.alignment = align


def _fill(tr, texts: list[str]) -> None:
    """Set the text of each cell of a copied row (one w:t per cell in the template)."""
    for tc, text in zip(tr.iter(qn("w:tc")), texts, strict=True):
        node = next(tc.iter(qn("w:t")))
        node.text = nfc(text)


def _table(document, minutes: Minutes) -> Table:
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, width in enumerate(WIDTHS_MM):
        table.columns[i].width = Mm(width)
    head = table.rows[0]
    _repeat_header(head)
    for cell, title, width in zip(head.cells, COLUMNS, WIDTHS_MM, strict=True):
        cell.width = Mm(width)
        _set(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    aligns = (None, None, None, right, right, right, None, None, None)
    # Templates: an item row, a group heading across all columns, a bold sum row.
    item = table.add_row()
    for cell, align, width in zip(item.cells, aligns, WIDTHS_MM, strict=True):
        cell.width = Mm(width)
        _set(cell, "x", align=align)
    group = table.add_row()
    merged = group.cells[0].merge(group.cells[-1])
    _set(merged, "x", bold=True)
    summed = table.add_row()
    for cell, align, width in zip(summed.cells, aligns, WIDTHS_MM, strict=True):
        cell.width = Mm(width)
        _set(cell, "x", bold=True, align=align)
    templates = [r._tr for r in (item, group, summed)]
    for tr in templates:
        table._tbl.remove(tr)
    item_tr, group_tr, sum_tr = templates
    tbl = table._tbl
    for g in minutes.groups:
        tr = copy.deepcopy(group_tr)
        _fill(tr, [f"{g.code}. {g.title}"])
        tbl.append(tr)
        for row in g.rows:
            tr = copy.deepcopy(item_tr)
            _fill(tr, item_cells(row))
            tbl.append(tr)
        tr = copy.deepcopy(sum_tr)
        _fill(tr, subtotal_cells(g))
        tbl.append(tr)
    tr = copy.deepcopy(sum_tr)
    _fill(tr, total_cells(minutes.total))
    tbl.append(tr)
    return table


def _paragraph(document, text: str, *, bold=False, italic=False, align=None, size=None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(nfc(text))
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(3)
    return paragraph


def _signatures(document, blocks: list[Block]) -> None:
    table = document.add_table(rows=1, cols=len(blocks))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, block in zip(table.rows[0].cells, blocks, strict=True):
        first = cell.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        first.add_run(block.title).bold = True
        note = cell.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        note.add_run("(Ký, ghi rõ họ tên, đóng dấu)").italic = True
        for _ in range(3):
            cell.add_paragraph()
        name = cell.add_paragraph()
        name.alignment = WD_ALIGN_PARAGRAPH.CENTER
        name.add_run(nfc(block.parties[0].name if block.parties else "")).bold = True
        line = sign_off(block)
        if line:
            signed = cell.add_paragraph()
            signed.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = signed.add_run(nfc(line))
            run.italic, run.font.size = True, Pt(9)


def _qr_png(url: str) -> bytes:
    image = qrcode.make(url, box_size=8, border=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def render(minutes: Minutes) -> bytes:
    """The DOCX file of the minutes."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(20), Mm(10)
    section.top_margin, section.bottom_margin = Mm(15), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    center = WD_ALIGN_PARAGRAPH.CENTER

    _paragraph(document, FORM, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, size=10)
    _paragraph(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=center)
    _paragraph(document, "Độc lập - Tự do - Hạnh phúc", bold=True, align=center)
    _paragraph(document, TITLE, bold=True, align=center, size=14)
    _paragraph(document, f"Số: {minutes.handover_id}/BBBG", align=center)
    for line in minutes.legal_basis:
        _paragraph(document, line, italic=True)
    _paragraph(document, opening(minutes))
    _paragraph(document, "A. THÀNH PHẦN THAM GIA BÀN GIAO, TIẾP NHẬN", bold=True)
    for line in party_lines(minutes):
        _paragraph(document, line)
    _paragraph(document, "B. NỘI DUNG BÀN GIAO, TIẾP NHẬN", bold=True)
    _paragraph(document, "1. Danh mục tài sản bàn giao, tiếp nhận:", bold=True)
    _table(document, minutes)
    _paragraph(document, "2. Danh mục hồ sơ, tài liệu liên quan đến tài sản bàn giao:", bold=True)
    _paragraph(document, minutes.documents_handed_over or "Không có.")
    _paragraph(document, "3. Trách nhiệm của các bên giao, nhận:", bold=True)
    for line in minutes.responsibilities:
        _paragraph(document, f"- {line}")
    _paragraph(document, "4. Ý kiến của các bên tham gia bàn giao, tiếp nhận:", bold=True)
    _paragraph(document, minutes.opinions or "Không có ý kiến khác.")
    if minutes.notes:
        _paragraph(document, f"Ghi chú: {minutes.notes}")
    _paragraph(document, closing())
    _signatures(document, [minutes.receiver, minutes.giver])
    if minutes.witness_block is not None:
        _signatures(document, [minutes.witness_block])
    document.add_picture(io.BytesIO(_qr_png(minutes.url)), width=Mm(22))
    _paragraph(document, f"Tra cứu biên bản trên hệ thống: {minutes.url}", size=9)

    footer = section.footer.paragraphs[0]
    footer.style.font.size = Pt(8)
    for line in footer_lines(minutes):
        footer.add_run(nfc(line)).add_break()
    footer.add_run("Trang ")
    _field(footer, "PAGE")
    footer.add_run("/")
    _field(footer, "NUMPAGES")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
