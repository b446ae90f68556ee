"""Room routes: the rooms of the sites held by units in your scope."""

from __future__ import annotations

import asyncpg
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.api.exports import export_routes
from inventory.api.records import Records, reader
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, IfMatch, errors
from inventory.rooms import export, filters, queries
from inventory.rooms.schemas import RoomCreate, RoomPatch, RoomRead
from inventory.sites import queries as sites
from inventory.tags import queries as tags
from inventory.versioning import expected_version

ROOMS = Records("room", reader(RoomRead), queries.GET, queries.GET_FOR_UPDATE)
ROOM_LIST = {"listing": filters.ROOMS.provide()}


@get("/", guards=[allow(*READERS)], responses=errors(), dependencies=ROOM_LIST)
async def list_rooms(conn: Conn, principal: Me, listing: Listed) -> Page[RoomRead]:
    """Rooms of the sites held by units in your scope."""
    query = ListQuery()
    query.add(in_scope("s.holder_unit_id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST, query, ROOMS.read)


@get("/{room_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_room(conn: Conn, principal: Me, room_id: PathId) -> Response[RoomRead]:
    """One room; its ETag is the version to send back in If-Match."""
    return ROOMS.respond(await ROOMS.get(conn, principal, room_id))


@get(
    "/{room_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def room_history(
    conn: Conn, principal: Me, room_id: PathId, listing: Listed
) -> Page[EventRead]:
    """Every recorded change to the room, oldest first."""
    return await ROOMS.history(conn, principal, room_id, listing)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422))
async def create_room(
    state: State, conn: Conn, principal: Me, data: JSONBody[RoomCreate]
) -> Response[RoomRead]:
    """Add a room to a site in your scope; it gets its label's code (`tag`) from the
    deployment's tag sequence, like an asset, for life."""
    return await create(conn, principal, state.settings.tag_prefix, data)


async def create(
    conn: asyncpg.Connection, principal: Principal, tag_prefix: str, data: RoomCreate
) -> Response[RoomRead]:
    """A new room with its code (the API's POST and the room form's)."""

    async def insert(_write: Write) -> int:
        await sites.require(conn, principal, data.site_id, "site_id")
        values = crud.given_fields(data)
        values["tag"] = await tags.next_code(conn, tag_prefix)
        return await crud.insert(conn, "rooms", values)

    return await ROOMS.create(conn, principal, insert)


@patch(
    "/{room_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 409, 412, 422, 428),
)
async def update_room(
    request: Request, conn: Conn, principal: Me, room_id: PathId, data: JSONBody[RoomPatch]
) -> Response[RoomRead]:
    """Change a room in your scope (another site only while it is empty); needs If-Match."""
    return await update(conn, principal, room_id, expected_version(request), data)


async def update(
    conn: asyncpg.Connection,
    principal: Principal,
    room_id: int,
    version: int | None,
    data: RoomPatch,
) -> Response[RoomRead]:
    """The change of a room at `version` (the API's PATCH and the room form's)."""
    values = crud.given_fields(data)

    async def change(_write: Write, _before: asyncpg.Record) -> None:
        await sites.require(conn, principal, values.get("site_id"), "site_id")
        await queries.update(conn, room_id, values)

    return await ROOMS.update(conn, principal, room_id, version, change)


@delete(
    "/{room_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 409, 412, 428),
)
async def delete_room(request: Request, conn: Conn, principal: Me, room_id: PathId) -> None:
    """Remove a room that holds no assets; needs If-Match."""
    await ROOMS.delete(conn, principal, room_id, expected_version(request), queries.delete)


router = Router(
    path="/api/v1/rooms",
    route_handlers=[
        *export_routes(export.ROOMS, READERS, "The room list"),
        list_rooms,
        get_room,
        room_history,
        create_room,
        update_room,
        delete_room,
    ],
    tags=["rooms"],
    security=BEARER,
)
