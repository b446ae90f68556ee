"""SQL for tags and batches. A blank tag is in scope through its batch's unit; a bound
tag through the unit holding its asset, wherever the asset has moved since."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.assets.filters import AssetFilters
from inventory.db.listing import ListQuery, SortKeys
from inventory.tags.codes import encode

BATCH_COLUMNS = """
b.id, b.unit_id, u.name AS unit_name, b.size, b.created_by, b.created_at,
(SELECT count(*) FROM tags t WHERE t.batch_id = b.id AND t.claimed_at IS NOT NULL) AS claimed
"""
BATCH_FROM = "tag_batches b JOIN units u ON u.id = b.unit_id"
GET_BATCH = (
    f"SELECT {BATCH_COLUMNS} FROM {BATCH_FROM} WHERE b.id = $1 AND {in_scope('b.unit_id', '$2')}"
)
LIST_BATCHES = f"SELECT {BATCH_COLUMNS}, {{sort_key}} AS sort_key FROM {BATCH_FROM} WHERE {{where}}"
SORT_KEYS: SortKeys = {"id": ("b.id", "bigint"), "size": ("b.size", "integer")}

# Printing order: the order the codes were drawn from the sequence.
BATCH_TAGS = """
SELECT code, asset_id, claimed_at, claimed_by FROM tags WHERE batch_id = $1 ORDER BY number
"""

# What the history keeps of a reservation: which codes went to which unit.
BATCH_EVENT = """
SELECT b.id, b.unit_id, b.size, b.created_by, array_agg(t.code ORDER BY t.number) AS codes
FROM tag_batches b JOIN tags t ON t.batch_id = b.id WHERE b.id = $1 GROUP BY b.id
"""

# A bound tag, then a blank (or retired) one: at most one of the two answers.
LOOKUP = f"""
SELECT a.tag AS code, 'bound' AS state, a.holder_unit_id AS unit_id, u.name AS unit_name,
       a.id AS asset_id, a.name AS asset_name, t.batch_id, t.claimed_at, t.claimed_by
FROM assets a JOIN units u ON u.id = a.holder_unit_id LEFT JOIN tags t ON t.code = a.tag
WHERE a.tag = $1 AND {in_scope("a.holder_unit_id", "$2")}
UNION ALL
SELECT t.code, CASE WHEN t.claimed_at IS NULL THEN 'blank' ELSE 'retired' END, t.unit_id,
       u.name, NULL, NULL, t.batch_id, t.claimed_at, t.claimed_by
FROM tags t JOIN units u ON u.id = t.unit_id
WHERE t.code = $1 AND t.asset_id IS NULL AND {in_scope("t.unit_id", "$2")}
"""

BLANK_FOR_UPDATE = f"""
SELECT code, batch_id, unit_id, asset_id, claimed_at, claimed_by FROM tags
WHERE code = $1 AND {in_scope("unit_id", "$2")} FOR NO KEY UPDATE
"""
CLAIM = """
UPDATE tags SET asset_id = $2, claimed_at = now(), claimed_by = $3 WHERE code = $1
RETURNING code, batch_id, unit_id, asset_id, claimed_at, claimed_by
"""

# What a blank tag of a unit may be bound to, or placed in: the unit's own scope.
UNIT_HOLDS_ASSET = (
    f"SELECT 1 FROM assets a WHERE a.id = $1 AND {in_scope('a.holder_unit_id', '$2')}"
)
UNIT_HOLDS_ROOM = (
    f"SELECT 1 FROM rooms r JOIN sites s ON s.id = r.site_id"
    f" WHERE r.id = $1 AND {in_scope('s.holder_unit_id', '$2')}"
)

UNTAGGED = f"""
SELECT a.id, a.name, a.serial, r.name AS room_name FROM assets a
LEFT JOIN rooms r ON r.id = a.room_id
WHERE a.tag IS NULL AND {in_scope("a.holder_unit_id", "$1")}
  AND ($2::text IS NULL OR a.search @@ to_tsquery('simple', $2))
ORDER BY a.name, a.id LIMIT $3
"""
UNIT_ROOMS = f"""
SELECT r.id, s.name AS site_name, r.name FROM rooms r JOIN sites s ON s.id = r.site_id
WHERE {in_scope("s.holder_unit_id", "$1")} ORDER BY s.name, r.name, r.id LIMIT 500
"""
CATEGORIES = "SELECT id, code, name FROM categories ORDER BY name, id"
LAST_SEEN = """
SELECT r.name AS room_name, u.login FROM assets a
LEFT JOIN rooms r ON r.id = a.last_seen_room_id LEFT JOIN users u ON u.id = a.last_seen_by
WHERE a.id = $1
"""

# Labels come out room by room, the order in which they are stuck on.
ASSET_LABELS = """
SELECT a.tag, u.name AS unit_name, a.name AS asset_name, r.name AS room_name
FROM assets a JOIN units u ON u.id = a.holder_unit_id
LEFT JOIN sites s ON s.id = a.site_id LEFT JOIN rooms r ON r.id = a.room_id
WHERE a.tag IS NOT NULL AND {where} ORDER BY s.name, r.name, a.name, a.id LIMIT {limit}
"""
BATCH_LABELS = """
SELECT t.code AS tag, u.name AS unit_name, NULL AS asset_name, NULL AS room_name
FROM tags t JOIN units u ON u.id = t.unit_id WHERE t.batch_id = $1 ORDER BY t.number
"""


async def issue(conn: asyncpg.Connection, count: int, prefix: str) -> list[tuple[int, str]]:
    """`count` new (number, code) pairs from the deployment's sequence: never seen before."""
    rows = await conn.fetch("SELECT nextval('tag_seq') FROM generate_series(1, $1::int)", count)
    return [(row[0], encode(row[0], prefix)) for row in rows]


async def next_code(conn: asyncpg.Connection, prefix: str) -> str:
    """One new code, for an asset getting its tag directly."""
    [(_, code)] = await issue(conn, 1, prefix)
    return code


async def create_batch(
    conn: asyncpg.Connection, unit_id: int, size: int, user_id: int, prefix: str
) -> int:
    batch_id = await conn.fetchval(
        "INSERT INTO tag_batches (unit_id, size, created_by) VALUES ($1, $2, $3) RETURNING id",
        unit_id,
        size,
        user_id,
    )
    numbers, codes = zip(*await issue(conn, size, prefix), strict=True)
    await conn.execute(
        "INSERT INTO tags (code, number, batch_id, unit_id)"
        " SELECT code, number, $3, $4 FROM unnest($1::text[], $2::bigint[]) AS n(code, number)",
        list(codes),
        list(numbers),
        batch_id,
        unit_id,
    )
    return batch_id


async def fetch_batch(
    conn: asyncpg.Connection, batch_id: int, scope_unit_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(GET_BATCH, batch_id, scope_unit_id)


async def batch_event(conn: asyncpg.Connection, batch_id: int) -> asyncpg.Record:
    return await conn.fetchrow(BATCH_EVENT, batch_id)


async def batch_tags(conn: asyncpg.Connection, batch_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(BATCH_TAGS, batch_id)


async def lookup(conn: asyncpg.Connection, code: str, scope_unit_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(LOOKUP, code, scope_unit_id)


async def lock_blank(
    conn: asyncpg.Connection, code: str, scope_unit_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(BLANK_FOR_UPDATE, code, scope_unit_id)


async def claim(conn: asyncpg.Connection, code: str, asset_id: int, user_id: int) -> asyncpg.Record:
    return await conn.fetchrow(CLAIM, code, asset_id, user_id)


async def unit_holds_asset(conn: asyncpg.Connection, unit_id: int, asset_id: int) -> bool:
    return bool(await conn.fetchval(UNIT_HOLDS_ASSET, asset_id, unit_id))


async def unit_holds_room(conn: asyncpg.Connection, unit_id: int, room_id: int) -> bool:
    return bool(await conn.fetchval(UNIT_HOLDS_ROOM, room_id, unit_id))


async def untagged(
    conn: asyncpg.Connection, unit_id: int, words: str | None, limit: int
) -> list[asyncpg.Record]:
    """Untagged assets in a unit's scope, by name; `words` a tsquery from listing.tsquery."""
    return await conn.fetch(UNTAGGED, unit_id, words, limit)


async def unit_rooms(conn: asyncpg.Connection, unit_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(UNIT_ROOMS, unit_id)


async def categories(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(CATEGORIES)


async def asset_labels(
    conn: asyncpg.Connection,
    scope_unit_id: int | None,
    filters: AssetFilters,
    ids: list[int] | None,
    limit: int | None,
) -> list[asyncpg.Record]:
    """Label rows of the tagged assets selected; every asset when `scope_unit_id` is None
    (the command line, which has the whole database anyway)."""
    query = ListQuery()
    if scope_unit_id is not None:
        query.add(in_scope("a.holder_unit_id", "{}"), scope_unit_id)
    filters.apply(query)
    if ids is not None:
        query.add("a.id = ANY({}::bigint[])", ids)
    sql = ASSET_LABELS.format(
        where=query.where_sql(), limit="ALL" if limit is None else query.param(limit)
    )
    return await conn.fetch(sql, *query.params)


async def batch_labels(conn: asyncpg.Connection, batch_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(BATCH_LABELS, batch_id)


async def last_seen(conn: asyncpg.Connection, asset_id: int) -> asyncpg.Record:
    """Where and by whom an asset (already read in scope) was last seen."""
    return await conn.fetchrow(LAST_SEEN, asset_id)
