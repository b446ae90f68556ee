"""Tag routes: reserve blank batches of tags for a unit, to print now and claim later."""

from __future__ import annotations

import asyncpg
from litestar import Router, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.records import Records, held, reader
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, errors
from inventory.tags import filters, queries
from inventory.tags.queries import BATCH
from inventory.tags.schemas import BatchCreate, BatchDetail, BatchRead, BatchTag

# Batches are never changed in place: no row lock, no version.
BATCHES = Records(BATCH, reader(BatchRead), queries.GET_BATCH, unit_of=held("unit_id"))
BATCH_LIST = {"listing": filters.BATCHES.provide()}


async def _detail(conn: asyncpg.Connection, row: asyncpg.Record) -> BatchDetail:
    tags = [BatchTag(**dict(t)) for t in await queries.batch_tags(conn, row["id"])]
    return BatchDetail(**{k: row[k] for k in BatchRead.__struct_fields__}, tags=tags)


@post(
    "/batches", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED, responses=errors(413, 422)
)
async def create_batch(
    conn: Conn, principal: Me, state: State, data: JSONBody[BatchCreate]
) -> BatchDetail:
    """Reserve blank tags for a unit in your scope, to print now and claim later."""
    return await reserve(conn, principal, state.settings.tag_prefix, data)


async def reserve(
    conn: asyncpg.Connection, principal: Principal, tag_prefix: str, data: BatchCreate
) -> BatchDetail:
    """A new batch of blank tags (the API's POST and the blank batches page's)."""
    async with Write(conn, principal) as write:
        await require_unit(conn, principal, data.unit_id, "unit_id")
        batch_id = await queries.create_batch(
            conn, data.unit_id, data.size, principal.user_id, tag_prefix
        )
        detail = await _detail(conn, await BATCHES.get(conn, principal, batch_id))
        event = await queries.batch_event(conn, batch_id)
        write.record(BATCH, batch_id, "create", None, event, unit_id=data.unit_id)
    return detail


@get("/batches", guards=[allow(*READERS)], responses=errors(), dependencies=BATCH_LIST)
async def list_batches(conn: Conn, principal: Me, listing: Listed) -> Page[BatchRead]:
    """Batches of units in your scope, newest first, with how many of their tags are claimed."""
    query = ListQuery()
    query.add(in_scope("b.unit_id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST_BATCHES, query, BATCHES.read)


@get("/batches/{batch_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_batch(conn: Conn, principal: Me, batch_id: PathId) -> BatchDetail:
    """One batch and its tags in printing order, each with the asset it was claimed for."""
    return await _detail(conn, await BATCHES.get(conn, principal, batch_id))


@get(
    "/batches/{batch_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def batch_history(
    conn: Conn, principal: Me, batch_id: PathId, listing: Listed
) -> Page[EventRead]:
    """The batch's reservation and every claim of one of its tags, oldest first."""
    return await BATCHES.history(conn, principal, batch_id, listing)


router = Router(
    path="/api/v1/tags",
    route_handlers=[create_batch, list_batches, get_batch, batch_history],
    tags=["tags"],
    security=BEARER,
)
