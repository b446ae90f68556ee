"""SQL for rooms; a room is in scope when the unit holding its site is."""

from __future__ import annotations

import asyncpg

from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.db import crud
from inventory.errors import InUse, Invalid

COLUMNS = (
    "r.id, r.site_id, s.name AS site_name, s.holder_unit_id, r.name, r.floor,"
    " r.area_m2::float8 AS area_m2, r.purpose, r.seats, r.tag, r.version"
)
FROM = "rooms r JOIN sites s ON s.id = r.site_id"

GET = f"SELECT {COLUMNS} FROM {FROM} WHERE r.id = $1 AND {in_scope('s.holder_unit_id', '$2')}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE OF r"

LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM {FROM} WHERE {{where}}"

# Assets point at (room, site): the key that stops a room moving away from its assets.
ASSETS_IN_ROOM = "assets_room_site_fkey"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {
    "rooms_site_name_key": ("name", "this site already has a room with this name"),
    "rooms_site_id_fkey": ("site_id", "no such site"),
    "rooms_keep_history": ("id", "a room with history is never deleted"),
    "rooms_tag_key": ("tag", "this code is on another room"),
    "rooms_tag_immutable": ("tag", "a room keeps its code for life"),
}

SITE_IN_SCOPE = (
    f"SELECT r.site_id FROM {FROM} WHERE r.id = $1 AND {in_scope('s.holder_unit_id', '$2')}"
)


async def fetch(
    conn: asyncpg.Connection, room_id: int, scope_unit_id: int
) -> asyncpg.Record | None:
    """One room in the scope of `scope_unit_id`, as `RoomRead` reads it; None otherwise."""
    return await conn.fetchrow(GET, room_id, scope_unit_id)


async def require(conn: asyncpg.Connection, principal: Principal, room_id: int, field: str) -> int:
    """The site of a room in the caller's scope; an unknown or foreign room is refused alike."""
    site_id = await conn.fetchval(SITE_IN_SCOPE, room_id, principal.unit_id)
    if site_id is None:
        raise Invalid(f"no room {room_id} in your scope", field=field)
    return site_id


async def update(conn: asyncpg.Connection, room_id: int, values: dict[str, object]) -> None:
    """Update a room; moving it to another site is refused while it holds assets."""
    try:
        await crud.update(conn, "rooms", room_id, values)
    except asyncpg.ForeignKeyViolationError as exc:
        if exc.constraint_name != ASSETS_IN_ROOM:
            raise
        raise InUse(
            f"room {room_id} still holds assets; move them first",
            constraint=exc.constraint_name or "",
        ) from exc


async def delete(conn: asyncpg.Connection, room_id: int) -> None:
    try:
        await conn.execute("DELETE FROM rooms WHERE id = $1", room_id)
    except asyncpg.ForeignKeyViolationError as exc:
        raise InUse(
            f"assets are in (or were last seen in) room {room_id}",
            constraint=exc.constraint_name or "",
        ) from exc


# The room a room label's code names, for its phone page.
BY_TAG = f"""
SELECT r.id, r.name, r.tag, r.floor, r.site_id, s.name AS site_name, s.holder_unit_id,
    u.name AS holder_unit_name
FROM rooms r JOIN sites s ON s.id = r.site_id JOIN units u ON u.id = s.holder_unit_id
WHERE r.tag = $1 AND {in_scope("s.holder_unit_id", "$2")}
"""


async def by_tag(conn: asyncpg.Connection, code: str, scope_unit_id: int) -> asyncpg.Record | None:
    """The room with this label code in the caller's scope; None if unknown or another unit's."""
    return await conn.fetchrow(BY_TAG, code, scope_unit_id)


HELD_BY = (
    "SELECT 1 FROM rooms r JOIN sites s ON s.id = r.site_id"
    f" WHERE r.id = $1 AND {in_scope('s.holder_unit_id', '$2')}"
)
OF_UNIT = f"""
SELECT r.id, s.name AS site_name, r.name FROM rooms r JOIN sites s ON s.id = r.site_id
WHERE {in_scope("s.holder_unit_id", "$1")}
ORDER BY s.sort_name COLLATE "C", r.sort_name COLLATE "C", r.id LIMIT 500
"""


async def held_by(conn: asyncpg.Connection, room_id: int, unit_id: int) -> bool:
    """Is the room in a site held by `unit_id` or a unit under it?"""
    return bool(await conn.fetchval(HELD_BY, room_id, unit_id))


async def of_unit(conn: asyncpg.Connection, unit_id: int) -> list[asyncpg.Record]:
    """The rooms of a unit's scope, site by site, for a form's choice."""
    return await conn.fetch(OF_UNIT, unit_id)
