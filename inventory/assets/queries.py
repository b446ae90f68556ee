"""SQL for assets, every read limited to assets held by a unit in the caller's scope.

One SELECT serves a read whole: the names of the category, holder unit, site
and room come joined in, so the tag lookup behind every scan is one round trip.
"""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.db.listing import SortKeys
from inventory.errors import InUse

COLUMNS = """
a.id, a.tag, a.name, a.category_id, c.name AS category_name, c.wear_rate, a.model, a.serial,
a.unit_of_measure, a.quantity, a.acquisition_year, a.original_cost, a.remaining_value,
a.funding_source, a.condition, a.status, a.holder_unit_id, u.name AS holder_unit_name,
a.site_id, s.name AS site_name, a.room_id, r.name AS room_name, a.origin_unit_id, a.ownership,
a.custodian, a.last_seen_at, a.last_seen_room_id, a.last_seen_by, a.version
"""
FROM = """
assets a
JOIN categories c ON c.id = a.category_id
JOIN units u ON u.id = a.holder_unit_id
LEFT JOIN sites s ON s.id = a.site_id
LEFT JOIN rooms r ON r.id = a.room_id
"""
SCOPE = in_scope("a.holder_unit_id", "$2")

GET = f"SELECT {COLUMNS} FROM {FROM} WHERE a.id = $1 AND {SCOPE}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE OF a"
BY_TAG = f"SELECT {COLUMNS} FROM {FROM} WHERE a.tag = $1 AND {SCOPE}"

LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM {FROM} WHERE {{where}}"

# Keyset paging compares (key, id) tuples, so nullable columns sort as '' or 0.
SORT_KEYS: SortKeys = {
    "name": ("a.name", "text"),
    "tag": ("coalesce(a.tag, '')", "text"),
    "id": ("a.id", "bigint"),
    "acquisition_year": ("coalesce(a.acquisition_year, 0)", "integer"),
    "original_cost": ("a.original_cost", "bigint"),
}


async def fetch(
    conn: asyncpg.Connection, asset_id: int, scope_unit_id: int, *, lock: bool = False
) -> asyncpg.Record | None:
    return await conn.fetchrow(GET_FOR_UPDATE if lock else GET, asset_id, scope_unit_id)


async def by_tag(conn: asyncpg.Connection, tag: str, scope_unit_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(BY_TAG, tag, scope_unit_id)


async def set_tag(conn: asyncpg.Connection, asset_id: int, tag: str) -> None:
    """Tag an untagged asset; the database refuses to change a tag once set."""
    await conn.execute(
        "UPDATE assets SET tag = $2, version = version + 1, updated_at = now() WHERE id = $1",
        asset_id,
        tag,
    )


async def delete(conn: asyncpg.Connection, asset_id: int) -> None:
    try:
        await conn.execute("DELETE FROM assets WHERE id = $1", asset_id)
    except asyncpg.ForeignKeyViolationError as exc:
        raise InUse(
            f"other records still refer to asset {asset_id}", constraint=exc.constraint_name or ""
        ) from exc
