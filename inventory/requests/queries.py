"""SQL for equipment requests, every read limited to requests of a unit in the caller's
scope; a request is read whole, its lines (with what arrived for each) as JSON."""

from __future__ import annotations

from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.needs.rules import USABLE_CONDITIONS, USABLE_STATUSES


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


SCOPE = in_scope("r.unit_id", "$2")
LINES = """
SELECT l.id, l.item, i.name AS item_name, l.quantity, l.unit_price, l.gap, l.max_price,
    l.norm_id, n.code AS norm_code, l.norm_version, l.justification, l.decision,
    l.approved_quantity, l.decided_by, l.decided_at, l.decision_reason, l.version,
    coalesce((SELECT sum(a.quantity) FROM equipment_request_arrivals a
              WHERE a.line_id = l.id), 0)::int AS arrived,
    ARRAY(SELECT a.asset_id FROM equipment_request_arrivals a WHERE a.line_id = l.id
          ORDER BY a.asset_id) AS asset_ids
FROM equipment_request_lines l
JOIN norm_items i ON i.code = l.item
LEFT JOIN norms n ON n.id = l.norm_id
WHERE l.request_id = r.id
"""
COLUMNS = f"""
r.id, r.unit_id, u.name AS unit_name, r.title, r.status, r.created_by, r.created_at,
r.submitted_by, r.submitted_at, r.endorsed_by, r.endorsed_at, r.endorsement_note,
r.reviewed_by, r.reviewed_at, r.decided_at, r.fulfilled_at, r.version,
(SELECT coalesce(json_agg(x ORDER BY x.id), '[]') FROM ({LINES}) x)::text AS lines
"""
FROM = "equipment_requests r JOIN units u ON u.id = r.unit_id"

GET = f"SELECT {COLUMNS} FROM {FROM} WHERE r.id = $1 AND {SCOPE}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE OF r"
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM {FROM} WHERE {{where}}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {
    "request_status_state_check": ("status", "not a status of an equipment request"),
    "request_status_transition_check": ("status", "the request's status cannot change so"),
    "equipment_requests_unit_id_fkey": ("unit_id", "no such unit"),
    "equipment_request_lines_item_fkey": ("item", "no such norm item"),
    "equipment_request_lines_justification_check": (
        "justification",
        "a line above the gap or the norm's maximum price needs a justification",
    ),
    "equipment_request_lines_decided": ("decision", "a decided line does not change"),
    "equipment_request_lines_approved_check": (
        "approved_quantity",
        "the approved quantity is between 0 and the quantity asked for",
    ),
    "equipment_request_arrivals_pkey": ("asset_ids", "the asset already fulfils a request"),
    "equipment_request_arrivals_asset_id_fkey": ("asset_ids", "no such asset"),
}

INSERT = """
INSERT INTO equipment_requests (unit_id, title, created_by) VALUES ($1, $2, $3) RETURNING id
"""
INSERT_LINES = """
INSERT INTO equipment_request_lines
    (request_id, item, quantity, unit_price, gap, max_price, norm_id, norm_version,
     justification)
SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[], $5::int[], $6::bigint[],
                         $7::bigint[], $8::int[], $9::text[])
RETURNING *
"""
LINE_FOR_UPDATE = """
SELECT * FROM equipment_request_lines WHERE id = $1 AND request_id = $2 FOR NO KEY UPDATE
"""
UPDATE_LINE = """
UPDATE equipment_request_lines
SET quantity = $2, unit_price = $3, justification = $4, version = version + 1,
    updated_at = now()
WHERE id = $1 RETURNING *
"""
ASKED = """
SELECT coalesce(sum(quantity), 0)::int FROM equipment_request_lines
WHERE request_id = $1 AND item = $2
"""
TOUCH = "UPDATE equipment_requests SET version = version + 1, updated_at = now() WHERE id = $1"
DELETE_LINE = "DELETE FROM equipment_request_lines WHERE id = $1"
DECIDE_LINE = """
UPDATE equipment_request_lines
SET decision = $2, approved_quantity = $3, decided_by = $4, decided_at = now(),
    decision_reason = $5, version = version + 1, updated_at = now()
WHERE id = $1 RETURNING *
"""
DECISIONS = "SELECT decision FROM equipment_request_lines WHERE request_id = $1 ORDER BY id"
# What each step stamps besides the status: who and when, and the leader's note.
_STAMP = {
    "submit": "submitted_by = $3, submitted_at = now()",
    "send_back": "endorsement_note = $3",
    "endorse": "endorsed_by = $3, endorsed_at = now(), endorsement_note = $4",
    "review": "reviewed_by = $3, reviewed_at = now()",
    "approve": "decided_at = now()",
    "partly_approve": "decided_at = now()",
    "reject": "decided_at = now()",
    "arrive": "fulfilled_at = NULL",
    "fulfil": "fulfilled_at = now()",
}
STEP = {
    action: "UPDATE equipment_requests SET status = $2, version = version + 1,"
    f" updated_at = now(), {stamp} WHERE id = $1"
    for action, stamp in _STAMP.items()
}
# Candidates for a line's arrival: the asset, its category's norm item, and the line it
# already fulfils if any (locked: two arrivals of one asset wait on each other).
ARRIVING = """
SELECT a.id, a.tag, a.quantity, a.holder_unit_id, a.status, k.norm_item,
    (SELECT e.line_id FROM equipment_request_arrivals e WHERE e.asset_id = a.id) AS line_id
FROM assets a JOIN categories k ON k.id = a.category_id
WHERE a.id = ANY($1::bigint[]) AND a.holder_unit_id = $2
FOR NO KEY UPDATE OF a
"""
LINK = """
INSERT INTO equipment_request_arrivals (asset_id, line_id, quantity, linked_by)
SELECT asset_id, $1, quantity, $4 FROM unnest($2::bigint[], $3::int[]) AS x(asset_id, quantity)
RETURNING *
"""
# Per line: the quantity approved against what has arrived.
PROGRESS = """
SELECT l.id, coalesce(l.approved_quantity, 0) AS approved,
    coalesce((SELECT sum(a.quantity) FROM equipment_request_arrivals a
              WHERE a.line_id = l.id), 0)::int AS arrived
FROM equipment_request_lines l WHERE l.request_id = $1
"""


async def insert(conn: asyncpg.Connection, unit_id: int, title: str, user_id: int) -> int:
    return await conn.fetchval(INSERT, unit_id, title, user_id)


async def insert_lines(
    conn: asyncpg.Connection, request_id: int, lines: list[dict[str, Any]]
) -> list[asyncpg.Record]:
    columns = (
        "item",
        "quantity",
        "unit_price",
        "gap",
        "max_price",
        "norm_id",
        "norm_version",
        "justification",
    )
    return await conn.fetch(
        INSERT_LINES, request_id, *([line[c] for line in lines] for c in columns)
    )


async def lock_line(
    conn: asyncpg.Connection, request_id: int, line_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(LINE_FOR_UPDATE, line_id, request_id)


async def update_line(
    conn: asyncpg.Connection, line_id: int, quantity: int, unit_price: int, justification: str
) -> asyncpg.Record:
    return await conn.fetchrow(UPDATE_LINE, line_id, quantity, unit_price, justification)


async def asked(conn: asyncpg.Connection, request_id: int, item: str) -> int:
    """The quantity of `item` the request's lines already ask for."""
    return await conn.fetchval(ASKED, request_id, item)


async def touch(conn: asyncpg.Connection, request_id: int) -> None:
    """A new version of the request: its lines changed."""
    await conn.execute(TOUCH, request_id)


async def delete_line(conn: asyncpg.Connection, line_id: int) -> None:
    await conn.execute(DELETE_LINE, line_id)


async def decide_line(
    conn: asyncpg.Connection, line_id: int, decision: str, approved: int, user_id: int, reason: str
) -> asyncpg.Record:
    return await conn.fetchrow(DECIDE_LINE, line_id, decision, approved, user_id, reason)


async def decisions(conn: asyncpg.Connection, request_id: int) -> list[str | None]:
    return [r["decision"] for r in await conn.fetch(DECISIONS, request_id)]


async def step(
    conn: asyncpg.Connection, request_id: int, action: str, status: str, *values: Any
) -> None:
    """Set the status `action` reaches, with its stamps: the user for submit, endorse and
    review (and the note for endorse), the note for send_back, nothing else otherwise."""
    await conn.execute(STEP[action], request_id, status, *values)


async def arriving(
    conn: asyncpg.Connection, asset_ids: list[int], unit_id: int
) -> list[asyncpg.Record]:
    return await conn.fetch(ARRIVING, asset_ids, unit_id)


async def link(
    conn: asyncpg.Connection, line_id: int, assets: list[tuple[int, int]], user_id: int
) -> list[asyncpg.Record]:
    return await conn.fetch(LINK, line_id, [a for a, _ in assets], [q for _, q in assets], user_id)


async def progress(conn: asyncpg.Connection, request_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(PROGRESS, request_id)


# A giver's usable assets of an item that no open handover lists: good ones first, then
# the smaller lots, so a suggestion passes what serves best.
SURPLUS_ASSETS = f"""
SELECT a.id, a.quantity FROM assets a JOIN categories k ON k.id = a.category_id
WHERE a.holder_unit_id = $1 AND k.norm_item = $2
  AND a.status IN ({_list(USABLE_STATUSES)}) AND a.condition IN ({_list(USABLE_CONDITIONS)})
  AND NOT EXISTS (SELECT 1 FROM handover_open_items o
                  WHERE o.entity = 'asset' AND o.entity_id = a.id)
ORDER BY a.condition = 'good' DESC, a.quantity, a.id
"""


async def surplus_assets(
    conn: asyncpg.Connection, unit_id: int, item: str
) -> list[tuple[int, int]]:
    return [(r["id"], r["quantity"]) for r in await conn.fetch(SURPLUS_ASSETS, unit_id, item)]


# The requests of a scope by status: how many, and the value asked (quantity × unit price).
BY_STATUS = f"""
SELECT r.status, count(DISTINCT r.id)::int AS requests,
    coalesce(sum(l.quantity * l.unit_price), 0)::bigint AS value
FROM equipment_requests r LEFT JOIN equipment_request_lines l ON l.request_id = r.id
WHERE {in_scope("r.unit_id", "$1")}
GROUP BY r.status
"""


async def by_status(conn: asyncpg.Connection, scope_unit_id: int) -> dict[str, tuple[int, int]]:
    """status → (requests, value asked in VND) for the requests of units in the scope."""
    rows = await conn.fetch(BY_STATUS, scope_unit_id)
    return {row["status"]: (row["requests"], row["value"]) for row in rows}


async def names(conn: asyncpg.Connection, user_ids: list[int]) -> dict[int, str]:
    """Who decided: the users' names (their login without one), for the request's page."""
    rows = await conn.fetch(
        "SELECT id, coalesce(nullif(full_name, ''), login) AS name FROM users"
        " WHERE id = ANY($1::bigint[])",
        user_ids,
    )
    return {r["id"]: r["name"] for r in rows}
