"""SQL for the compliance view, built on the handovers' own deadline expressions, every
read limited to the caller's scope ($1: the caller's scope unit).

Merger coverage: a former unit's site or (not disposed) asset is **covered** once it is
an item of a completed merger handover; received, it has passed to the new commune,
missing, it stays with the former unit as a recorded shortage. What a former unit still
holds outside any completed merger handover is **uncovered**: in an open handover (in
progress) or in none at all.
"""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.handovers.queries import DUE, LATE, OVERDUE, TODAY
from inventory.handovers.rules import OPEN

_OPEN = ", ".join(f"'{s}'" for s in OPEN)
_FLAGGED = (
    "EXISTS (SELECT 1 FROM handover_flags f WHERE f.handover_id = h.id AND f.cleared_at IS NULL)"
)
COMMUNE_KINDS = ("commune", "ward", "special_zone")
_KINDS = ", ".join(f"'{k}'" for k in COMMUNE_KINDS)

# One row per commune of the scope (whether it received anything or not) and per other
# receiving unit of a handover in scope.
UNITS = f"""
WITH shown AS (
    SELECT u.id FROM units u WHERE u.kind IN ({_KINDS}) AND {in_scope("u.id", "$1")}
    UNION
    SELECT h.receiving_unit_id FROM handovers h WHERE {in_scope("h.receiving_unit_id", "$1")}
)
SELECT u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, count(h.id) AS handovers,
    count(h.id) FILTER (WHERE h.status IN ({_OPEN}) AND NOT {OVERDUE}) AS open_due,
    count(h.id) FILTER (WHERE {OVERDUE}) AS open_overdue,
    count(h.id) FILTER (WHERE h.status = 'completed' AND NOT {LATE}) AS completed_on_time,
    count(h.id) FILTER (WHERE {LATE}) AS completed_late,
    count(h.id) FILTER (WHERE {_FLAGGED}) AS flagged
FROM shown JOIN units u ON u.id = shown.id LEFT JOIN handovers h ON h.receiving_unit_id = u.id
GROUP BY u.id, u.code, u.name, u.sort_name ORDER BY u.sort_name COLLATE "C", u.id
"""
STATUSES = f"""
SELECT h.receiving_unit_id AS unit_id, h.status, count(*) AS n FROM handovers h
WHERE {in_scope("h.receiving_unit_id", "$1")} GROUP BY 1, 2
"""
_TALLY = """
count(*) AS items, coalesce(sum(i.quantity), 0)::bigint AS quantity,
coalesce(sum(i.original_cost), 0)::bigint AS original_cost,
coalesce(sum(coalesce(i.remaining_value, 0)), 0)::bigint AS remaining_value
"""
ITEMS = f"""
SELECT h.receiving_unit_id AS unit_id, i.transfer_status, {_TALLY}
FROM handovers h JOIN handover_items i ON i.handover_id = h.id
WHERE {in_scope("h.receiving_unit_id", "$1")} AND h.status <> 'cancelled'
GROUP BY 1, 2
"""

_COMPLETED_MERGER = """
SELECT 1 FROM handover_items i JOIN handovers h ON h.id = i.handover_id
WHERE h.kind = 'merger' AND h.status = 'completed' AND i.kind = {kind} AND i.{column} = {id}
"""
# What former units still hold outside any completed merger handover. `row_id` keys the
# list's pages (sites negative, assets positive: one key for both).
UNCOVERED = f"""
SELECT -s.id AS row_id, 'site' AS kind, s.id AS entity_id, s.holder_unit_id AS unit_id,
    s.name, s.sort_name, NULL::text AS tag, 1::bigint AS quantity,
    0::bigint AS original_cost, 0::bigint AS remaining_value, o.handover_id AS open_handover_id
FROM sites s LEFT JOIN handover_open_items o ON o.entity = 'site' AND o.entity_id = s.id
WHERE s.holder_unit_id IN (SELECT id FROM former)
  AND NOT EXISTS ({_COMPLETED_MERGER.format(kind="'site'", column="site_id", id="s.id")})
UNION ALL
SELECT a.id, 'asset', a.id, a.holder_unit_id, a.name, a.sort_name, a.tag,
    a.quantity::bigint, a.original_cost::bigint, coalesce(a.remaining_value, 0)::bigint,
    o.handover_id
FROM assets a LEFT JOIN handover_open_items o ON o.entity = 'asset' AND o.entity_id = a.id
WHERE a.holder_unit_id IN (SELECT id FROM former) AND a.status <> 'disposed'
  AND NOT EXISTS ({_COMPLETED_MERGER.format(kind="'asset'", column="asset_id", id="a.id")})
"""
COVERAGE = f"""
WITH former AS (
    SELECT u.id FROM units u WHERE u.merged_into_id IS NOT NULL AND {in_scope("u.id", "$1")}
),
left_over AS (
    SELECT l.unit_id,
        count(*) FILTER (WHERE l.kind = 'site') AS sites,
        count(*) FILTER (WHERE l.kind = 'asset') AS assets,
        coalesce(sum(l.quantity) FILTER (WHERE l.kind = 'asset'), 0)::bigint AS quantity,
        coalesce(sum(l.original_cost), 0)::bigint AS original_cost,
        coalesce(sum(l.remaining_value), 0)::bigint AS remaining_value,
        count(*) FILTER (WHERE l.open_handover_id IS NOT NULL) AS in_open_handover
    FROM ({UNCOVERED}) l GROUP BY l.unit_id
)
SELECT u.id AS unit_id, u.code AS unit_code, u.name AS unit_name,
    u.merged_into_id, m.name AS merged_into_name,
    coalesce(l.sites, 0) AS sites, coalesce(l.assets, 0) AS assets,
    coalesce(l.quantity, 0) AS quantity, coalesce(l.original_cost, 0) AS original_cost,
    coalesce(l.remaining_value, 0) AS remaining_value,
    coalesce(l.in_open_handover, 0) AS in_open_handover
FROM former f JOIN units u ON u.id = f.id JOIN units m ON m.id = u.merged_into_id
LEFT JOIN left_over l ON l.unit_id = u.id
ORDER BY u.sort_name COLLATE "C", u.id
"""
FORMER_UNIT = f"""
SELECT u.id FROM units u WHERE u.id = $1 AND u.merged_into_id IS NOT NULL
  AND {in_scope("u.id", "$2")}
"""
# The drill-down: one former unit's uncovered sites and assets, a page at a time.
UNCOVERED_LIST = f"""
WITH former AS (SELECT $1::bigint AS id)
SELECT x.*, x.row_id AS id, {{sort_key}} AS sort_key FROM ({UNCOVERED}) x WHERE {{where}}
"""

UNIT = "SELECT code, name FROM units WHERE id = $1"

# --- Flags ---
FLAG_COLUMNS = """
f.id, f.handover_id, f.comment, f.flagged_by, fu.full_name AS flagged_by_name, f.flagged_at,
f.cleared_by, cu.full_name AS cleared_by_name, f.cleared_at, f.clear_comment, f.version
"""
FLAG_FROM = """
handover_flags f JOIN users fu ON fu.id = f.flagged_by LEFT JOIN users cu ON cu.id = f.cleared_by
"""
FLAGS = f"SELECT {FLAG_COLUMNS} FROM {FLAG_FROM} WHERE f.handover_id = $1 ORDER BY f.id"
FLAG = f"SELECT {FLAG_COLUMNS} FROM {FLAG_FROM} WHERE f.id = $1 AND f.handover_id = $2"
INSERT_FLAG = """
INSERT INTO handover_flags (handover_id, comment, flagged_by) VALUES ($1, $2, $3) RETURNING id
"""
LOCK_FLAG = "SELECT id FROM handover_flags WHERE id = $1 AND handover_id = $2 FOR NO KEY UPDATE"
CLEAR_FLAG = """
UPDATE handover_flags SET cleared_by = $2, cleared_at = now(), clear_comment = $3,
    version = version + 1
WHERE id = $1 AND cleared_at IS NULL
"""
FLAG_JSON = "SELECT row_to_json(f)::text FROM handover_flags f WHERE f.id = $1"

# --- Due soon: open handovers due within the largest threshold, not yet overdue ---
DUE_SOON = f"""
SELECT h.id, h.decision_number, h.giving_unit_id, gu.name AS giving_unit_name,
    h.receiving_unit_id, ru.name AS receiving_unit_name, h.status, {DUE} AS due_date,
    ({DUE} - {TODAY}) AS days_left
FROM handovers h JOIN units gu ON gu.id = h.giving_unit_id
JOIN units ru ON ru.id = h.receiving_unit_id
WHERE h.status IN ({_OPEN}) AND {DUE} - {TODAY} BETWEEN 0 AND $1
ORDER BY h.id
"""

CONSTRAINTS = {
    "handover_flags_comment_check": ("comment", "a flag's comment is 1 to 4000 characters"),
}


async def summary(
    conn: asyncpg.Connection, scope_unit_id: int
) -> tuple[list[asyncpg.Record], list[asyncpg.Record], list[asyncpg.Record]]:
    units = await conn.fetch(UNITS, scope_unit_id)
    statuses = await conn.fetch(STATUSES, scope_unit_id)
    items = await conn.fetch(ITEMS, scope_unit_id)
    return units, statuses, items


async def unit(conn: asyncpg.Connection, unit_id: int) -> asyncpg.Record:
    return await conn.fetchrow(UNIT, unit_id)


async def coverage(conn: asyncpg.Connection, scope_unit_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(COVERAGE, scope_unit_id)


async def former_unit(conn: asyncpg.Connection, unit_id: int, scope_unit_id: int) -> bool:
    return bool(await conn.fetchval(FORMER_UNIT, unit_id, scope_unit_id))


async def flags(conn: asyncpg.Connection, handover_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(FLAGS, handover_id)


async def flag(conn: asyncpg.Connection, flag_id: int, handover_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(FLAG, flag_id, handover_id)


async def insert_flag(
    conn: asyncpg.Connection, handover_id: int, comment: str, user_id: int
) -> int:
    return await conn.fetchval(INSERT_FLAG, handover_id, comment, user_id)


async def lock_flag(conn: asyncpg.Connection, flag_id: int, handover_id: int) -> bool:
    return bool(await conn.fetchval(LOCK_FLAG, flag_id, handover_id))


async def clear_flag(conn: asyncpg.Connection, flag_id: int, user_id: int, comment: str) -> bool:
    return (await conn.execute(CLEAR_FLAG, flag_id, user_id, comment)) == "UPDATE 1"


async def flag_json(conn: asyncpg.Connection, flag_id: int) -> str:
    return await conn.fetchval(FLAG_JSON, flag_id)


async def due_soon(conn: asyncpg.Connection, within_days: int) -> list[asyncpg.Record]:
    return await conn.fetch(DUE_SOON, within_days)
