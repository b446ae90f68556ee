"""SQL for categories: reference data, the same for every unit, so no scope clause."""

from __future__ import annotations

import asyncpg

from inventory.db.listing import SortKeys
from inventory.errors import InUse, Invalid

COLUMNS = "id, code, name, form_group, wear_rate::float8 AS wear_rate, norm_item, version"

GET = f"SELECT {COLUMNS} FROM categories WHERE id = $1"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE"

LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM categories WHERE {{where}}"

SORT_KEYS: SortKeys = {
    "code": ("code", "text"),
    "name": ("name", "text"),
    "id": ("id", "bigint"),
}


async def require(conn: asyncpg.Connection, category_id: int | None, field: str) -> None:
    """Refuse a body naming a category that does not exist."""
    if category_id is None:
        return
    if not await conn.fetchval("SELECT 1 FROM categories WHERE id = $1", category_id):
        raise Invalid(f"no category {category_id}", field=field)


async def delete(conn: asyncpg.Connection, category_id: int) -> None:
    try:
        await conn.execute("DELETE FROM categories WHERE id = $1", category_id)
    except asyncpg.ForeignKeyViolationError as exc:
        raise InUse(
            f"category {category_id} still has assets", constraint=exc.constraint_name or ""
        ) from exc
