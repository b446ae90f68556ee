"""SQL for norms: deployment-wide reference data, the same for every unit, so no scope."""

from __future__ import annotations

import datetime

import asyncpg

COLUMNS = """
id, code, kind, name, value::float8 AS value, unit, position_groups, item, purpose, basis, per,
max_price, legal_source, confidence, valid_from, valid_to, version, updated_at
"""
GET = f"SELECT {COLUMNS} FROM norms WHERE id = $1"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE"
ALL = f"SELECT {COLUMNS} FROM norms ORDER BY kind, code"
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM norms WHERE {{where}}"
# The norms the needs arithmetic reads, as they stand on a day.
IN_FORCE = f"""
SELECT {COLUMNS} FROM norms
WHERE kind IN ('area', 'shared_area', 'room', 'equipment')
  AND (valid_from IS NULL OR valid_from <= $1) AND (valid_to IS NULL OR valid_to >= $1)
ORDER BY id
"""
ITEMS = """
SELECT i.code, i.name, coalesce(json_agg(json_build_object('id', c.id, 'code', c.code,
    'name', c.name) ORDER BY c.code) FILTER (WHERE c.id IS NOT NULL), '[]')::text AS categories
FROM norm_items i LEFT JOIN categories c ON c.norm_item = i.code
GROUP BY i.code, i.name ORDER BY i.code
"""

# The database's last line of defence, in the API's words.
CONSTRAINTS = {
    "norms_code_key": ("code", "a norm with this code already exists"),
    "norms_validity_check": ("valid_to", "valid_to is before valid_from"),
    "norms_value_check": ("value", "a norm's figure is not negative"),
    "norms_per_check": ("per", "per is at least 1"),
    "norms_max_price_check": ("max_price", "a price is not negative"),
    "categories_norm_item_fkey": ("norm_item", "no such norm item (see /api/v1/norms/items)"),
}


async def in_force(conn: asyncpg.Connection, day: datetime.date) -> list[asyncpg.Record]:
    """The area, room and equipment norms valid on `day`."""
    return await conn.fetch(IN_FORCE, day)


async def items(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(ITEMS)


async def all_norms(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every norm, by kind and code (a deployment has a few dozen)."""
    return await conn.fetch(ALL)
