"""The site list as a file, with Vietnamese headings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.api.exports import Export
from inventory.db.listing import ListQuery
from inventory.documents.words import Lang, word
from inventory.documents.xlsx import Column
from inventory.sites import filters, queries

COLUMNS = (
    Column("Mã hệ thống", 10, "number"),
    Column("Tên cơ sở", 32),
    Column("Địa chỉ", 32),
    Column("Mã đơn vị quản lý", 12, "number"),
    Column("Diện tích đất (m²)", 14, "number"),
    Column("Diện tích sàn (m²)", 14, "number"),
    Column("Năm xây dựng", 10, "number"),
    Column("Tình trạng", 12),
    Column("Vai trò", 12),
    Column("Trạng thái", 12),
)
ENGLISH = (
    "System id",
    "Site name",
    "Address",
    "Holder unit id",
    "Land area (m²)",
    "Floor area (m²)",
    "Year built",
    "Condition",
    "Role",
    "Status",
)


def values(row: asyncpg.Record, lang: Lang) -> Sequence[Any]:
    return (
        row["id"],
        row["name"],
        row["address"],
        row["holder_unit_id"],
        row["land_area_m2"],
        row["floor_area_m2"],
        row["year_built"],
        word("condition_", row["condition"], lang),
        word("dk_site_role_", row["role"], lang),
        word("site_status_", row["status"], lang),
    )


def _scope(query: ListQuery, unit_id: int) -> None:
    query.add(in_scope("holder_unit_id", "{}"), unit_id)


SITES = Export("co-so", filters.SITES, queries.LIST, _scope, COLUMNS, ENGLISH, values)
