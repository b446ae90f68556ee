"""The compliance view as an XLSX workbook, through the documents kernel: a sheet of the
communes (with the total row last), a sheet of merger coverage (one row per former
unit), and a sheet of the province's totals. The same report the API answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from inventory.compliance.schemas import Compliance, UnitCompliance
from inventory.documents.xlsx import Column, Sheet
from inventory.handovers.schemas import HandoverStatus

STATUS_TITLES = {
    "draft": "Nháp / Draft",
    "submitted": "Đã gửi / Submitted",
    "verifying": "Đang kiểm nhận / Verifying",
    "signed_by_giver": "Bên giao đã ký / Signed by giver",
    "signed_by_receiver": "Bên nhận đã ký / Signed by receiver",
    "completed": "Hoàn thành / Completed",
    "disputed": "Khiếu nại / Disputed",
    "cancelled": "Đã hủy / Cancelled",
}
ITEM_TITLES = {
    "missing": "Thiếu / Missing",
    "received_damaged": "Hư hỏng / Damaged",
    "surplus": "Thừa / Surplus",
}
_N, _M = "number", "money"


def _unit_columns() -> list[Column]:
    columns = [
        Column("Mã / Code", 10),
        Column("Đơn vị / Unit", 28),
        Column("Số biên bản / Handovers", 12, _N),
        *(Column(STATUS_TITLES[s.value], 12, _N) for s in HandoverStatus),
        Column("Còn hạn / Open, due", 12, _N),
        Column("Quá hạn / Overdue", 12, _N),
        Column("Đúng hạn / On time", 12, _N),
        Column("Trễ hạn / Late", 12, _N),
        Column("Gắn cờ / Flagged", 12, _N),
    ]
    for title in ITEM_TITLES.values():
        columns += [
            Column(f"{title}: số mục / items", 12, _N),
            Column(f"{title}: nguyên giá / cost", 16, _M),
            Column(f"{title}: giá trị còn lại / remaining", 16, _M),
        ]
    return [
        *columns,
        Column("Đơn vị cũ / Former units", 12, _N),
        Column("Chưa bàn giao xong / Uncovered", 12, _N),
        Column("Cơ sở chưa bàn giao / Sites left", 12, _N),
        Column("Tài sản chưa bàn giao / Assets left", 12, _N),
        Column("Nguyên giá chưa bàn giao / Cost left", 16, _M),
    ]


def _unit_row(u: UnitCompliance) -> list[Any]:
    row: list[Any] = [
        u.unit_code,
        u.unit_name,
        u.handovers,
        *(u.by_status.get(s.value, 0) for s in HandoverStatus),
        u.open_due,
        u.open_overdue,
        u.completed_on_time,
        u.completed_late,
        u.flagged,
    ]
    for status in ITEM_TITLES:
        t = u.items_by_transfer_status[status]
        row += [t.items, t.original_cost, t.remaining_value]
    return [
        *row,
        u.former_units,
        u.former_units_uncovered,
        u.uncovered_sites,
        u.uncovered_assets,
        u.uncovered_original_cost,
    ]


COVERAGE_COLUMNS = [
    Column("Mã / Code", 12),
    Column("Đơn vị cũ / Former unit", 28),
    Column("Sáp nhập vào / Merged into", 28),
    Column("Cơ sở còn giữ / Sites held", 12, _N),
    Column("Tài sản còn giữ / Assets held", 12, _N),
    Column("Số lượng / Quantity", 12, _N),
    Column("Nguyên giá / Cost", 16, _M),
    Column("Giá trị còn lại / Remaining", 16, _M),
    Column("Trong biên bản đang mở / In an open handover", 14, _N),
    Column("Đã bàn giao xong / Covered", 12),
]


def sheets(report: Compliance) -> Iterator[Sheet]:
    columns = _unit_columns()
    total = report.province
    yield Sheet(
        "Theo xã",
        columns,
        [
            *(_unit_row(u) for u in report.units),
            ["", f"Tổng cộng / Total: {total.unit_name}", *_unit_row(total)[2:]],
        ],
    )
    yield Sheet(
        "Sáp nhập",
        COVERAGE_COLUMNS,
        (
            [
                c.unit_code,
                c.unit_name,
                c.merged_into_name,
                c.sites,
                c.assets,
                c.quantity,
                c.original_cost,
                c.remaining_value,
                c.in_open_handover,
                "Có / Yes" if c.covered else "Chưa / No",
            ]
            for c in report.coverage
        ),
    )
    yield Sheet(
        "Toàn tỉnh",
        [Column("Chỉ tiêu / Figure", 44), Column("Giá trị / Value", 18, _M)],
        [
            [f"{total.unit_code} {total.unit_name}", None],
            *(
                [title.title, value]
                for title, value in zip(columns[2:], _unit_row(total)[2:], strict=True)
            ),
        ],
    )
