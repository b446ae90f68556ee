"""SQL for stocktakes, every read limited to stocktakes of a unit in the caller's scope.

A stocktake's scans, expected list and results are read only through a stocktake the
caller may read. Closing is a few set-based statements, whatever the number of assets.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope

SCOPE = in_scope("s.unit_id", "$2")
# The rooms where a stocktake's scans may be seen: those chosen, or all of its site's.
_ROOMS = """
SELECT r.id, r.name FROM rooms r
WHERE r.site_id = s.site_id AND (
    NOT EXISTS (SELECT 1 FROM stocktake_rooms c WHERE c.stocktake_id = s.id)
    OR r.id IN (SELECT c.room_id FROM stocktake_rooms c WHERE c.stocktake_id = s.id))
ORDER BY r.sort_name COLLATE "C", r.id
"""
COLUMNS = f"""
s.id, s.unit_id, s.site_id, si.name AS site_name, s.name, s.status, s.opened_by, s.opened_at,
s.closed_by, s.closed_at, s.version,
NOT EXISTS (SELECT 1 FROM stocktake_rooms c WHERE c.stocktake_id = s.id) AS whole_site,
ARRAY(SELECT id FROM ({_ROOMS}) x) AS room_ids,
ARRAY(SELECT name FROM ({_ROOMS}) x) AS room_names,
(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id) AS expected,
(SELECT count(*) FROM stocktake_scans sc WHERE sc.stocktake_id = s.id) AS scans
"""
FROM = "stocktakes s JOIN sites si ON si.id = s.site_id"

GET = f"SELECT {COLUMNS} FROM {FROM} WHERE s.id = $1 AND {SCOPE}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE OF s"
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM {FROM} WHERE {{where}}"

# A scan batch waits for a closing in progress (and a closing for the batches being
# received), so a scan is either in the results or flagged late, never neither.
FOR_SCANS = f"""
SELECT s.id, s.unit_id, s.status, ARRAY(SELECT id FROM ({_ROOMS}) x) AS room_ids
FROM stocktakes s WHERE s.id = $1 AND {SCOPE} FOR SHARE OF s
"""
IN_SCOPE = f"SELECT s.id FROM stocktakes s WHERE s.id = $1 AND {SCOPE}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {
    "stocktake_status_state_check": ("status", "not a status of a stocktake"),
    "stocktake_status_transition_check": ("status", "the stocktake's status cannot change so"),
    "stocktakes_site_id_fkey": ("site_id", "no such site"),
    "stocktake_rooms_room_id_fkey": ("room_ids", "no such room"),
    "stocktake_scans_room_id_fkey": ("room_id", "no such room"),
}

INSERT = """
INSERT INTO stocktakes (unit_id, site_id, name, opened_by) VALUES ($1, $2, $3, $4) RETURNING id
"""
INSERT_ROOMS = """
INSERT INTO stocktake_rooms (stocktake_id, room_id) SELECT $1, unnest($2::bigint[])
"""
ROOMS_OF_SITE = "SELECT id FROM rooms WHERE site_id = $1 AND id = ANY($2::bigint[])"
# What the unit holds there as the count opens: the list phones keep offline.
EXPECT = f"""
INSERT INTO stocktake_expected (stocktake_id, asset_id, tag, name, room_id, quantity, ownership)
SELECT $1, a.id, a.tag, a.name, a.room_id, a.quantity, a.ownership FROM assets a
WHERE a.site_id = $2 AND {in_scope("a.holder_unit_id", "$3")} AND a.status <> 'disposed'
  AND (cardinality($4::bigint[]) = 0 OR a.room_id = ANY($4::bigint[]))
"""
EXPECTED = """
SELECT asset_id AS id, asset_id, tag, name, room_id, quantity, ownership, {sort_key} AS sort_key
FROM stocktake_expected WHERE {where}
"""

# One statement per batch: classify every scan, insert those not yet received; whether
# each is late as stored (a scan sent again after closing was late only if it came late).
SCANS = """
WITH scope AS (SELECT unit_id FROM unit_scope WHERE ancestor_id = $2),
input AS (
    SELECT * FROM unnest($3::uuid[], $4::text[], $5::bigint[], $6::timestamptz[],
                         $7::text[], $8::int[])
        AS i(scan_id, tag, room_id, seen_at, condition, quantity)
),
classified AS (
    SELECT i.*,
        CASE WHEN a.holder_unit_id IN (SELECT unit_id FROM scope) THEN a.id END AS asset_id,
        CASE
            WHEN a.id IS NOT NULL AND a.holder_unit_id IN (SELECT unit_id FROM scope)
                THEN 'found'
            WHEN a.id IS NOT NULL THEN 'not_ours'
            WHEN EXISTS (SELECT 1 FROM tags t WHERE t.code = i.tag AND t.claimed_at IS NULL
                         AND t.unit_id IN (SELECT unit_id FROM scope)) THEN 'blank'
            ELSE 'unknown'
        END AS kind
    FROM input i LEFT JOIN assets a ON a.tag = i.tag
),
inserted AS (
    INSERT INTO stocktake_scans (scan_id, stocktake_id, tag, kind, asset_id, room_id, seen_at,
                                 condition, quantity, scanned_by, late)
    SELECT scan_id, $1, tag, kind, asset_id, room_id, seen_at, condition, quantity, $9, $10
    FROM classified
    ON CONFLICT (scan_id) DO NOTHING
    RETURNING scan_id, late
)
SELECT c.scan_id, c.kind, c.asset_id, ins.scan_id IS NOT NULL AS accepted,
       coalesce(ins.late, old.late) AS late
FROM classified c LEFT JOIN inserted ins USING (scan_id)
LEFT JOIN stocktake_scans old ON old.scan_id = c.scan_id
"""
SCAN_LIST = """
SELECT id, scan_id, tag, kind, asset_id, room_id, seen_at, condition, quantity, scanned_by,
       received_at, late, {sort_key} AS sort_key
FROM stocktake_scans WHERE {where}
"""

CLOSE = """
UPDATE stocktakes SET status = 'closed', closed_at = now(), closed_by = $2,
    version = version + 1, updated_at = now()
WHERE id = $1
"""
CANCEL = """
UPDATE stocktakes SET status = 'cancelled', closed_at = now(), closed_by = $2,
    version = version + 1, updated_at = now()
WHERE id = $1
"""
# Scans received while open, of the unit's assets, by asset.
_FOUND = "stocktake_scans sc WHERE sc.stocktake_id = $1 AND sc.kind = 'found' AND NOT sc.late"
LATEST = f"""
SELECT DISTINCT ON (sc.asset_id) sc.asset_id, sc.room_id, sc.seen_at, sc.scanned_by
FROM {_FOUND} ORDER BY sc.asset_id, sc.seen_at DESC, sc.received_at DESC
"""
# In place if any sighting was in its recorded room; otherwise misplaced, where last seen.
# One pass over the sightings: joining two aggregates of them (a tally, the latest) made
# the planner, which knows nothing yet of a count's fresh scans, loop one over the other.
_LAST = "ORDER BY sc.seen_at DESC, sc.received_at DESC"
RESULTS_FOUND = f"""
WITH tally AS (
    SELECT sc.asset_id, count(*) AS sightings, array_agg(DISTINCT sc.room_id) AS rooms,
           (array_agg(sc.quantity ORDER BY sc.seen_at DESC)
                FILTER (WHERE sc.quantity IS NOT NULL))[1] AS counted,
           (array_agg(sc.room_id {_LAST}))[1] AS room_id,
           (array_agg(sc.seen_at {_LAST}))[1] AS seen_at,
           (array_agg(sc.scanned_by {_LAST}))[1] AS scanned_by
    FROM {_FOUND} GROUP BY sc.asset_id
)
INSERT INTO stocktake_results (stocktake_id, outcome, asset_id, tag, name, ownership, expected,
    quantity, counted_quantity, recorded_room_id, seen_room_id, seen_at, seen_by, sightings)
SELECT $1, CASE WHEN a.room_id = ANY(t.rooms) THEN 'in_place' ELSE 'misplaced' END,
       a.id, a.tag, a.name, a.ownership, e.asset_id IS NOT NULL, a.quantity, t.counted,
       a.room_id, t.room_id, t.seen_at, t.scanned_by, t.sightings
FROM tally t JOIN assets a ON a.id = t.asset_id
LEFT JOIN stocktake_expected e ON e.stocktake_id = $1 AND e.asset_id = t.asset_id
"""
RESULTS_MISSING = """
INSERT INTO stocktake_results (stocktake_id, outcome, asset_id, tag, name, ownership, expected,
    quantity, recorded_room_id)
SELECT $1, 'missing', e.asset_id, e.tag, e.name, e.ownership, true, e.quantity, e.room_id
FROM stocktake_expected e
WHERE e.stocktake_id = $1 AND NOT EXISTS (
    SELECT 1 FROM stocktake_results r WHERE r.stocktake_id = $1 AND r.asset_id = e.asset_id)
"""
# Unknown tags, blank tags of the unit and other units' assets: one line per tag.
RESULTS_TAGS = """
INSERT INTO stocktake_results (stocktake_id, outcome, tag, seen_room_id, seen_at, seen_by,
    sightings)
SELECT DISTINCT ON (sc.tag, sc.kind) $1, sc.kind, sc.tag, sc.room_id, sc.seen_at,
       sc.scanned_by, count(*) OVER (PARTITION BY sc.tag, sc.kind)
FROM stocktake_scans sc
WHERE sc.stocktake_id = $1 AND sc.kind <> 'found' AND NOT sc.late
ORDER BY sc.tag, sc.kind, sc.seen_at DESC, sc.received_at DESC
"""

RESULT_COLUMNS = """
id, outcome, asset_id, tag, name, ownership, expected, quantity, counted_quantity,
recorded_room_id, seen_room_id, seen_at, seen_by, sightings, decision
"""
RESULT_LIST = f"""
SELECT {RESULT_COLUMNS}, {{sort_key}} AS sort_key FROM stocktake_results WHERE {{where}}
"""
COUNTS = "SELECT outcome, count(*) AS n FROM stocktake_results WHERE stocktake_id = $1 GROUP BY 1"
GROUPS = """
SELECT coalesce(ownership, 'own') AS ownership, outcome <> 'missing' AS found, count(*) AS n,
       coalesce(sum(CASE WHEN outcome = 'missing' THEN quantity
                         ELSE coalesce(counted_quantity, quantity) END), 0) AS quantity
FROM stocktake_results
WHERE stocktake_id = $1 AND outcome IN ('in_place', 'misplaced', 'missing')
GROUP BY 1, 2
"""
LATE = "SELECT count(*) FROM stocktake_scans WHERE stocktake_id = $1 AND late"
RESULT_FOR_UPDATE = f"""
SELECT {RESULT_COLUMNS} FROM stocktake_results WHERE stocktake_id = $1 AND asset_id = $2
FOR NO KEY UPDATE
"""
DECIDE = f"""
UPDATE stocktake_results SET decision = $2, decided_by = $3, decided_at = now() WHERE id = $1
RETURNING {RESULT_COLUMNS}
"""


async def in_scope_or_none(conn: asyncpg.Connection, stocktake_id: int, unit_id: int) -> bool:
    return bool(await conn.fetchval(IN_SCOPE, stocktake_id, unit_id))


async def rooms_of_site(conn: asyncpg.Connection, site_id: int, room_ids: list[int]) -> set[int]:
    """Those of `room_ids` that are rooms of the site."""
    return {r["id"] for r in await conn.fetch(ROOMS_OF_SITE, site_id, room_ids)}


async def open_stocktake(
    conn: asyncpg.Connection,
    unit_id: int,
    site_id: int,
    room_ids: list[int],
    name: str,
    user_id: int,
) -> int:
    """Insert the stocktake, its rooms and its expected list; the new id."""
    stocktake_id = await conn.fetchval(INSERT, unit_id, site_id, name, user_id)
    if room_ids:
        await conn.execute(INSERT_ROOMS, stocktake_id, room_ids)
    await conn.execute(EXPECT, stocktake_id, site_id, unit_id, room_ids)
    return stocktake_id


async def lock_for_scans(
    conn: asyncpg.Connection, stocktake_id: int, scope_unit_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(FOR_SCANS, stocktake_id, scope_unit_id)


async def insert_scans(
    conn: asyncpg.Connection,
    stocktake_id: int,
    unit_id: int,
    columns: tuple[list[uuid.UUID], list[str], list[int], list[datetime], list[Any], list[Any]],
    user_id: int,
    late: bool,
) -> list[asyncpg.Record]:
    """Classify and insert a batch in one statement; each scan's kind and whether it is new."""
    return await conn.fetch(SCANS, stocktake_id, unit_id, *columns, user_id, late)


async def close(conn: asyncpg.Connection, stocktake_id: int, user_id: int) -> list[asyncpg.Record]:
    """Mark the stocktake closed and store its results; the latest sighting of each asset
    found (for the assets' last seen)."""
    await conn.execute(CLOSE, stocktake_id, user_id)
    await conn.execute(RESULTS_FOUND, stocktake_id)
    await conn.execute(RESULTS_MISSING, stocktake_id)
    await conn.execute(RESULTS_TAGS, stocktake_id)
    return await conn.fetch(LATEST, stocktake_id)


async def cancel(conn: asyncpg.Connection, stocktake_id: int, user_id: int) -> None:
    await conn.execute(CANCEL, stocktake_id, user_id)


async def summary(
    conn: asyncpg.Connection, stocktake_id: int
) -> tuple[dict[str, int], list[asyncpg.Record], int]:
    """Lines per outcome, the groups by ownership, and the scans that came late."""
    counts = {r["outcome"]: r["n"] for r in await conn.fetch(COUNTS, stocktake_id)}
    groups = await conn.fetch(GROUPS, stocktake_id)
    late = await conn.fetchval(LATE, stocktake_id)
    return counts, groups, late


async def lock_result(
    conn: asyncpg.Connection, stocktake_id: int, asset_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(RESULT_FOR_UPDATE, stocktake_id, asset_id)


async def decide(
    conn: asyncpg.Connection, result_id: int, decision: str, user_id: int
) -> asyncpg.Record:
    return await conn.fetchrow(DECIDE, result_id, decision, user_id)


# --- The minutes: the same lines as the results, with the names a document prints ---
MINUTES_TERMS = """
SELECT u.name AS unit_name, u.code AS unit_code, p.name AS parent_name, si.address AS site_address,
       coalesce(nullif(o.full_name, ''), o.login) AS opened_by_name,
       coalesce(nullif(c.full_name, ''), c.login) AS closed_by_name
FROM stocktakes s JOIN units u ON u.id = s.unit_id LEFT JOIN units p ON p.id = u.parent_id
JOIN sites si ON si.id = s.site_id
LEFT JOIN users o ON o.id = s.opened_by LEFT JOIN users c ON c.id = s.closed_by
WHERE s.id = $1
"""
# Who counted: every officer whose scans (received while open) made the results.
MINUTES_COUNTERS = """
SELECT coalesce(nullif(u.full_name, ''), u.login) AS name, count(*) AS scans
FROM stocktake_scans sc JOIN users u ON u.id = sc.scanned_by
WHERE sc.stocktake_id = $1 AND NOT sc.late
GROUP BY u.id ORDER BY 1, u.id
"""
MINUTES_LINES = """
SELECT r.id, r.outcome, r.asset_id, r.tag, r.name, r.ownership, r.expected, r.quantity,
       r.counted_quantity, r.seen_at, r.sightings, r.decision,
       a.unit_of_measure, a.original_cost,
       rr.name AS recorded_room, rs.name AS seen_room,
       coalesce(nullif(u.full_name, ''), u.login) AS seen_by_name
FROM stocktake_results r
LEFT JOIN assets a ON a.id = r.asset_id
LEFT JOIN rooms rr ON rr.id = r.recorded_room_id
LEFT JOIN rooms rs ON rs.id = r.seen_room_id
LEFT JOIN users u ON u.id = r.seen_by
WHERE r.stocktake_id = $1
ORDER BY r.id
"""


async def minutes_data(
    conn: asyncpg.Connection, stocktake_id: int
) -> tuple[asyncpg.Record, list[asyncpg.Record], list[asyncpg.Record]]:
    """What the minutes print beyond the stocktake and its summary: the unit and the
    people by name, who counted, and every result line (for a stocktake already read in
    the caller's scope)."""
    terms = await conn.fetchrow(MINUTES_TERMS, stocktake_id)
    counters = await conn.fetch(MINUTES_COUNTERS, stocktake_id)
    lines = await conn.fetch(MINUTES_LINES, stocktake_id)
    return terms, counters, lines
