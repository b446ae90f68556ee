"""The needs as files: the overview (the communes ranked as the API ranks them, and in XLSX a
sheet of the equipment gap by item), and one commune's needs (area lines, required rooms,
equipment per item and norm, each figure with its norm's code and version). A province has
a few hundred communes at most, so the overview is computed whole, as the API answers it,
and then written."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from inventory.documents.words import word
from inventory.documents.xlsx import Column, Sheet
from inventory.needs.schemas import Overview, UnitNeeds
from inventory.norms.schemas import NormSource

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
            ", ".join(word("nd_room_", r) for r in c.missing_rooms),
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


def source(s: NormSource | None) -> str:
    """A figure's source as the pages and files show it: the norm's code and version."""
    return f"{s.code} v{s.version}" if s else ""


AREA = (
    Column("Hạng mục", 30),
    Column("Nhóm chức danh", 14),
    Column("Số người", 9, "number"),
    Column("m²/người hoặc tỷ lệ", 12, "number"),
    Column("Diện tích (m²)", 14, "number"),
    Column("Nguồn (định mức, phiên bản)", 28),
)
ROOMS = (
    Column("Phòng", 20),
    Column("Cần", 8, "number"),
    Column("Có", 8, "number"),
    Column("Thiếu", 8, "number"),
    Column("Nguồn (định mức, phiên bản)", 28),
)
EQUIPMENT = (
    Column("Mã thiết bị", 14),
    Column("Tên thiết bị", 28),
    Column("Định mức", 28),
    Column("Tính trên", 10, "number"),
    Column("Cần", 8, "number"),
    Column("Đang có / đáp ứng", 10, "number"),
    Column("Thiếu", 8, "number"),
    Column("Thừa", 8, "number"),
    Column("Giá tối đa (đồng)", 16, "money"),
    Column("Kinh phí ước tính (đồng)", 18, "money"),
)


def area_rows(needs: UnitNeeds) -> Iterator[Sequence[Any]]:
    r = needs.rooms
    for line in r.position_lines:
        yield (
            "Diện tích làm việc theo chức danh",
            word("nd_group_", line.norm_group),
            line.holders,
            line.m2_per_person,
            line.required_m2,
            source(line.source),
        )
    yield ("Diện tích theo chức danh", "", needs.total_staff, None, r.position_m2, "")
    yield (
        "Diện tích dùng chung",
        "",
        None,
        r.shared_allowance,
        r.shared_m2,
        source(r.shared_source),
    )
    yield ("Diện tích cần", "", None, None, r.required_m2, "")
    yield ("Phòng làm việc hiện có", "", None, None, r.office_m2, "")
    yield ("Phòng họp, tiếp dân, lưu trữ hiện có", "", None, None, r.shared_rooms_m2, "")
    yield ("Diện tích có", "", None, None, r.present_m2, "")
    yield ("Thiếu (m²)", "", None, None, r.shortfall_m2, "")
    yield ("Thiếu (%)", "", None, None, r.shortfall_pct, "")


def room_rows(needs: UnitNeeds) -> Iterator[Sequence[Any]]:
    for line in needs.rooms.rooms:
        yield (
            word("nd_room_", line.purpose),
            line.required,
            line.present,
            line.missing,
            source(line.source),
        )


def equipment_rows(needs: UnitNeeds) -> Iterator[Sequence[Any]]:
    """Each item's total, then each norm's share of it."""
    for item in needs.equipment:
        yield (
            item.item,
            item.name,
            "",
            None,
            item.required,
            item.held,
            item.gap,
            item.surplus,
            None,
            item.estimated_cost,
        )
        for line in item.lines:
            yield (
                item.item,
                "",
                source(line.source),
                line.count,
                line.required,
                line.covered,
                line.gap,
                None,
                line.max_price,
                line.estimated_cost,
            )


def unit_sheets(needs: UnitNeeds) -> list[Sheet]:
    return [
        Sheet("Diện tích", AREA, area_rows(needs)),
        Sheet("Phòng bắt buộc", ROOMS, room_rows(needs)),
        Sheet("Thiết bị", EQUIPMENT, equipment_rows(needs)),
    ]
