"""The needs overview as a file: the communes ranked as the API ranks them, and (XLSX) a
sheet of the equipment gap by item. A province has a few hundred communes at most, so the
overview is computed whole, as the API answers it, and then written."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from inventory.documents.xlsx import Column, Sheet
from inventory.needs.schemas import Overview

COMMUNES = (
    Column("Mã đơn vị", 10),
    Column("Tên đơn vị", 28),
    Column("Đã khai biên chế", 10),
    Column("Số người", 9, "number"),
    Column("Diện tích cần (m²)", 14, "number"),
    Column("Diện tích có (m²)", 14, "number"),
    Column("Thiếu (m²)", 12, "number"),
    Column("Thiếu (%)", 10, "number"),
    Column("Phòng còn thiếu", 24),
    Column("Thiết bị thiếu", 12, "number"),
    Column("Thiết bị thừa", 12, "number"),
    Column("Kinh phí ước tính (đồng)", 18, "money"),
)
ITEMS = (
    Column("Mã thiết bị", 14),
    Column("Tên thiết bị", 28),
    Column("Cần theo định mức", 12, "number"),
    Column("Đang có", 10, "number"),
    Column("Thiếu", 10, "number"),
    Column("Thừa", 10, "number"),
    Column("Kinh phí ước tính (đồng)", 18, "money"),
)


def commune_rows(overview: Overview) -> Iterator[Sequence[Any]]:
    for c in overview.communes:
        yield (
            c.unit.code,
            c.unit.name,
            "có" if c.staffing_set else "chưa",
            c.total_staff,
            c.required_m2,
            c.present_m2,
            c.shortfall_m2,
            c.shortfall_pct,
            ", ".join(c.missing_rooms),
            c.equipment_gap,
            c.equipment_surplus,
            c.equipment_cost,
        )


def item_rows(overview: Overview) -> Iterator[Sequence[Any]]:
    for i in overview.items:
        yield (i.item, i.name, i.required, i.held, i.gap, i.surplus, i.estimated_cost)


def sheets(overview: Overview) -> list[Sheet]:
    return [
        Sheet("Nhu cầu theo đơn vị", COMMUNES, commune_rows(overview)),
        Sheet("Thiết bị thiếu", ITEMS, item_rows(overview)),
    ]
