"""Asset routes: the registry of what units hold and where it stands, and the tag lookup."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

import asyncpg
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope, require_unit
from inventory.assets import queries, rules
from inventory.assets.schemas import AssetCreate, AssetPatch, AssetRead, AssetStatus, Ownership
from inventory.categories import queries as categories
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery, Page, page_sql, paginate, tsquery
from inventory.errors import NotFound
from inventory.history import queries as history
from inventory.history.record import begin_write, record
from inventory.openapi import BEARER, errors
from inventory.rooms import queries as rooms
from inventory.sites import queries as sites
from inventory.sites.schemas import Condition
from inventory.tags.codes import normalize
from inventory.versioning import check_version, etag, expected_version

ENTITY = "asset"
WRITERS = (Role.ADMIN, Role.OFFICER)
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving: the year turns at 17:00 UTC
_DIRECT = tuple(f for f in AssetRead.__struct_fields__ if f != "remaining_value_given")


def _this_year() -> int:
    return datetime.now(UTC).astimezone(VIETNAM).year


def _read(row: asyncpg.Record, year: int) -> AssetRead:
    fields = {k: row[k] for k in _DIRECT}
    fields["remaining_value"], fields["remaining_value_given"] = rules.effective_remaining_value(
        row["remaining_value"], row["original_cost"], row["wear_rate"], row["acquisition_year"],
        year)
    return AssetRead(**fields)


async def _get(conn: asyncpg.Connection, principal: Principal, asset_id: int,
               *, lock: bool = False) -> asyncpg.Record:
    row = await queries.fetch(conn, asset_id, principal.unit_id, lock=lock)
    if row is None:
        raise NotFound(f"no asset {asset_id}")
    return row


def _respond(row: asyncpg.Record, status: int = 200) -> Response[AssetRead]:
    return Response(_read(row, _this_year()), status_code=status,
                    headers={"ETag": etag(row["version"])})


async def _check_references(conn: asyncpg.Connection, principal: Principal,
                            values: dict[str, Any], current: Mapping[str, Any] | None) -> None:
    """Refuse units, category, site or room the caller cannot use; place the asset.

    `values` are the columns being written (all of them on create); a room named
    without a site brings its site into `values`.
    """
    for field in ("holder_unit_id", "origin_unit_id"):
        await require_unit(conn, principal, values.get(field), field)
    await categories.require(conn, values.get("category_id"), "category_id")
    creating = current is None
    site_given = values.get("site_id") is not None if creating else "site_id" in values
    room_given = values.get("room_id") is not None if creating else "room_id" in values
    if not (site_given or room_given):
        return
    current = current or {"site_id": None, "room_id": None}
    site_id = values["site_id"] if site_given else current["site_id"]
    if site_given:
        await sites.require(conn, principal, site_id, "site_id")
    room_id = values["room_id"] if room_given else current["room_id"]
    if room_id is None:
        room_site_id = None
    elif room_given:
        room_site_id = await rooms.require(conn, principal, room_id, "room_id")
    else:  # the room stays, and the database keeps a room in its asset's site
        room_site_id = current["site_id"]
    values["site_id"] = rules.placed_site(site_id, room_site_id, site_given=site_given,
                                          room_given=room_given)


@get("/", guards=[allow(*READERS)], responses=errors())
async def list_assets(
    conn: Conn, principal: Me,
    holder_unit_id: FromQuery[int | None] = None,
    site_id: FromQuery[int | None] = None,
    room_id: FromQuery[int | None] = None,
    category_id: FromQuery[int | None] = None,
    status: FromQuery[AssetStatus | None] = None,
    condition: FromQuery[Condition | None] = None,
    ownership: FromQuery[Ownership | None] = None,
    q: Annotated[str | None, QueryParameter(
        description="words of the name, model, tag or serial (prefixes, diacritics ignored)")
    ] = None,
    sort: FromQuery[str] = "name",
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> Page[AssetRead]:
    """Assets held by units in your scope."""
    query = ListQuery()
    query.add(in_scope("a.holder_unit_id", "{}"), principal.unit_id)
    for column, value in (("a.holder_unit_id", holder_unit_id), ("a.site_id", site_id),
                          ("a.room_id", room_id), ("a.category_id", category_id)):
        if value is not None:
            query.add(f"{column} = {{}}", value)
    for column, choice in (("a.status", status), ("a.condition", condition),
                           ("a.ownership", ownership)):
        if choice is not None:
            query.add(f"{column} = {{}}", choice.value)
    words = tsquery(q) if q else None
    if words:
        query.add("a.search @@ to_tsquery('simple', {})", words)
    sql = page_sql(query, queries.LIST, sort, queries.SORT_KEYS, cursor, limit, "a.id")
    year = _this_year()
    return paginate(await conn.fetch(sql, *query.params), limit, lambda row: _read(row, year))


@get("/by-tag/{tag:str}", guards=[allow(*READERS)], responses=errors(404))
async def get_asset_by_tag(conn: Conn, principal: Me, tag: FromPath[str]
                           ) -> Response[AssetRead]:
    """The asset bearing a tag, as typed or scanned (case and look-alikes forgiven)."""
    row = await queries.by_tag(conn, normalize(tag), principal.unit_id)
    if row is None:
        raise NotFound(f"no asset tagged {tag}")
    return _respond(row)


@get("/{asset_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_asset(conn: Conn, principal: Me, asset_id: FromPath[int]) -> Response[AssetRead]:
    """One asset; its ETag is the version to send back in If-Match."""
    return _respond(await _get(conn, principal, asset_id))


@get("/{asset_id:int}/history", guards=[allow(*READERS)], responses=errors(404))
async def asset_history(conn: Conn, principal: Me, asset_id: FromPath[int]
                        ) -> list[history.EventRead]:
    """Every recorded change to the asset, oldest first."""
    await _get(conn, principal, asset_id)
    return await history.for_entity(conn, ENTITY, asset_id)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED,
      responses=errors(409, 413, 422))
async def create_asset(conn: Conn, principal: Me, data: JSONBody[AssetCreate]
                       ) -> Response[AssetRead]:
    """Register an asset held by a unit in your scope."""
    values = crud.given_fields(data)
    async with conn.transaction():
        await begin_write(conn, principal)
        await _check_references(conn, principal, values, None)
        asset_id = await crud.insert(conn, "assets", values)
        row = await _get(conn, principal, asset_id)
        await record(conn, principal, ENTITY, asset_id, "create", None, row)
    return _respond(row, HTTP_201_CREATED)


@patch("/{asset_id:int}", guards=[allow(*WRITERS)],
       responses=errors(404, 409, 412, 422, 428))
async def update_asset(request: Request, conn: Conn, principal: Me,
                       asset_id: FromPath[int], data: JSONBody[AssetPatch]
                       ) -> Response[AssetRead]:
    """Change an asset in your scope; needs If-Match."""
    version = expected_version(request)
    values = crud.given_fields(data)
    async with conn.transaction():
        await begin_write(conn, principal)
        before = await _get(conn, principal, asset_id, lock=True)
        check_version(before["version"], version)
        await _check_references(conn, principal, values, before)
        await crud.update(conn, "assets", asset_id, values)
        after = await _get(conn, principal, asset_id)
        await record(conn, principal, ENTITY, asset_id, "update", before, after)
    return _respond(after)


@delete("/{asset_id:int}", guards=[allow(*WRITERS)], responses=errors(404, 409, 412, 428))
async def delete_asset(request: Request, conn: Conn, principal: Me, asset_id: FromPath[int]
                       ) -> None:
    """Remove an asset entered by mistake; needs If-Match. (Disposal is a status.)"""
    version = expected_version(request)
    async with conn.transaction():
        await begin_write(conn, principal)
        before = await _get(conn, principal, asset_id, lock=True)
        check_version(before["version"], version)
        await queries.delete(conn, asset_id)
        await record(conn, principal, ENTITY, asset_id, "delete", before, None)


router = Router(
    path="/api/v1/assets",
    route_handlers=[list_assets, get_asset_by_tag, get_asset, asset_history, create_asset,
                    update_asset, delete_asset],
    tags=["assets"],
    security=BEARER,
)
