"""The asset list as a file: the list's rows with Vietnamese headings, in the order of
form 02's table (name, unit of measure, quantity, original cost, remaining value) after
the asset's identity, so that an exported list can be imported again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.api.exports import Export
from inventory.assets import filters, queries, rules
from inventory.clock import VIETNAM, this_year
from inventory.db.listing import ListQuery
from inventory.documents.words import Lang, word
from inventory.documents.xlsx import Column

COLUMNS = (
    Column("Mã hệ thống", 10, "number"),
    Column("Mã tài sản", 16),
    Column("Tên tài sản", 36),
    Column("Loại tài sản", 18),
    Column("Ký hiệu, model", 16),
    Column("Số hiệu (serial)", 16),
    Column("Đơn vị tính", 10),
    Column("Số lượng", 9, "number"),
    Column("Năm sử dụng", 10, "number"),
    Column("Nguyên giá (đồng)", 16, "money"),
    Column("Giá trị còn lại (đồng)", 16, "money"),
    Column("Nguồn vốn", 16),
    Column("Tình trạng", 12),
    Column("Trạng thái", 12),
    Column("Sở hữu", 10),
    Column("Đơn vị quản lý", 24),
    Column("Cơ sở", 24),
    Column("Phòng", 20),
    Column("Người sử dụng", 18),
    Column("Lần thấy gần nhất", 16, "datetime"),
)
ENGLISH = (
    "System id",
    "Tag",
    "Asset name",
    "Category",
    "Model",
    "Serial",
    "Unit of measure",
    "Quantity",
    "Year put to use",
    "Original cost (VND)",
    "Remaining value (VND)",
    "Funding source",
    "Condition",
    "Status",
    "Ownership",
    "Holder unit",
    "Site",
    "Room",
    "Custodian",
    "Last seen",
)


def values(row: asyncpg.Record, lang: Lang) -> Sequence[Any]:
    remaining, _ = rules.effective_remaining_value(
        row["remaining_value"],
        row["original_cost"],
        row["wear_rate"],
        row["acquisition_year"],
        this_year(),
    )
    seen = row["last_seen_at"]
    return (
        row["id"],
        row["tag"],
        row["name"],
        row["category_name"],
        row["model"],
        row["serial"],
        row["unit_of_measure"],
        row["quantity"],
        row["acquisition_year"],
        row["original_cost"],
        remaining,
        row["funding_source"],
        word("condition_", row["condition"], lang),
        word("status_", row["status"], lang),
        word("ownership_", row["ownership"], lang),
        row["holder_unit_name"],
        row["site_name"],
        row["room_name"],
        row["custodian"],
        seen.astimezone(VIETNAM) if seen else None,
    )


def _scope(query: ListQuery, unit_id: int) -> None:
    query.add(in_scope("a.holder_unit_id", "{}"), unit_id)


ASSETS = Export("tai-san", filters.ASSETS, queries.LIST, _scope, COLUMNS, ENGLISH, values)
