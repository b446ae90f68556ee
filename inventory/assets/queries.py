"""SQL for assets, every read limited to assets held by a unit in the caller's scope.

One SELECT serves a read whole: the names of the category, holder unit, site
and room come joined in, so the tag lookup behind every scan is one round trip.
"""

from __future__ import annotations

import asyncpg

from inventory.accounts.guards import SESSION_KEY
from inventory.accounts.scope import in_scope
from inventory.db.listing import ListQuery
from inventory.db.store import live
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
# The phone page's: the asset, where and by whom it was last seen, and its latest photo,
# in one round trip; only what the page shows (web/templates/tag_asset.html), since it is
# read on every scan and each column more is decoded on every page.
_PAGE = f"""
SELECT a.id, a.tag, a.name, c.name AS category_name, u.name AS holder_unit_name,
       s.name AS site_name, r.name AS room_name, a.condition, a.status, a.last_seen_at,
       a.latest_photo_id, seen_room.name AS seen_room_name,
       coalesce(nullif(seen_by.full_name, ''), seen_by.login) AS seen_by_name
FROM {FROM}
LEFT JOIN rooms seen_room ON seen_room.id = a.last_seen_room_id
LEFT JOIN users seen_by ON seen_by.id = a.last_seen_by
WHERE a.tag = $1 AND {{scope}}
"""
PAGE_BY_TAG = _PAGE.format(scope=SCOPE)
# The page lane's (web/tag_lane.py): the signed-in session ($2 its store's namespace, $3
# its key) and that asset page in the scope the session names, in one round trip. The
# lane decodes the session itself and answers only where its unit is `scope_unit_id`.
PAGE_IN_SESSION = f"""
WITH session AS (
    SELECT value, convert_from(value, 'UTF8')::json #>> '{{{SESSION_KEY},unit_id}}' AS unit_id
    FROM kv_store WHERE {live("$2", "$3")}
)
SELECT session.value AS session, session.unit_id::bigint AS scope_unit_id, page.*
FROM session
LEFT JOIN LATERAL ({_PAGE.format(scope=in_scope("a.holder_unit_id", "session.unit_id::bigint"))})
    page ON true
"""

LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM {FROM} WHERE {{where}}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {
    "assets_tag_key": ("tag", "this tag is already used"),
    "assets_tag_immutable": ("tag", "an asset keeps its tag for life"),
    "assets_category_id_fkey": ("category_id", "no such category"),
    "assets_site_id_fkey": ("site_id", "no such site"),
    "assets_room_id_fkey": ("room_id", "no such room"),
    "assets_room_site_fkey": ("room_id", "the room is not in the asset's site"),
    "assets_room_needs_site_check": ("site_id", "an asset in a room needs the room's site"),
    # Routes refuse a given remaining value above the cost; a lower cost alone gets here.
    "assets_remaining_value_cost_check": (
        "original_cost",
        "the remaining value cannot exceed the original cost",
    ),
    "assets_keep_history": ("id", "an asset with history is never deleted: use its status"),
    "asset_status_state_check": ("status", "not a status of an asset"),
    "asset_status_transition_check": ("status", "the asset's status cannot change so"),
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


MOVE = """
UPDATE assets SET site_id = $2, room_id = $3, version = version + 1, updated_at = now()
WHERE id = $1
"""
# Where assets were last seen, many at once (a stocktake closing): the history of each as
# JSON made here, before and after, for the write step's `record_rows`.
SEEN = """
WITH seen AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[])
        AS s(asset_id, room_id, seen_at, seen_by)
)
UPDATE assets a SET last_seen_at = s.seen_at, last_seen_room_id = s.room_id,
    last_seen_by = s.seen_by, version = a.version + 1, updated_at = now()
FROM seen s JOIN assets old ON old.id = s.asset_id
WHERE a.id = s.asset_id AND (a.last_seen_at IS NULL OR a.last_seen_at < s.seen_at)
RETURNING a.id, a.holder_unit_id,
    json_build_object('last_seen_at', old.last_seen_at, 'last_seen_room_id',
        old.last_seen_room_id, 'last_seen_by', old.last_seen_by, 'version', old.version)::text
        AS before,
    json_build_object('last_seen_at', a.last_seen_at, 'last_seen_room_id', a.last_seen_room_id,
        'last_seen_by', a.last_seen_by, 'version', a.version, 'seen_in', $5::text)::text
        AS after
"""


async def move(
    conn: asyncpg.Connection, asset_id: int, site_id: int | None, room_id: int | None
) -> None:
    await conn.execute(MOVE, asset_id, site_id, room_id)


async def mark_seen(
    conn: asyncpg.Connection,
    sightings: list[asyncpg.Record],
    seen_in: str,
) -> list[asyncpg.Record]:
    """Set each asset's last seen from its latest sighting (asset_id, room_id, seen_at,
    scanned_by), where later than the one it has; `seen_in` names what saw it (history).
    The rows changed, with their JSON before and after."""
    return await conn.fetch(
        SEEN,
        [s["asset_id"] for s in sightings],
        [s["room_id"] for s in sightings],
        [s["seen_at"] for s in sightings],
        [s["scanned_by"] for s in sightings],
        seen_in,
    )


async def delete(conn: asyncpg.Connection, asset_id: int) -> None:
    try:
        await conn.execute("DELETE FROM assets WHERE id = $1", asset_id)
    except asyncpg.ForeignKeyViolationError as exc:
        raise InUse(
            f"other records still refer to asset {asset_id}", constraint=exc.constraint_name or ""
        ) from exc


HELD_BY = f"SELECT 1 FROM assets a WHERE a.id = $1 AND {in_scope('a.holder_unit_id', '$2')}"
UNTAGGED = f"""
SELECT a.id, a.name, a.serial, r.name AS room_name FROM assets a
LEFT JOIN rooms r ON r.id = a.room_id
WHERE a.tag IS NULL AND {in_scope("a.holder_unit_id", "$1")}
  AND ($2::text IS NULL OR a.search @@ to_tsquery('simple', $2))
ORDER BY a.sort_name COLLATE "C", a.id LIMIT $3
"""


async def held_by(conn: asyncpg.Connection, asset_id: int, unit_id: int) -> bool:
    """Is the asset held by `unit_id` or a unit under it?"""
    return bool(await conn.fetchval(HELD_BY, asset_id, unit_id))


async def untagged(
    conn: asyncpg.Connection, unit_id: int, words: str | None, limit: int
) -> list[asyncpg.Record]:
    """Untagged assets in a unit's scope, by name; `words` a tsquery from listing.tsquery."""
    return await conn.fetch(UNTAGGED, unit_id, words, limit)


async def set_condition(conn: asyncpg.Connection, asset_id: int, condition: str) -> None:
    await conn.execute(
        "UPDATE assets SET condition = $2, version = version + 1, updated_at = now() WHERE id = $1",
        asset_id,
        condition,
    )


# A room's phone page: what should be there, and what was last seen there.
IN_ROOM = f"""
SELECT a.id, a.name, a.tag FROM assets a
WHERE a.room_id = $1 AND {in_scope("a.holder_unit_id", "$2")}
ORDER BY a.sort_name COLLATE "C", a.id LIMIT $3
"""
SEEN_IN_ROOM = f"""
SELECT a.id, a.name, a.tag, a.last_seen_at, u.login, u.full_name FROM assets a
LEFT JOIN users u ON u.id = a.last_seen_by
WHERE a.last_seen_room_id = $1 AND {in_scope("a.holder_unit_id", "$2")}
ORDER BY a.last_seen_at DESC NULLS LAST, a.id LIMIT $3
"""


async def in_room(
    conn: asyncpg.Connection, room_id: int, scope_unit_id: int, limit: int
) -> list[asyncpg.Record]:
    """The assets of the caller's scope registered in a room, by name."""
    return await conn.fetch(IN_ROOM, room_id, scope_unit_id, limit)


async def seen_in_room(
    conn: asyncpg.Connection, room_id: int, scope_unit_id: int, limit: int
) -> list[asyncpg.Record]:
    """The assets of the caller's scope last seen in a room, latest first, with who saw them."""
    return await conn.fetch(SEEN_IN_ROOM, room_id, scope_unit_id, limit)


async def for_page_in_session(
    conn: asyncpg.Connection, tag: str, namespace: str, session_id: str
) -> asyncpg.Record | None:
    """The session `session_id` of the store `namespace`, if it is live, and beside it the
    asset page (`for_page`) of `tag` in the scope of the unit it names."""
    return await conn.fetchrow(PAGE_IN_SESSION, tag, namespace, session_id)


async def for_page(conn: asyncpg.Connection, tag: str, scope_unit_id: int) -> asyncpg.Record | None:
    """The asset bearing `tag` in the scope, with its last sighting's room and person."""
    return await conn.fetchrow(PAGE_BY_TAG, tag, scope_unit_id)


# The start page's figures of a scope: assets by condition and status (with their cost),
# and how many still wait for a label.
TALLY = f"""
SELECT a.condition, a.status, count(*) AS assets,
       coalesce(sum(a.original_cost), 0)::bigint AS original_cost
FROM assets a WHERE {in_scope("a.holder_unit_id", "$1")}
GROUP BY a.condition, a.status
"""
UNTAGGED_COUNT = f"""
SELECT count(*) FROM assets a WHERE a.tag IS NULL AND {in_scope("a.holder_unit_id", "$1")}
"""
# A list's totals: the rows a listing's filters and search keep, without its paging.
TOTALS = """
SELECT count(*) AS assets, coalesce(sum(a.quantity), 0)::bigint AS quantity,
       coalesce(sum(a.original_cost), 0)::bigint AS original_cost
FROM assets a WHERE {where}
"""


async def tally(conn: asyncpg.Connection, scope_unit_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(TALLY, scope_unit_id)


async def untagged_count(conn: asyncpg.Connection, scope_unit_id: int) -> int:
    return await conn.fetchval(UNTAGGED_COUNT, scope_unit_id)


async def totals(conn: asyncpg.Connection, query: ListQuery) -> asyncpg.Record:
    """Count, quantity and original cost of the assets `query` keeps (scope and filters)."""
    return await conn.fetchrow(TOTALS.format(where=query.where_sql()), *query.params)
