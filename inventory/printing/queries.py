"""SQL for labels: the rows a label is drawn from, in the order labels are stuck on."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.db.listing import ListParams, ListQuery

# Room by room, the order in which they are stuck on. Where another site of the same
# holder has a room of the same name, the room line names its site too.
ASSET_LABELS = """
SELECT a.tag, u.name AS unit_name, a.name AS asset_name,
       CASE WHEN EXISTS (
           SELECT 1 FROM rooms twin JOIN sites other ON other.id = twin.site_id
           WHERE twin.name = r.name AND twin.site_id <> r.site_id
             AND other.holder_unit_id = s.holder_unit_id
       ) THEN s.name || ' · ' || r.name ELSE r.name END AS room_name
FROM assets a JOIN units u ON u.id = a.holder_unit_id
LEFT JOIN sites s ON s.id = a.site_id LEFT JOIN rooms r ON r.id = a.room_id
WHERE a.tag IS NOT NULL AND {where}
ORDER BY s.sort_name COLLATE "C", r.sort_name COLLATE "C", a.sort_name COLLATE "C", a.id
LIMIT {limit}
"""
BATCH_LABELS = """
SELECT t.code AS tag, u.name AS unit_name, NULL AS asset_name, NULL AS room_name
FROM tags t JOIN units u ON u.id = t.unit_id WHERE t.batch_id = $1 ORDER BY t.number
"""
# A site's rooms, by name: the room's name where an asset's goes, its site where the room's.
ROOM_LABELS = """
SELECT r.tag, u.name AS unit_name, r.name AS asset_name, s.name AS room_name
FROM rooms r JOIN sites s ON s.id = r.site_id JOIN units u ON u.id = s.holder_unit_id
WHERE r.tag IS NOT NULL AND {where}
ORDER BY r.sort_name COLLATE "C", r.id
LIMIT {limit}
"""


async def asset_labels(
    conn: asyncpg.Connection,
    scope_unit_id: int | None,
    selection: ListParams,
    ids: list[int] | None,
    limit: int | None,
) -> list[asyncpg.Record]:
    """Label rows of the tagged assets selected; every asset when `scope_unit_id` is None
    (the command line, which has the whole database anyway)."""
    query = ListQuery()
    if scope_unit_id is not None:
        query.add(in_scope("a.holder_unit_id", "{}"), scope_unit_id)
    selection.apply(query)
    if ids is not None:
        query.add("a.id = ANY({}::bigint[])", ids)
    sql = ASSET_LABELS.format(
        where=query.where_sql(), limit="ALL" if limit is None else query.param(limit)
    )
    return await conn.fetch(sql, *query.params)


async def batch_labels(conn: asyncpg.Connection, batch_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(BATCH_LABELS, batch_id)


async def room_labels(
    conn: asyncpg.Connection,
    scope_unit_id: int | None,
    *,
    site_id: int | None = None,
    room_id: int | None = None,
    limit: int | None = None,
) -> list[asyncpg.Record]:
    """Label rows of the rooms with a code of a site, or of one room; in any unit's scope
    when `scope_unit_id` is None (the command line)."""
    query = ListQuery()
    if scope_unit_id is not None:
        query.add(in_scope("s.holder_unit_id", "{}"), scope_unit_id)
    if site_id is not None:
        query.add("r.site_id = {}", site_id)
    if room_id is not None:
        query.add("r.id = {}", room_id)
    sql = ROOM_LABELS.format(
        where=query.where_sql(), limit="ALL" if limit is None else query.param(limit)
    )
    return await conn.fetch(sql, *query.params)
