"""SQL for sites, every read limited to sites held by a unit in the caller's scope."""

from __future__ import annotations

import asyncpg

from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.errors import InUse, Invalid

COLUMNS = (
    "id, holder_unit_id, origin_unit_id, name, address, latitude, longitude,"
    " land_area_m2::float8 AS land_area_m2, floor_area_m2::float8 AS floor_area_m2,"
    " year_built, condition, role, status, version"
)

GET = f"SELECT {COLUMNS} FROM sites WHERE id = $1 AND {in_scope('holder_unit_id', '$2')}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE"

LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM sites WHERE {{where}}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {"sites_keep_history": ("id", "a site with history is never deleted: use its status")}

IN_SCOPE = f"SELECT 1 FROM sites WHERE id = $1 AND {in_scope('holder_unit_id', '$2')}"


async def require(
    conn: asyncpg.Connection, principal: Principal, site_id: int | None, field: str
) -> None:
    """Refuse a body naming a site outside the caller's scope, exactly as an unknown one."""
    if site_id is None:
        return
    if not await conn.fetchval(IN_SCOPE, site_id, principal.unit_id):
        raise Invalid(f"no site {site_id} in your scope", field=field)


async def visible(conn: asyncpg.Connection, site_id: int, scope_unit_id: int) -> bool:
    """Is the site held in the scope of `scope_unit_id`? (Another unit's reads as unknown.)"""
    return bool(await conn.fetchval(IN_SCOPE, site_id, scope_unit_id))


async def require_held(conn: asyncpg.Connection, site_id: int, unit_id: int, field: str) -> None:
    """Refuse a site held outside `unit_id`'s scope: an asset stands where its holder keeps it."""
    if not await conn.fetchval(IN_SCOPE, site_id, unit_id):
        raise Invalid(
            f"site {site_id} is not held by unit {unit_id} or a unit under it", field=field
        )


async def delete(conn: asyncpg.Connection, site_id: int) -> None:
    try:
        await conn.execute("DELETE FROM sites WHERE id = $1", site_id)
    except asyncpg.ForeignKeyViolationError as exc:
        raise InUse(
            f"site {site_id} still has rooms or assets", constraint=exc.constraint_name or ""
        ) from exc


# A form's choice of site: the scope's, in Vietnamese order.
CHOICES = f"""
SELECT id, name FROM sites WHERE {in_scope("holder_unit_id", "$1")}
ORDER BY sort_name COLLATE "C", id
"""


async def choices(conn: asyncpg.Connection, scope_unit_id: int) -> list[asyncpg.Record]:
    """The sites of a scope, for a form's choice (a room's site)."""
    return await conn.fetch(CHOICES, scope_unit_id)
