"""Unit routes: the registry of administrative units and their merger lineage."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request, Response, Router, get, patch, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.records import Records, held, reader
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.errors import Forbidden, Invalid
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, IfMatch, errors
from inventory.units import filters, queries
from inventory.units.schemas import Lineage, UnitBrief, UnitCreate, UnitPatch, UnitRead
from inventory.versioning import expected_version

UNITS = Records("unit", reader(UnitRead), queries.GET, queries.GET_FOR_UPDATE, unit_of=held("id"))
UNIT_LIST = {"listing": filters.UNITS.provide()}


@get("/", guards=[allow(*READERS)], responses=errors(422), dependencies=UNIT_LIST)
async def list_units(conn: Conn, principal: Me, listing: Listed) -> Page[UnitRead]:
    """Units in your scope."""
    query = ListQuery()
    query.add(in_scope("id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST, query, UNITS.read)


@get("/{unit_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_unit(conn: Conn, principal: Me, unit_id: PathId) -> Response[UnitRead]:
    """One unit; its ETag is the version to send back in If-Match."""
    return UNITS.respond(await UNITS.get(conn, principal, unit_id))


@get("/{unit_id:int}/lineage", guards=[allow(*READERS)], responses=errors(404))
async def get_lineage(conn: Conn, principal: Me, unit_id: PathId) -> Lineage:
    """What the unit was formed from, and (for a former unit) what it was merged into."""
    return await lineage(conn, principal, unit_id)


async def lineage(conn: asyncpg.Connection, principal: Principal, unit_id: int) -> Lineage:
    """A unit's lineage in the caller's scope (the API's and the units page's)."""
    row = await UNITS.get(conn, principal, unit_id)
    sources = await conn.fetch(queries.FORMED_FROM, unit_id, principal.unit_id)
    target = await conn.fetchrow(queries.MERGED_INTO, unit_id, principal.unit_id)

    def brief(r: asyncpg.Record) -> UnitBrief:
        return UnitBrief(id=r["id"], code=r["code"], name=r["name"], kind=r["kind"])

    return Lineage(
        unit=brief(row),
        formed_from=[brief(r) for r in sources],
        merged_into=brief(target) if target else None,
    )


@get(
    "/{unit_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def unit_history(
    conn: Conn, principal: Me, unit_id: PathId, listing: Listed
) -> Page[EventRead]:
    """Every recorded change to the unit, oldest first."""
    return await UNITS.history(conn, principal, unit_id, listing)


@post(
    "/", guards=[allow(Role.ADMIN)], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422)
)
async def create_unit(conn: Conn, principal: Me, data: JSONBody[UnitCreate]) -> Response[UnitRead]:
    """Register a unit (admin), under a unit of your scope (`parent_id` or `merged_into_id`):
    a unit at the top (a province) is made from the command line."""
    return await create(conn, principal, data)


async def create(
    conn: asyncpg.Connection, principal: Principal, data: UnitCreate
) -> Response[UnitRead]:
    """A new unit (the API's POST and the unit form's)."""
    values = crud.given_fields(data)

    async def insert(_write: Write) -> int:
        await _check_links(conn, principal, None, None, values)
        unit_id = await crud.insert(conn, "units", values)
        await _kept_in_scope(conn, principal, unit_id)
        return unit_id

    return await UNITS.create(conn, principal, insert)


@patch(
    "/{unit_id:int}",
    operation_class=IfMatch,
    guards=[allow(Role.ADMIN)],
    responses=errors(403, 404, 409, 412, 422, 428),
)
async def update_unit(
    request: Request, conn: Conn, principal: Me, unit_id: PathId, data: JSONBody[UnitPatch]
) -> Response[UnitRead]:
    """Change a unit (admin); needs If-Match. A link (`parent_id`, `merged_into_id`) is
    changed only from within your scope to within it, and the unit stays in your scope."""
    return await update(conn, principal, unit_id, expected_version(request), data)


async def update(
    conn: asyncpg.Connection,
    principal: Principal,
    unit_id: int,
    version: int | None,
    data: UnitPatch,
) -> Response[UnitRead]:
    """The change of a unit at `version` (the API's PATCH and the unit form's)."""
    values = crud.given_fields(data)

    async def change(_write: Write, before: asyncpg.Record) -> None:
        moved = await _check_links(conn, principal, unit_id, before, values)
        await crud.update(conn, "units", unit_id, values)
        if moved:
            await _kept_in_scope(conn, principal, unit_id)

    return await UNITS.update(conn, principal, unit_id, version, change)


_LINKS = ("parent_id", "merged_into_id")
"""What puts a unit (and everything it holds) in other units' scopes."""


async def _check_links(
    conn: asyncpg.Connection,
    principal: Principal,
    unit_id: int | None,
    before: asyncpg.Record | None,
    values: dict[str, Any],
) -> bool:
    """Refuse a change of a unit's links that reaches outside the caller's scope; whether
    any link changes.

    Every link given is checked, a cleared one (null) as much as a set one: the unit it
    pointed at loses the unit from its scope, so it must be the caller's, and a unit-scoped
    admin (whose own unit's parent is above them) can never unhook their own unit from the
    province. The new target must be the caller's too, and not the unit or under it."""
    changed = [f for f in _LINKS if f in values and (before is None or values[f] != before[f])]
    if changed and unit_id is not None:
        await conn.execute(queries.LOCK_HIERARCHY)
    for field in changed:
        old = before[field] if before is not None else None
        if old is not None and not await conn.fetchval(queries.IN_SCOPE_OF, principal.unit_id, old):
            raise Forbidden(
                f"unit {unit_id}'s {field} is unit {old}, outside your scope: not yours to change"
            )
        new = values[field]
        await require_unit(conn, principal, new, field)
        # A unit under this one (or itself) as its parent would put the unit in its own
        # scope, and everything in the cycle in the scope of each: a commune's officer
        # would see the whole province.
        cycle = unit_id is not None and new is not None
        if cycle and await conn.fetchval(queries.IN_SCOPE_OF, unit_id, new):
            raise Invalid(f"unit {new} is unit {unit_id} or under it", field=field)
    return bool(changed)


async def _kept_in_scope(conn: asyncpg.Connection, principal: Principal, unit_id: int) -> None:
    """After its links changed (in this transaction), the unit must still be in the
    caller's scope: a unit left with no link at all would be nobody's."""
    if not await conn.fetchval(queries.IN_SCOPE_OF, principal.unit_id, unit_id):
        raise Invalid(
            f"unit {unit_id} would leave your scope: give it a parent_id or merged_into_id"
            " of your scope",
            field="parent_id",
        )


router = Router(
    path="/api/v1/units",
    route_handlers=[list_units, get_unit, get_lineage, unit_history, create_unit, update_unit],
    tags=["units"],
    security=BEARER,
)
