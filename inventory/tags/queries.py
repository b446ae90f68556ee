"""SQL for the tag sequence, blank batches and their tags. A blank tag is in scope
through its batch's unit."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.tagcodes import encode

BATCH = "tag_batch"
"""Batches in history."""

BATCH_COLUMNS = """
b.id, b.unit_id, u.name AS unit_name, b.size, b.created_by, b.created_at,
(SELECT count(*) FROM tags t WHERE t.batch_id = b.id AND t.claimed_at IS NOT NULL) AS claimed
"""
BATCH_FROM = "tag_batches b JOIN units u ON u.id = b.unit_id"
GET_BATCH = (
    f"SELECT {BATCH_COLUMNS} FROM {BATCH_FROM} WHERE b.id = $1 AND {in_scope('b.unit_id', '$2')}"
)
LIST_BATCHES = f"SELECT {BATCH_COLUMNS}, {{sort_key}} AS sort_key FROM {BATCH_FROM} WHERE {{where}}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {"tags_asset_id_key": ("asset_id", "this asset already has a tag from a batch")}

# Printing order: the order the codes were drawn from the sequence.
BATCH_TAGS = """
SELECT code, asset_id, claimed_at, claimed_by FROM tags WHERE batch_id = $1 ORDER BY number
"""

# What the history keeps of a reservation: which codes went to which unit.
BATCH_EVENT = """
SELECT b.id, b.unit_id, b.size, b.created_by, array_agg(t.code ORDER BY t.number) AS codes
FROM tag_batches b JOIN tags t ON t.batch_id = b.id WHERE b.id = $1 GROUP BY b.id
"""


BLANK_FOR_UPDATE = f"""
SELECT code, batch_id, unit_id, asset_id, claimed_at, claimed_by FROM tags
WHERE code = $1 AND {in_scope("unit_id", "$2")} FOR NO KEY UPDATE
"""
CLAIM = """
UPDATE tags SET asset_id = $2, claimed_at = now(), claimed_by = $3 WHERE code = $1
RETURNING code, batch_id, unit_id, asset_id, claimed_at, claimed_by
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


async def lock_blank(
    conn: asyncpg.Connection, code: str, scope_unit_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(BLANK_FOR_UPDATE, code, scope_unit_id)


async def claim(conn: asyncpg.Connection, code: str, asset_id: int, user_id: int) -> asyncpg.Record:
    return await conn.fetchrow(CLAIM, code, asset_id, user_id)
