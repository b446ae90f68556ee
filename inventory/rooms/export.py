"""The room list as a file, with Vietnamese headings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.api.exports import Export
from inventory.db.listing import ListQuery
from inventory.documents.words import Lang, word
from inventory.documents.xlsx import Column
from inventory.rooms import filters, queries

COLUMNS = (
    Column("Mã hệ thống", 10, "number"),
    Column("Mã phòng", 14),
    Column("Tên phòng", 28),
    Column("Cơ sở", 28),
    Column("Tầng", 8, "number"),
    Column("Diện tích (m²)", 12, "number"),
    Column("Công năng", 14),
    Column("Số chỗ", 8, "number"),
)
ENGLISH = ("System id", "Room tag", "Room name", "Site", "Floor", "Area (m²)", "Purpose", "Seats")


def values(row: asyncpg.Record, lang: Lang) -> Sequence[Any]:
    return (
        row["id"],
        row["tag"],
        row["name"],
        row["site_name"],
        row["floor"],
        row["area_m2"],
        word("dk_purpose_", row["purpose"], lang),
        row["seats"],
    )


def _scope(query: ListQuery, unit_id: int) -> None:
    query.add(in_scope("s.holder_unit_id", "{}"), unit_id)


ROOMS = Export("phong", filters.ROOMS, queries.LIST, _scope, COLUMNS, ENGLISH, values)
