"""The handover list as a file, with Vietnamese headings: a handover of either side in
the caller's scope per row, with its decision, status, due date and item counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.api.exports import Export
from inventory.clock import VIETNAM
from inventory.db.listing import ListQuery
from inventory.documents.words import Lang, word
from inventory.documents.xlsx import Column
from inventory.handovers import filters, queries

COLUMNS = (
    Column("Mã hệ thống", 10, "number"),
    Column("Loại", 12),
    Column("Số quyết định", 16),
    Column("Ngày quyết định", 12, "date"),
    Column("Cơ quan quyết định", 24),
    Column("Bên giao", 28),
    Column("Bên nhận", 28),
    Column("Ngày bàn giao", 12, "date"),
    Column("Trạng thái", 16),
    Column("Hạn hoàn thành", 12, "date"),
    Column("Quá hạn", 8),
    Column("Số tài sản", 10, "number"),
    Column("Hoàn thành lúc", 16, "datetime"),
)
ENGLISH = (
    "System id",
    "Kind",
    "Decision number",
    "Decision date",
    "Decided by",
    "Giving unit",
    "Receiving unit",
    "Handover date",
    "Status",
    "Due date",
    "Overdue",
    "Items",
    "Completed at",
)


def values(row: asyncpg.Record, lang: Lang) -> Sequence[Any]:
    done = row["completed_at"]
    return (
        row["id"],
        word("ho_kind_", row["kind"], lang),
        row["decision_number"],
        row["decision_date"],
        row["decision_issuer"],
        row["giving_unit_name"],
        row["receiving_unit_name"],
        row["handover_date"],
        word("status_", row["status"], lang),
        row["due_date"],
        word("", "yes", lang) if row["overdue"] else "",
        row["item_count"],
        done.astimezone(VIETNAM) if done else None,
    )


def _scope(query: ListQuery, unit_id: int) -> None:
    unit = query.param(unit_id)
    query.where.append(
        f"({in_scope('h.giving_unit_id', unit)} OR {in_scope('h.receiving_unit_id', unit)})"
    )


HANDOVERS = Export("ban-giao", filters.HANDOVERS, queries.LIST, _scope, COLUMNS, ENGLISH, values)
