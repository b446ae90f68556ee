"""SQL for handovers, every read limited to handovers whose giving or receiving unit is in
the caller's scope.

Listing items, recording receipts and completing are set-based statements whatever the
number of items, each returning the JSON its rows' history keeps. Completing moves the
listed sites and assets to the receiving unit here, in the handover's transaction: a
handover is the one way a registered record changes holder.
"""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.db.listing import ListParams, ListQuery
from inventory.handovers.rules import DEADLINE_NORM, OPEN

_OPEN = ", ".join(f"'{s}'" for s in OPEN)
TODAY = "((now() AT TIME ZONE 'UTC') + interval '7 hours')::date"
"""Today in Vietnam (UTC+7 all year)."""
SCOPE = f"({in_scope('h.giving_unit_id', '$2')} OR {in_scope('h.receiving_unit_id', '$2')})"
DAYS = f"(SELECT n.value::integer FROM norms n WHERE n.code = '{DEADLINE_NORM}')"
DUE = f"(h.decision_date + {DAYS})"
OVERDUE = f"(h.status IN ({_OPEN}) AND {DUE} < {TODAY})"
COMPLETED_ON = "((h.completed_at AT TIME ZONE 'UTC') + interval '7 hours')::date"
LATE = f"(h.status = 'completed' AND {COMPLETED_ON} > {DUE})"
COLUMNS = f"""
h.id, h.kind, h.corrects_id, h.decision_number, h.decision_date, h.decision_issuer,
h.giving_unit_id, gu.name AS giving_unit_name, h.receiving_unit_id,
ru.name AS receiving_unit_name, h.place, h.handover_date, h.giver_parties,
h.receiver_parties, h.witness, h.notes, h.documents_handed_over, h.opinions, h.status,
h.dispute_reason, h.disputed_by,
h.giver_signed_by, h.giver_signer_name, h.giver_signer_position, h.giver_signed_at,
h.giver_signed_hash, h.receiver_signed_by, h.receiver_signer_name,
h.receiver_signer_position, h.receiver_signed_at, h.receiver_signed_hash, h.completed_at,
h.created_by, h.created_at, h.version,
{DAYS} AS deadline_days, {DUE} AS due_date, {TODAY} AS today,
{OVERDUE} AS overdue, {LATE} AS completed_late,
(SELECT count(*) FROM handover_items i WHERE i.handover_id = h.id) AS item_count,
(SELECT count(*) FROM handover_items i WHERE i.handover_id = h.id
    AND i.transfer_status = 'listed') AS listed_count
"""
FROM = """
handovers h JOIN units gu ON gu.id = h.giving_unit_id JOIN units ru ON ru.id = h.receiving_unit_id
"""
_SIDES = f"""
{in_scope("h.giving_unit_id", "$2")} AS giver_side,
{in_scope("h.receiving_unit_id", "$2")} AS receiver_side
"""
GET = f"SELECT {COLUMNS}, {_SIDES} FROM {FROM} WHERE h.id = $1 AND {SCOPE}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE OF h"
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM {FROM} WHERE {{where}}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {
    "handover_status_state_check": ("status", "not a status of a handover"),
    "handover_status_transition_check": ("status", "the handover's status cannot change so"),
    "handovers_completed_immutable": (
        "status",
        "a completed handover never changes: a correction is a supplementary handover",
    ),
    "handovers_units_check": ("receiving_unit_id", "a unit does not hand over to itself"),
    "handovers_corrects_check": (
        "corrects_id",
        "a supplementary handover names the completed handover it corrects, and only it does",
    ),
    "handovers_receiving_unit_id_fkey": ("receiving_unit_id", "no such unit"),
    "handovers_giving_unit_id_fkey": ("giving_unit_id", "no such unit"),
    "handovers_corrects_id_fkey": ("corrects_id", "no such handover"),
    "handover_open_items_pkey": ("items", "an item is in one open handover at a time"),
    "handover_files_immutable": ("body", "a file kept with a handover never changes"),
    "handover_files_size_check": ("body", "the size kept is the file's own"),
}

INSERT = """
INSERT INTO handovers (kind, corrects_id, decision_number, decision_date, decision_issuer,
    giving_unit_id, receiving_unit_id, place, handover_date, giver_parties, receiver_parties,
    witness, notes, documents_handed_over, opinions, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13, $14, $15,
    $16)
RETURNING id
"""
UNIT_EXISTS = "SELECT 1 FROM units WHERE id = $1"
CORRECTED = f"""
SELECT h.id, h.status, h.giving_unit_id, h.receiving_unit_id FROM handovers h
WHERE h.id = $1 AND {SCOPE}
"""

# --- Listing items ---
# What a selection names but the giving unit does not hold (or holds disposed).
NOT_HELD_SITES = """
SELECT x.id FROM unnest($1::bigint[]) AS x(id)
WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s.id = x.id AND s.holder_unit_id = $2)
ORDER BY 1
"""
NOT_HELD_ASSETS = """
SELECT x.id FROM unnest($1::bigint[]) AS x(id)
WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = x.id AND a.holder_unit_id = $2
                  AND a.status <> 'disposed')
ORDER BY 1
"""
# Rooms named alone pass with their site: it is listed in the handover or in the selection.
ROOMS_WITHOUT_SITE = """
SELECT x.id FROM unnest($1::bigint[]) AS x(id)
WHERE NOT EXISTS (
    SELECT 1 FROM rooms r JOIN sites s ON s.id = r.site_id
    WHERE r.id = x.id AND s.holder_unit_id = $2
      AND (r.site_id = ANY($3::bigint[]) OR $4
           OR r.site_id IN (SELECT i.site_id FROM handover_items i
                            WHERE i.handover_id = $5 AND i.kind = 'site')))
ORDER BY 1
"""
_ADD = """
WITH sel_sites AS (
    SELECT s.id FROM sites s WHERE s.holder_unit_id = {giver} AND (s.id = ANY({sites}) OR {all})
),
sel_rooms AS (
    SELECT r.id FROM rooms r WHERE r.site_id IN (SELECT id FROM sel_sites) OR r.id = ANY({rooms})
),
sel_assets AS (
    SELECT a.id FROM assets a
    WHERE a.holder_unit_id = {giver} AND a.status <> 'disposed' AND (
        a.id = ANY({assets}) OR {all} OR a.site_id IN (SELECT id FROM sel_sites)
        OR a.room_id IN (SELECT id FROM sel_rooms) OR ({has_filter} AND {filter}))
),
candidates AS (
    SELECT 'site' AS kind, s.id AS site_id, NULL::bigint AS room_id, NULL::bigint AS asset_id,
        NULL::text AS tag, s.name, 'A' AS form_group, 'cơ sở' AS unit_of_measure,
        1 AS quantity, 0::bigint AS original_cost, NULL::bigint AS remaining_value,
        s.condition, concat_ws('; ', nullif(s.address, ''),
            'đất ' || s.land_area_m2 || ' m²', 'sàn ' || s.floor_area_m2 || ' m²') AS notes,
        s.id AS entity_id
    FROM sites s WHERE s.id IN (SELECT id FROM sel_sites)
    UNION ALL
    SELECT 'room', r.site_id, r.id, NULL, NULL, r.name, 'A', 'phòng', 1, 0, NULL, s.condition,
        concat_ws('; ', s.name, 'tầng ' || r.floor, r.area_m2 || ' m²'), r.id
    FROM rooms r JOIN sites s ON s.id = r.site_id WHERE r.id IN (SELECT id FROM sel_rooms)
    UNION ALL
    SELECT 'asset', NULL, NULL, a.id, a.tag, a.name, c.form_group, a.unit_of_measure,
        a.quantity, a.original_cost, a.remaining_value, a.condition,
        concat_ws('; ', nullif(a.model, ''), nullif(a.serial, '')), a.id
    FROM assets a JOIN categories c ON c.id = a.category_id
    WHERE a.id IN (SELECT id FROM sel_assets)
),
fresh AS (
    SELECT c.* FROM candidates c WHERE NOT EXISTS (
        SELECT 1 FROM handover_items i WHERE i.handover_id = {handover} AND i.kind = c.kind
          AND coalesce(i.asset_id, i.room_id, i.site_id) = c.entity_id)
),
inserted AS (
    INSERT INTO handover_items (handover_id, kind, site_id, room_id, asset_id, tag, name,
        form_group, unit_of_measure, quantity, original_cost, remaining_value, condition, notes)
    SELECT {handover}, kind, site_id, room_id, asset_id, tag, name, form_group,
        unit_of_measure, quantity, original_cost, remaining_value, condition, notes
    FROM fresh
    RETURNING *
),
claimed AS (
    INSERT INTO handover_open_items (entity, entity_id, handover_id, item_id)
    SELECT kind, coalesce(asset_id, room_id, site_id), handover_id, id FROM inserted
    ORDER BY kind, coalesce(asset_id, room_id, site_id)  -- one order: builders do not deadlock
    ON CONFLICT DO NOTHING
    RETURNING item_id
)
SELECT i.id, i.kind, coalesce(i.asset_id, i.room_id, i.site_id) AS entity_id,
    cl.item_id IS NOT NULL AS claimed, row_to_json(i)::text AS after
FROM inserted i LEFT JOIN claimed cl ON cl.item_id = i.id
"""
HOLDER_OF = """
SELECT o.entity, o.entity_id, o.handover_id FROM handover_open_items o
WHERE (o.entity, o.entity_id) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))
  AND o.handover_id <> $3
ORDER BY o.handover_id, o.entity, o.entity_id LIMIT 1
"""
# A site goes with its rooms; surplus is the receiver's, not the giver's list.
REMOVE = """
DELETE FROM handover_items i
WHERE i.handover_id = $1 AND i.kind <> 'surplus' AND (i.id = ANY($2::bigint[]) OR (
    i.kind = 'room' AND i.site_id IN (SELECT site_id FROM handover_items
                                      WHERE handover_id = $1 AND id = ANY($2::bigint[])
                                        AND kind = 'site')))
RETURNING i.id, row_to_json(i)::text AS before
"""

# --- Receiving ---
RECEIVE = """
WITH target AS (
    SELECT i.id FROM handover_items i
    WHERE i.handover_id = $1 AND i.kind <> 'surplus'
      AND (i.id = ANY($2::bigint[]) OR i.tag = ANY($3::text[]))
)
UPDATE handover_items i SET transfer_status = $4, received_condition = $5, receipt_note = $6,
    recorded_by = $7, recorded_at = now()
FROM handover_items old
WHERE old.id = i.id AND i.id IN (SELECT id FROM target)
RETURNING i.id, i.tag,
    json_build_object('transfer_status', old.transfer_status,
        'received_condition', old.received_condition, 'receipt_note', old.receipt_note)::text
        AS before,
    json_build_object('handover_id', i.handover_id, 'transfer_status', i.transfer_status,
        'received_condition', i.received_condition, 'receipt_note', i.receipt_note)::text
        AS after
"""
SURPLUS = """
WITH inserted AS (
    INSERT INTO handover_items (handover_id, kind, tag, name, form_group, unit_of_measure,
        quantity, condition, notes, transfer_status, recorded_by, recorded_at)
    SELECT $1, 'surplus', tag, name, form_group, unit_of_measure, quantity, condition, notes,
        'surplus', $9, now()
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[],
                $8::text[]) AS s(tag, name, form_group, unit_of_measure, quantity, condition,
                                 notes)
    RETURNING *
)
SELECT id, row_to_json(inserted)::text AS after FROM inserted
"""

# --- Status changes ---
SET_STATUS = """
UPDATE handovers SET status = $2, version = version + 1, updated_at = now() WHERE id = $1
"""
# A change after a signature voids both signatures.
VOID = """
UPDATE handovers SET status = 'verifying', giver_signed_by = NULL, giver_signer_name = NULL,
    giver_signer_position = NULL, giver_signed_at = NULL, giver_signed_hash = NULL,
    receiver_signed_by = NULL, receiver_signer_name = NULL, receiver_signer_position = NULL,
    receiver_signed_at = NULL, receiver_signed_hash = NULL,
    version = version + 1, updated_at = now()
WHERE id = $1
"""
DISPUTE = """
UPDATE handovers SET status = 'disputed', dispute_reason = $2, disputed_by = $3,
    giver_signed_by = NULL, giver_signer_name = NULL, giver_signer_position = NULL,
    giver_signed_at = NULL, giver_signed_hash = NULL, receiver_signed_by = NULL,
    receiver_signer_name = NULL, receiver_signer_position = NULL, receiver_signed_at = NULL,
    receiver_signed_hash = NULL, version = version + 1, updated_at = now()
WHERE id = $1
"""
_SIGN = """
UPDATE handovers SET status = $2, {side}_signed_by = $3, {side}_signer_name = $4,
    {side}_signer_position = $5, {side}_signed_at = now(), {side}_signed_hash = $6,
    completed_at = CASE WHEN $2 = 'completed' THEN now() END,
    version = version + 1, updated_at = now()
WHERE id = $1
"""
SIGN = {side: _SIGN.format(side=side) for side in ("giver", "receiver")}
MINUTES_ITEMS = """
SELECT id, kind, site_id, room_id, asset_id, tag, name, form_group, unit_of_measure, quantity,
    original_cost, remaining_value, condition, notes, transfer_status, received_condition,
    receipt_note
FROM handover_items WHERE handover_id = $1 ORDER BY id
"""

# --- Completing: what was received passes to the receiving unit ---
_RECEIVED = "('received', 'received_damaged')"
TRANSFER_SITES = f"""
UPDATE sites s SET holder_unit_id = $2,
    condition = CASE WHEN i.transfer_status = 'received_damaged' THEN i.received_condition
                     ELSE s.condition END,
    version = s.version + 1, updated_at = now()
FROM handover_items i JOIN sites old ON old.id = i.site_id
WHERE i.handover_id = $1 AND i.kind = 'site' AND i.transfer_status IN {_RECEIVED}
  AND s.id = i.site_id
RETURNING s.id,
    json_build_object('holder_unit_id', old.holder_unit_id, 'condition', old.condition,
        'version', old.version)::text AS before,
    json_build_object('holder_unit_id', s.holder_unit_id, 'condition', s.condition,
        'version', s.version, 'handover_id', $1::bigint)::text AS after
"""
# An asset keeps its site and room when its site passes with it; alone, it has none yet.
TRANSFER_ASSETS = f"""
WITH sites_passed AS (
    SELECT site_id FROM handover_items
    WHERE handover_id = $1 AND kind = 'site' AND transfer_status IN {_RECEIVED}
)
UPDATE assets a SET holder_unit_id = $2,
    condition = CASE WHEN i.transfer_status = 'received_damaged' THEN i.received_condition
                     ELSE a.condition END,
    site_id = CASE WHEN a.site_id IN (SELECT site_id FROM sites_passed) THEN a.site_id END,
    room_id = CASE WHEN a.site_id IN (SELECT site_id FROM sites_passed) THEN a.room_id END,
    version = a.version + 1, updated_at = now()
FROM handover_items i JOIN assets old ON old.id = i.asset_id
WHERE i.handover_id = $1 AND i.kind = 'asset' AND i.transfer_status IN {_RECEIVED}
  AND a.id = i.asset_id
RETURNING a.id,
    json_build_object('holder_unit_id', old.holder_unit_id, 'condition', old.condition,
        'site_id', old.site_id, 'room_id', old.room_id, 'version', old.version)::text AS before,
    json_build_object('holder_unit_id', a.holder_unit_id, 'condition', a.condition,
        'site_id', a.site_id, 'room_id', a.room_id, 'version', a.version,
        'handover_id', $1::bigint)::text AS after
"""

# --- Reads ---
ITEM_COLUMNS = """
id, kind, site_id, room_id, asset_id, tag, name, form_group, unit_of_measure, quantity,
original_cost, remaining_value, condition, notes, transfer_status, received_condition,
receipt_note, recorded_by, recorded_at
"""
ITEMS = f"SELECT {ITEM_COLUMNS}, {{sort_key}} AS sort_key FROM handover_items WHERE {{where}}"
_TALLY = """
count(*) AS items, coalesce(sum(quantity), 0)::bigint AS quantity,
coalesce(sum(original_cost), 0)::bigint AS original_cost,
coalesce(sum(coalesce(remaining_value, 0)), 0)::bigint AS remaining_value
"""
SUMMARY = f"""
SELECT form_group, transfer_status, {_TALLY} FROM handover_items WHERE handover_id = $1
GROUP BY GROUPING SETS ((form_group), (transfer_status), ())
"""


async def unit_exists(conn: asyncpg.Connection, unit_id: int) -> bool:
    return bool(await conn.fetchval(UNIT_EXISTS, unit_id))


async def corrected(
    conn: asyncpg.Connection, handover_id: int, scope_unit_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(CORRECTED, handover_id, scope_unit_id)


async def insert(conn: asyncpg.Connection, values: list[Any]) -> int:
    return await conn.fetchval(INSERT, *values)


async def not_held(
    conn: asyncpg.Connection, giver: int, site_ids: list[int], asset_ids: list[int]
) -> tuple[list[int], list[int]]:
    """Of the sites and assets named, those the giving unit does not hold (or disposed)."""
    sites = [r["id"] for r in await conn.fetch(NOT_HELD_SITES, site_ids, giver)]
    assets = [r["id"] for r in await conn.fetch(NOT_HELD_ASSETS, asset_ids, giver)]
    return sites, assets


async def rooms_without_site(
    conn: asyncpg.Connection,
    handover_id: int,
    giver: int,
    room_ids: list[int],
    site_ids: list[int],
    everything: bool,
) -> list[int]:
    rows = await conn.fetch(ROOMS_WITHOUT_SITE, room_ids, giver, site_ids, everything, handover_id)
    return [r["id"] for r in rows]


async def add_items(
    conn: asyncpg.Connection,
    handover_id: int,
    giver: int,
    site_ids: list[int],
    room_ids: list[int],
    asset_ids: list[int],
    everything: bool,
    asset_filter: ListParams | None,
) -> list[asyncpg.Record]:
    """List the selection in one statement (those already listed here left out), each item
    claiming its key among open handovers; every row inserted, `claimed` false where
    another open handover holds it."""
    query = ListQuery()
    slots = {
        "handover": query.param(handover_id) + "::bigint",
        "giver": query.param(giver) + "::bigint",
        "sites": query.param(site_ids) + "::bigint[]",
        "rooms": query.param(room_ids) + "::bigint[]",
        "assets": query.param(asset_ids) + "::bigint[]",
        "all": query.param(everything) + "::boolean",
        "has_filter": query.param(asset_filter is not None) + "::boolean",
    }
    if asset_filter is not None:
        asset_filter.apply(query)
    slots["filter"] = query.where_sql()
    return await conn.fetch(_ADD.format(**slots), *query.params)


async def holder_of(
    conn: asyncpg.Connection, keys: list[tuple[str, int]], handover_id: int
) -> asyncpg.Record | None:
    """The first other open handover holding one of `keys` (entity, id)."""
    return await conn.fetchrow(HOLDER_OF, [k[0] for k in keys], [k[1] for k in keys], handover_id)


async def remove_items(
    conn: asyncpg.Connection, handover_id: int, item_ids: list[int]
) -> list[asyncpg.Record]:
    return await conn.fetch(REMOVE, handover_id, item_ids)


async def receive(
    conn: asyncpg.Connection,
    handover_id: int,
    item_ids: list[int],
    tags: list[str],
    status: str,
    condition: str | None,
    note: str,
    user_id: int,
) -> list[asyncpg.Record]:
    return await conn.fetch(RECEIVE, handover_id, item_ids, tags, status, condition, note, user_id)


async def add_surplus(
    conn: asyncpg.Connection, handover_id: int, columns: list[list[Any]], user_id: int
) -> list[asyncpg.Record]:
    return await conn.fetch(SURPLUS, handover_id, *columns, user_id)


async def set_status(conn: asyncpg.Connection, handover_id: int, status: str) -> None:
    await conn.execute(SET_STATUS, handover_id, status)


async def void(conn: asyncpg.Connection, handover_id: int) -> None:
    await conn.execute(VOID, handover_id)


async def dispute(conn: asyncpg.Connection, handover_id: int, reason: str, side: str) -> None:
    await conn.execute(DISPUTE, handover_id, reason, side)


async def minutes_items(conn: asyncpg.Connection, handover_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(MINUTES_ITEMS, handover_id)


async def sign(
    conn: asyncpg.Connection,
    handover_id: int,
    side: str,
    status: str,
    user_id: int,
    name: str,
    position: str,
    digest: str,
) -> None:
    await conn.execute(SIGN[side], handover_id, status, user_id, name, position, digest)


async def transfer(
    conn: asyncpg.Connection, handover_id: int, receiver: int
) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """Received sites and assets pass to the receiving unit: the rows changed, with JSON."""
    sites = await conn.fetch(TRANSFER_SITES, handover_id, receiver)
    assets = await conn.fetch(TRANSFER_ASSETS, handover_id, receiver)
    return sites, assets


async def summary(conn: asyncpg.Connection, handover_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SUMMARY, handover_id)


# --- The minutes' own text, and the documents kept with a handover ---
SET_TEXT = """
UPDATE handovers SET documents_handed_over = $2, opinions = $3, version = version + 1,
    updated_at = now()
WHERE id = $1 AND (documents_handed_over, opinions) IS DISTINCT FROM ($2, $3)
"""
_FILE_COLUMNS = """
id, handover_id, kind, size, encode(sha256, 'hex') AS sha256, content_hash, signatures,
uploaded_by, uploaded_at
"""
INSERT_FILE = f"""
INSERT INTO handover_files (handover_id, kind, content, size, sha256, content_hash, signatures,
    uploaded_by)
VALUES ($1, $2, $3::bytea, octet_length($3::bytea), sha256($3::bytea), $4, $5::jsonb, $6)
ON CONFLICT (handover_id, kind, sha256) DO NOTHING
RETURNING {_FILE_COLUMNS}
"""
SAME_FILE = f"""
SELECT {_FILE_COLUMNS} FROM handover_files WHERE handover_id = $1 AND kind = $2 AND sha256 = $3
"""
FILES = f"SELECT {_FILE_COLUMNS} FROM handover_files WHERE handover_id = $1 AND kind = $2"
LATEST_FILE = f"""
SELECT {_FILE_COLUMNS}, content FROM handover_files WHERE handover_id = $1 AND kind = $2
ORDER BY id DESC LIMIT 1
"""
FILE = f"""
SELECT {_FILE_COLUMNS}, content FROM handover_files WHERE handover_id = $1 AND kind = $2
    AND id = $3
"""
ISSUE = """
INSERT INTO handover_minutes_issued (sha256, handover_id, size, content_hash, issued_by)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING
"""
ISSUED = """
SELECT sha256, size, content_hash FROM handover_minutes_issued WHERE handover_id = $1
ORDER BY size
"""


async def get(conn: asyncpg.Connection, handover_id: int, scope_unit_id: int) -> asyncpg.Record:
    """The handover as the routes read it, within a scope (a job's, say); None outside it."""
    return await conn.fetchrow(GET, handover_id, scope_unit_id)


async def get_for_update(
    conn: asyncpg.Connection, handover_id: int, scope_unit_id: int
) -> asyncpg.Record:
    """As `get`, the row locked until the transaction ends."""
    return await conn.fetchrow(GET_FOR_UPDATE, handover_id, scope_unit_id)


async def set_text(
    conn: asyncpg.Connection, handover_id: int, documents_handed_over: str, opinions: str
) -> None:
    await conn.execute(SET_TEXT, handover_id, documents_handed_over, opinions)


async def add_file(
    conn: asyncpg.Connection,
    handover_id: int,
    kind: str,
    content: bytes,
    content_hash: str | None,
    signatures: list[Any],
    user_id: int,
) -> tuple[asyncpg.Record, bool]:
    """Keep an uploaded file; the row, and whether it is new (the same bytes are kept once)."""
    row = await conn.fetchrow(
        INSERT_FILE, handover_id, kind, content, content_hash, signatures, user_id
    )
    if row is not None:
        return row, True
    digest = hashlib.sha256(content).digest()
    return await conn.fetchrow(SAME_FILE, handover_id, kind, digest), False


async def files(conn: asyncpg.Connection, handover_id: int, kind: str) -> list[asyncpg.Record]:
    return await conn.fetch(FILES + " ORDER BY id", handover_id, kind)


async def latest_file(
    conn: asyncpg.Connection, handover_id: int, kind: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(LATEST_FILE, handover_id, kind)


async def file(
    conn: asyncpg.Connection, handover_id: int, kind: str, file_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(FILE, handover_id, kind, file_id)


async def issue(
    conn: asyncpg.Connection, handover_id: int, pdf: bytes, content_hash: str, user_id: int
) -> None:
    """Note a minutes PDF made, so that its signed copy can be recognised when sent back."""
    await conn.execute(
        ISSUE, hashlib.sha256(pdf).digest(), handover_id, len(pdf), content_hash, user_id
    )


async def issued(conn: asyncpg.Connection, handover_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(ISSUED, handover_id)
