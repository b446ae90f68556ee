"""Site routes: the headquarters and facilities held by the units in your scope."""

from __future__ import annotations

import asyncpg
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.exports import export_routes
from inventory.api.records import Records, reader
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.holding import require_no_history_for_holder
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, IfMatch, errors
from inventory.sites import export, filters, queries
from inventory.sites.schemas import SiteCreate, SitePatch, SiteRead
from inventory.versioning import expected_version

SITES = Records("site", reader(SiteRead), queries.GET, queries.GET_FOR_UPDATE)
SITE_LIST = {"listing": filters.SITES.provide()}


@get("/", guards=[allow(*READERS)], responses=errors(), dependencies=SITE_LIST)
async def list_sites(conn: Conn, principal: Me, listing: Listed) -> Page[SiteRead]:
    """Sites held by units in your scope."""
    query = ListQuery()
    query.add(in_scope("holder_unit_id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST, query, SITES.read)


@get("/{site_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_site(conn: Conn, principal: Me, site_id: PathId) -> Response[SiteRead]:
    """One site; its ETag is the version to send back in If-Match."""
    return SITES.respond(await SITES.get(conn, principal, site_id))


@get(
    "/{site_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def site_history(
    conn: Conn, principal: Me, site_id: PathId, listing: Listed
) -> Page[EventRead]:
    """Every recorded change to the site, oldest first."""
    return await SITES.history(conn, principal, site_id, listing)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED, responses=errors(413, 422))
async def create_site(conn: Conn, principal: Me, data: JSONBody[SiteCreate]) -> Response[SiteRead]:
    """Register a site held by a unit in your scope."""
    return await create(conn, principal, data)


async def create(
    conn: asyncpg.Connection, principal: Principal, data: SiteCreate
) -> Response[SiteRead]:
    """A new site (the API's POST and the site form's)."""

    async def insert(_write: Write) -> int:
        await require_unit(conn, principal, data.holder_unit_id, "holder_unit_id")
        await require_unit(conn, principal, data.origin_unit_id, "origin_unit_id")
        return await crud.insert(conn, "sites", crud.given_fields(data))

    return await SITES.create(conn, principal, insert)


@patch(
    "/{site_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 412, 422, 428),
)
async def update_site(
    request: Request, conn: Conn, principal: Me, site_id: PathId, data: JSONBody[SitePatch]
) -> Response[SiteRead]:
    """Change a site in your scope; needs If-Match."""
    return await update(conn, principal, site_id, expected_version(request), data)


async def update(
    conn: asyncpg.Connection,
    principal: Principal,
    site_id: int,
    version: int | None,
    data: SitePatch,
) -> Response[SiteRead]:
    """The change of a site at `version` (the API's PATCH and the site form's)."""
    values = crud.given_fields(data)

    async def change(_write: Write, before: asyncpg.Record) -> None:
        await require_no_history_for_holder(conn, SITES.entity, before, values)
        for field in ("holder_unit_id", "origin_unit_id"):
            await require_unit(conn, principal, values.get(field), field)
        await crud.update(conn, "sites", site_id, values)

    return await SITES.update(conn, principal, site_id, version, change)


@delete(
    "/{site_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 409, 412, 428),
)
async def delete_site(request: Request, conn: Conn, principal: Me, site_id: PathId) -> None:
    """Remove a site with no rooms or assets left; needs If-Match."""
    await SITES.delete(conn, principal, site_id, expected_version(request), queries.delete)


router = Router(
    path="/api/v1/sites",
    route_handlers=[
        *export_routes(export.SITES, READERS, "The site list"),
        list_sites,
        get_site,
        site_history,
        create_site,
        update_site,
        delete_site,
    ],
    tags=["sites"],
    security=BEARER,
)
