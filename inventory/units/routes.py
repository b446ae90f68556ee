"""Unit routes: the registry of administrative units and their merger lineage."""

from __future__ import annotations

import asyncpg
from litestar import Request, Response, Router, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.records import Records, held, reader
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.errors import Invalid
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, errors
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
async def get_unit(conn: Conn, principal: Me, unit_id: FromPath[int]) -> Response[UnitRead]:
    """One unit; its ETag is the version to send back in If-Match."""
    return UNITS.respond(await UNITS.get(conn, principal, unit_id))


@get("/{unit_id:int}/lineage", guards=[allow(*READERS)], responses=errors(404))
async def get_lineage(conn: Conn, principal: Me, unit_id: FromPath[int]) -> Lineage:
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
    conn: Conn, principal: Me, unit_id: FromPath[int], listing: Listed
) -> Page[EventRead]:
    """Every recorded change to the unit, oldest first."""
    return await UNITS.history(conn, principal, unit_id, listing)


@post(
    "/", guards=[allow(Role.ADMIN)], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422)
)
async def create_unit(conn: Conn, principal: Me, data: JSONBody[UnitCreate]) -> Response[UnitRead]:
    """Register a unit (admin)."""

    async def insert(_write: Write) -> int:
        await require_unit(conn, principal, data.parent_id, "parent_id")
        await require_unit(conn, principal, data.merged_into_id, "merged_into_id")
        return await crud.insert(conn, "units", crud.given_fields(data))

    return await UNITS.create(conn, principal, insert)


@patch("/{unit_id:int}", guards=[allow(Role.ADMIN)], responses=errors(404, 409, 412, 422, 428))
async def update_unit(
    request: Request, conn: Conn, principal: Me, unit_id: FromPath[int], data: JSONBody[UnitPatch]
) -> Response[UnitRead]:
    """Change a unit (admin); needs If-Match."""
    version = expected_version(request)
    values = crud.given_fields(data)

    async def change(_write: Write, _before: asyncpg.Record) -> None:
        links = [f for f in ("parent_id", "merged_into_id") if values.get(f) is not None]
        if links:
            await conn.execute(queries.LOCK_HIERARCHY)
        for field in links:
            await require_unit(conn, principal, values[field], field)
            # A unit under this one (or itself) as its parent would put the unit in its own
            # scope, and everything in the cycle in the scope of each: a commune's officer
            # would see the whole province.
            if await conn.fetchval(queries.IN_SCOPE_OF, unit_id, values[field]):
                raise Invalid(f"unit {values[field]} is unit {unit_id} or under it", field=field)
        await crud.update(conn, "units", unit_id, values)

    return await UNITS.update(conn, principal, unit_id, version, change)


router = Router(
    path="/api/v1/units",
    route_handlers=[list_units, get_unit, get_lineage, unit_history, create_unit, update_unit],
    tags=["units"],
    security=BEARER,
)
