"""SQL for where a tag stands: bound to an asset (in scope through the unit holding it,
wherever it has moved since), or blank or retired (through its batch's unit)."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope

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


async def lookup(conn: asyncpg.Connection, code: str, scope_unit_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(LOOKUP, code, scope_unit_id)
