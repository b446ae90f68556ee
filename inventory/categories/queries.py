"""SQL for categories: reference data, the same for every unit, so no scope clause."""

from __future__ import annotations

import asyncpg

from inventory.errors import InUse, Invalid

COLUMNS = "id, code, name, form_group, wear_rate::float8 AS wear_rate, norm_item, version"

GET = f"SELECT {COLUMNS} FROM categories WHERE id = $1"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE"

CHOICES = 'SELECT id, code, name FROM categories ORDER BY sort_name COLLATE "C", id'
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM categories WHERE {{where}}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {"categories_code_key": ("code", "a category with this code already exists")}


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


async def choices(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every category, in Vietnamese order, for a form's choice."""
    return await conn.fetch(CHOICES)
