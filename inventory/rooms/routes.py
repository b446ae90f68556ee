"""Room routes: the rooms of the sites held by units in your scope."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery, Page, page_sql, paginate
from inventory.errors import NotFound
from inventory.history import queries as history
from inventory.history.record import begin_write, record
from inventory.openapi import BEARER, errors
from inventory.rooms import queries
from inventory.rooms.schemas import RoomCreate, RoomPatch, RoomPurpose, RoomRead
from inventory.sites import queries as sites
from inventory.versioning import check_version, etag, expected_version

ENTITY = "room"
WRITERS = (Role.ADMIN, Role.OFFICER)


def _read(row: asyncpg.Record) -> RoomRead:
    return RoomRead(**{k: row[k] for k in RoomRead.__struct_fields__})


async def _get(conn: asyncpg.Connection, principal: Principal, room_id: int,
               *, lock: bool = False) -> asyncpg.Record:
    row = await queries.fetch(conn, room_id, principal.unit_id, lock=lock)
    if row is None:
        raise NotFound(f"no room {room_id}")
    return row


def _respond(row: asyncpg.Record, status: int = 200) -> Response[RoomRead]:
    return Response(_read(row), status_code=status, headers={"ETag": etag(row["version"])})


@get("/", guards=[allow(*READERS)], responses=errors())
async def list_rooms(
    conn: Conn, principal: Me,
    site_id: FromQuery[int | None] = None,
    holder_unit_id: FromQuery[int | None] = None,
    purpose: FromQuery[RoomPurpose | None] = None,
    q: Annotated[str | None, QueryParameter(description="name, diacritics ignored")] = None,
    sort: FromQuery[str] = "name",
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> Page[RoomRead]:
    """Rooms of the sites held by units in your scope."""
    query = ListQuery()
    query.add(in_scope("s.holder_unit_id", "{}"), principal.unit_id)
    if site_id is not None:
        query.add("r.site_id = {}", site_id)
    if holder_unit_id is not None:
        query.add("s.holder_unit_id = {}", holder_unit_id)
    if purpose is not None:
        query.add("r.purpose = {}", purpose.value)
    if q:
        query.add("inventory_fold(r.name) LIKE '%' || inventory_fold({}) || '%'", q)
    sql = page_sql(query, queries.LIST, sort, queries.SORT_KEYS, cursor, limit, "r.id")
    return paginate(await conn.fetch(sql, *query.params), limit, _read)


@get("/{room_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_room(conn: Conn, principal: Me, room_id: FromPath[int]) -> Response[RoomRead]:
    """One room; its ETag is the version to send back in If-Match."""
    return _respond(await _get(conn, principal, room_id))


@get("/{room_id:int}/history", guards=[allow(*READERS)], responses=errors(404))
async def room_history(conn: Conn, principal: Me, room_id: FromPath[int]
                       ) -> list[history.EventRead]:
    """Every recorded change to the room, oldest first."""
    await _get(conn, principal, room_id)
    return await history.for_entity(conn, ENTITY, room_id)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED,
      responses=errors(409, 413, 422))
async def create_room(conn: Conn, principal: Me, data: JSONBody[RoomCreate]
                      ) -> Response[RoomRead]:
    """Add a room to a site in your scope."""
    async with conn.transaction():
        await begin_write(conn, principal)
        await sites.require(conn, principal, data.site_id, "site_id")
        room_id = await crud.insert(conn, "rooms", crud.given_fields(data))
        row = await _get(conn, principal, room_id)
        await record(conn, principal, ENTITY, room_id, "create", None, row)
    return _respond(row, HTTP_201_CREATED)


@patch("/{room_id:int}", guards=[allow(*WRITERS)],
       responses=errors(404, 409, 412, 422, 428))
async def update_room(request: Request, conn: Conn, principal: Me,
                      room_id: FromPath[int], data: JSONBody[RoomPatch]) -> Response[RoomRead]:
    """Change a room in your scope (another site only while it is empty); needs If-Match."""
    version = expected_version(request)
    values = crud.given_fields(data)
    async with conn.transaction():
        await begin_write(conn, principal)
        before = await _get(conn, principal, room_id, lock=True)
        check_version(before["version"], version)
        await sites.require(conn, principal, values.get("site_id"), "site_id")
        await queries.update(conn, room_id, values)
        after = await _get(conn, principal, room_id)
        await record(conn, principal, ENTITY, room_id, "update", before, after)
    return _respond(after)


@delete("/{room_id:int}", guards=[allow(*WRITERS)], responses=errors(404, 409, 412, 428))
async def delete_room(request: Request, conn: Conn, principal: Me, room_id: FromPath[int]
                      ) -> None:
    """Remove a room that holds no assets; needs If-Match."""
    version = expected_version(request)
    async with conn.transaction():
        await begin_write(conn, principal)
        before = await _get(conn, principal, room_id, lock=True)
        check_version(before["version"], version)
        await queries.delete(conn, room_id)
        await record(conn, principal, ENTITY, room_id, "delete", before, None)


router = Router(
    path="/api/v1/rooms",
    route_handlers=[list_rooms, get_room, room_history, create_room, update_room, delete_room],
    tags=["rooms"],
    security=BEARER,
)
