"""The minutes as an A4 PDF on the documents kernel: the same data and sentences as the
DOCX, the item table's header on every page, the content hash in the metadata and with
the chain head in every page's footer, a QR code to the handover's page."""

from __future__ import annotations

from datetime import UTC, datetime

from inventory.clock import VIETNAM
from inventory.documents.pdf import Column, Document, Group, Signature, Sum
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

WIDTHS = (8, 40, 12, 11, 22, 22, 15, 17, 33)  # mm of the 180 between the margins
ALIGNS = ("R", "L", "L", "R", "R", "R", "L", "L", "L")
QR_MM = 22


def _rows(minutes: Minutes) -> list[Group | Sum | list[str]]:
    rows: list[Group | Sum | list[str]] = []
    for group in minutes.groups:
        rows.append(Group(f"{group.code}. {group.title}"))
        rows.extend(item_cells(row) for row in group.rows)
        rows.append(Sum(subtotal_cells(group)))
    rows.append(Sum(total_cells(minutes.total)))
    return rows


def _signature(block: Block) -> Signature:
    name = block.parties[0].name if block.parties else ""
    return Signature(block.title, name, "(Ký, ghi rõ họ tên, đóng dấu)", sign_off(block))


def render(minutes: Minutes, created: datetime | None = None) -> bytes:
    """The PDF of the minutes; `created` (default: now) is its metadata's date."""
    document = Document(
        title=TITLE.capitalize(),
        subject=f"Biên bản bàn giao số {minutes.handover_id}",
        created=created or datetime.now(UTC).astimezone(VIETNAM),
        footer="\n".join(footer_lines(minutes)),
        content_hash=minutes.content_hash,
        margins_mm=(20, 12, 10, 24),
        font_size=10,
    )
    document.set_font(size=8)
    document.cell(0, 4, FORM, align="R", new_x="LMARGIN", new_y="NEXT")
    document.set_font(size=10)
    document.state_heading([minutes.receiving_unit])
    document.heading(TITLE)
    document.paragraph(f"Số: {minutes.handover_id}/BBBG", align="C")
    document.ln(2)
    for line in minutes.legal_basis:
        document.paragraph(line)
    document.paragraph(opening(minutes))
    document.paragraph("A. THÀNH PHẦN THAM GIA BÀN GIAO, TIẾP NHẬN", bold=True)
    for line in party_lines(minutes):
        document.paragraph(line)
    document.paragraph("B. NỘI DUNG BÀN GIAO, TIẾP NHẬN", bold=True)
    document.paragraph("1. Danh mục tài sản bàn giao, tiếp nhận:", bold=True)
    columns = [
        Column(title, width, align)
        for title, width, align in zip(COLUMNS, WIDTHS, ALIGNS, strict=True)
    ]
    document.tabulate(columns, _rows(minutes), font_size=7.5)
    document.paragraph("2. Danh mục hồ sơ, tài liệu liên quan đến tài sản bàn giao:", bold=True)
    document.paragraph(minutes.documents_handed_over or "Không có.")
    document.paragraph("3. Trách nhiệm của các bên giao, nhận:", bold=True)
    for line in minutes.responsibilities:
        document.paragraph(f"- {line}")
    document.paragraph("4. Ý kiến của các bên tham gia bàn giao, tiếp nhận:", bold=True)
    document.paragraph(minutes.opinions or "Không có ý kiến khác.")
    if minutes.notes:
        document.paragraph(f"Ghi chú: {minutes.notes}")
    document.paragraph(closing())
    document.ln(3)
    document.signatures([_signature(minutes.receiver), _signature(minutes.giver)])
    if minutes.witness_block is not None:
        document.signatures([_signature(minutes.witness_block)])
    if document.will_page_break(QR_MM + 2):
        document.add_page()
    top = document.get_y()
    document.qr(minutes.url, x=document.l_margin, y=top, size_mm=QR_MM)
    document.set_xy(document.l_margin + QR_MM + 2, top + QR_MM / 2 - 3)
    document.set_font(size=8)
    document.multi_cell(0, 4, f"Tra cứu biên bản trên hệ thống: {minutes.url}")
    return document.render()
