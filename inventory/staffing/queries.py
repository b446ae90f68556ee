"""SQL for staffing: a unit's positions, read in the caller's scope, replaced as a whole."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.staffing.schemas import StaffPosition

UNIT = f"SELECT id FROM units WHERE id = $1 AND {in_scope('id', '$2')}"
VERSION = "SELECT version FROM staffing WHERE unit_id = $1"
POSITIONS = """
SELECT position, norm_group, holders FROM staff_positions WHERE unit_id = $1 ORDER BY line
"""
# The row a change locks; made at version 0 the first time.
OPEN = "INSERT INTO staffing (unit_id, version) VALUES ($1, 0) ON CONFLICT DO NOTHING"
LOCK = "SELECT version FROM staffing WHERE unit_id = $1 FOR NO KEY UPDATE"
CLEAR = "DELETE FROM staff_positions WHERE unit_id = $1"
INSERT = """
INSERT INTO staff_positions (unit_id, line, position, norm_group, holders)
SELECT $1, line, position, norm_group, holders
FROM unnest($2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS p(position, norm_group,
    holders, line)
"""
BUMP = "UPDATE staffing SET version = version + 1, updated_at = now() WHERE unit_id = $1"
# The demo's: every unit's positions in two statements.
OPEN_MANY = "INSERT INTO staffing (unit_id) SELECT unnest($1::bigint[])"
INSERT_MANY = """
INSERT INTO staff_positions (unit_id, line, position, norm_group, holders)
SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::int[])
"""

CONSTRAINTS = {
    "staff_positions_position_key": ("positions", "a position is listed once"),
    "staff_positions_norm_group_check": ("norm_group", "not a norm group"),
}


async def in_scope_unit(conn: asyncpg.Connection, unit_id: int, scope_unit_id: int) -> bool:
    return await conn.fetchval(UNIT, unit_id, scope_unit_id) is not None


async def read(conn: asyncpg.Connection, unit_id: int) -> tuple[int, list[StaffPosition]]:
    """The unit's version (0: never set) and positions, in the order they were given."""
    version = await conn.fetchval(VERSION, unit_id) or 0
    rows = await conn.fetch(POSITIONS, unit_id)
    return version, [StaffPosition(r["position"], r["norm_group"], r["holders"]) for r in rows]


async def lock(conn: asyncpg.Connection, unit_id: int) -> int:
    """Lock the unit's staffing for a change; its version."""
    await conn.execute(OPEN, unit_id)
    return await conn.fetchval(LOCK, unit_id)


async def replace(conn: asyncpg.Connection, unit_id: int, positions: list[StaffPosition]) -> None:
    await conn.execute(CLEAR, unit_id)
    await conn.execute(
        INSERT,
        unit_id,
        [p.position for p in positions],
        [str(p.norm_group) for p in positions],
        [p.holders for p in positions],
    )
    await conn.execute(BUMP, unit_id)


async def insert_many(conn: asyncpg.Connection, staffing: dict[int, list[StaffPosition]]) -> None:
    """Many units' first staffing at once (the demo loader)."""
    await conn.execute(OPEN_MANY, list(staffing))
    rows = [(u, line, p) for u, ps in staffing.items() for line, p in enumerate(ps, 1)]
    await conn.execute(
        INSERT_MANY,
        [u for u, _, _ in rows],
        [line for _, line, _ in rows],
        [p.position for _, _, p in rows],
        [str(p.norm_group) for _, _, p in rows],
        [p.holders for _, _, p in rows],
    )
