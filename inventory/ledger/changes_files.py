"""The yearly report of increases and decreases as PDF (A4 landscape) and XLSX: the same
lines as the API's answer, the same numbers (money in whole đồng in both)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from inventory.documents import pdf, xlsx
from inventory.documents.formats import moment, number
from inventory.documents.pdf import Document, Group, Sum
from inventory.documents.words import word
from inventory.ledger.changes import PHASES
from inventory.ledger.schemas import AssetChanges, ChangeLine

TITLE = "BÁO CÁO TÌNH HÌNH TĂNG, GIẢM TÀI SẢN CỐ ĐỊNH"
PHASE_TITLES = {
    "opening": "Đầu năm",
    "registered": "Tăng: đăng ký mới",
    "received": "Tăng: nhận bàn giao",
    "handed_over": "Giảm: bàn giao đi",
    "written_off": "Giảm: thanh lý, ghi giảm",
    "closing": "Cuối năm",
}


def _figures(line: ChangeLine) -> list[int]:
    values = []
    for phase in PHASES:
        f = getattr(line, phase)
        values += [f.quantity, f.original_cost]
    return [*values, line.wear, line.remaining]


COLUMNS = [
    xlsx.Column("Nhóm", 6),
    xlsx.Column("Loại tài sản", 28),
    *(
        column
        for phase in PHASES
        for column in (
            xlsx.Column(f"{PHASE_TITLES[phase]}: số lượng", 10, "number"),
            xlsx.Column(f"{PHASE_TITLES[phase]}: nguyên giá (đồng)", 16, "money"),
        )
    ),
    xlsx.Column("Hao mòn trong năm (đồng)", 16, "money"),
    xlsx.Column("Giá trị còn lại cuối năm (đồng)", 16, "money"),
]


def rows(report: AssetChanges) -> Iterator[Sequence[Any]]:
    for line in report.lines:
        yield (line.group, line.name, *_figures(line))


def sheets(report: AssetChanges) -> list[xlsx.Sheet]:
    return [xlsx.Sheet(f"Tăng giảm {report.year}", COLUMNS, rows(report))]


def file_name(report: AssetChanges, kind: str) -> str:
    code = report.unit_code.encode("ascii", "replace").decode().replace("?", "_")
    return f"tang-giam-tai-san-{code}-{report.year}.{kind}"


def changes_pdf(report: AssetChanges, at: datetime) -> bytes:
    doc = Document(
        title=f"Tăng giảm tài sản năm {report.year}: {report.unit_name}",
        created=at,
        footer=f"{report.unit_name} · năm {report.year} · lập lúc {moment(report.made_at)}",
        landscape=True,
        margins_mm=(10, 10, 10, 14),
        font_size=10,
    )
    doc.state_heading([p for p in (report.parent_name, report.unit_name) if p])
    doc.heading(TITLE)
    doc.paragraph(f"Năm {report.year}", align="C")
    doc.paragraph(
        "Số lượng và nguyên giá (đồng) theo nhóm tài sản của mẫu 02 và loại tài sản;"
        " hao mòn và giá trị còn lại của tài sản còn đến cuối năm.",
        align="C",
    )
    doc.ln(2)
    columns = [
        pdf.Column("Loại tài sản", 3),
        *(
            column
            for phase in PHASES
            for column in (
                pdf.Column(f"{PHASE_TITLES[phase]}: SL", 1.3, "R"),
                pdf.Column(f"{PHASE_TITLES[phase]}: nguyên giá", 1.9, "R"),
            )
        ),
        pdf.Column("Hao mòn trong năm", 2, "R"),
        pdf.Column("Giá trị còn lại cuối năm", 2, "R"),
    ]
    body: list[pdf.Row] = []
    group = None
    for line in report.lines:
        if line.group and line.group != group:
            group = line.group
            body.append(Group(word("ho_group_", group)))
        cells = [line.name, *(number(v) for v in _figures(line))]
        body.append(Sum(cells) if line.category_id is None else cells)
    doc.tabulate(columns, body, font_size=6.5)
    doc.ln(4)
    doc.signatures(
        [
            pdf.Signature("Người lập biểu"),
            pdf.Signature("Kế toán"),
            pdf.Signature("Thủ trưởng đơn vị", note="(Ký, họ tên, đóng dấu)"),
        ]
    )
    return doc.render()
