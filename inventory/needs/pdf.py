"""The needs overview as a PDF report: each chart of the overview page (the same `Chart`s,
drawn as vector bars by the documents kernel) with its numbers in a table under it, then
every commune ranked as `GET /api/v1/needs` ranks them. Vietnamese, as documents are.
The caller passes the charts: the page's report adds the requests by status, which this
domain cannot read (the requests domain builds on it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from inventory.clock import VIETNAM
from inventory.documents.pdf import Column, Document, Sum
from inventory.documents.words import word
from inventory.needs.charts import Chart, number
from inventory.needs.schemas import Overview


def overview_pdf(overview: Overview, charts: Sequence[Chart], scope: str, at: datetime) -> bytes:
    doc = Document(
        title=f"Nhu cầu theo định mức: {scope}",
        created=at,
        footer=f"Lập lúc {at.astimezone(VIETNAM):%d/%m/%Y %H:%M} · {scope}",
        landscape=True,
        margins_mm=(15, 12, 15, 15),
    )
    doc.heading("BÁO CÁO NHU CẦU DIỆN TÍCH VÀ THIẾT BỊ THEO ĐỊNH MỨC")
    doc.paragraph(scope, align="C")
    doc.paragraph(
        f"{len(overview.communes)} đơn vị cấp xã · tổng diện tích thiếu "
        f"{number(overview.shortfall_m2)} m² · kinh phí thiết bị ước tính "
        f"{number(overview.equipment_cost, 0)} đồng"
    )
    for chart in charts:
        if not chart.bars:
            continue
        doc.ln(3)
        doc.heading(f"{chart.title} ({chart.unit})", size=11, align="L")
        doc.bar_chart([(b.label, b.value, f"{number(b.value)} {chart.unit}") for b in chart.bars])
        doc.tabulate(
            (Column("Tên", 3), Column(chart.unit, 1, "R")),
            [(b.label, number(b.value)) for b in chart.bars],
            width=doc.epw * 0.6,
        )
    doc.add_page()
    doc.heading("Các đơn vị xếp theo diện tích thiếu", size=11, align="L")
    doc.tabulate(
        (
            Column("Mã", 1),
            Column("Tên đơn vị", 3),
            Column("Số người", 1, "R"),
            Column("Cần (m²)", 1.2, "R"),
            Column("Có (m²)", 1.2, "R"),
            Column("Thiếu (m²)", 1.2, "R"),
            Column("Thiếu (%)", 1, "R"),
            Column("Phòng còn thiếu", 2),
            Column("Kinh phí thiết bị (đồng)", 1.8, "R"),
        ),
        [
            *(
                (
                    c.unit.code,
                    c.unit.name,
                    str(c.total_staff),
                    number(c.required_m2),
                    number(c.present_m2),
                    number(c.shortfall_m2),
                    number(c.shortfall_pct),
                    ", ".join(word("nd_room_", r) for r in c.missing_rooms),
                    number(c.equipment_cost, 0),
                )
                for c in overview.communes
            ),
            Sum(
                (
                    "",
                    "Tổng",
                    "",
                    "",
                    "",
                    number(overview.shortfall_m2),
                    "",
                    "",
                    number(overview.equipment_cost, 0),
                )
            ),
        ],
    )
    return doc.render()
