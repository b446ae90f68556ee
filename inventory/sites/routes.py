"""Site routes: the headquarters and facilities held by the units in your scope."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.scope import in_scope, require_unit
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery, Page, page_sql, paginate
from inventory.db.records import Records, reader
from inventory.history import queries as history
from inventory.openapi import BEARER, errors
from inventory.sites import queries
from inventory.sites.schemas import Condition, SiteCreate, SitePatch, SiteRead, SiteRole, SiteStatus
from inventory.versioning import expected_version

SITES = Records("site", reader(SiteRead), queries.GET, queries.GET_FOR_UPDATE)


@get("/", guards=[allow(*READERS)], responses=errors())
async def list_sites(
    conn: Conn,
    principal: Me,
    holder_unit_id: FromQuery[int | None] = None,
    status: FromQuery[SiteStatus | None] = None,
    condition: FromQuery[Condition | None] = None,
    role: FromQuery[SiteRole | None] = None,
    q: Annotated[str | None, QueryParameter(description="name, diacritics ignored")] = None,
    sort: FromQuery[str] = "name",
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> Page[SiteRead]:
    """Sites held by units in your scope."""
    query = ListQuery()
    query.add(in_scope("holder_unit_id", "{}"), principal.unit_id)
    if holder_unit_id is not None:
        query.add("holder_unit_id = {}", holder_unit_id)
    if status is not None:
        query.add("status = {}", status.value)
    if condition is not None:
        query.add("condition = {}", condition.value)
    if role is not None:
        query.add("role = {}", role.value)
    if q:
        query.add("inventory_fold(name) LIKE '%' || inventory_fold({}) || '%'", q)
    sql = page_sql(query, queries.LIST, sort, queries.SORT_KEYS, cursor, limit, "id")
    return paginate(await conn.fetch(sql, *query.params), limit, SITES.read)


@get("/{site_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_site(conn: Conn, principal: Me, site_id: FromPath[int]) -> Response[SiteRead]:
    """One site; its ETag is the version to send back in If-Match."""
    return SITES.respond(await SITES.get(conn, principal, site_id))


@get("/{site_id:int}/history", guards=[allow(*READERS)], responses=errors(404))
async def site_history(
    conn: Conn, principal: Me, site_id: FromPath[int]
) -> list[history.EventRead]:
    """Every recorded change to the site, oldest first."""
    return await SITES.history(conn, principal, site_id)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED, responses=errors(413, 422))
async def create_site(conn: Conn, principal: Me, data: JSONBody[SiteCreate]) -> Response[SiteRead]:
    """Register a site held by a unit in your scope."""

    async def insert() -> int:
        await require_unit(conn, principal, data.holder_unit_id, "holder_unit_id")
        await require_unit(conn, principal, data.origin_unit_id, "origin_unit_id")
        return await crud.insert(conn, "sites", crud.given_fields(data))

    return await SITES.create(conn, principal, insert)


@patch("/{site_id:int}", guards=[allow(*WRITERS)], responses=errors(404, 412, 422, 428))
async def update_site(
    request: Request, conn: Conn, principal: Me, site_id: FromPath[int], data: JSONBody[SitePatch]
) -> Response[SiteRead]:
    """Change a site in your scope; needs If-Match."""
    version = expected_version(request)
    values = crud.given_fields(data)

    async def change(_before: asyncpg.Record) -> None:
        for field in ("holder_unit_id", "origin_unit_id"):
            await require_unit(conn, principal, values.get(field), field)
        await crud.update(conn, "sites", site_id, values)

    return await SITES.update(conn, principal, site_id, version, change)


@delete("/{site_id:int}", guards=[allow(*WRITERS)], responses=errors(404, 409, 412, 428))
async def delete_site(request: Request, conn: Conn, principal: Me, site_id: FromPath[int]) -> None:
    """Remove a site with no rooms or assets left; needs If-Match."""
    await SITES.delete(conn, principal, site_id, expected_version(request), queries.delete)


router = Router(
    path="/api/v1/sites",
    route_handlers=[list_sites, get_site, site_history, create_site, update_site, delete_site],
    tags=["sites"],
    security=BEARER,
)
