"""Tag routes: reserve blank batches for a unit, claim a blank tag by scanning it, look a tag up."""

from __future__ import annotations

import asyncpg
from litestar import Router, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.scope import in_scope, require_unit
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery, Page, page_sql, paginate
from inventory.db.records import Records, reader
from inventory.history import queries as history
from inventory.history.record import begin_write, record
from inventory.openapi import BEARER, errors
from inventory.tags import claims, queries
from inventory.tags.claims import BATCH
from inventory.tags.codes import normalize
from inventory.tags.schemas import BatchCreate, BatchDetail, BatchRead, BatchTag, Claim, TagRead

# Batches are never changed in place: no row lock, no version.
BATCHES = Records(BATCH, reader(BatchRead), queries.GET_BATCH)


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
    async with conn.transaction():
        await begin_write(conn, principal)
        await require_unit(conn, principal, data.unit_id, "unit_id")
        batch_id = await queries.create_batch(
            conn, data.unit_id, data.size, principal.user_id, state.settings.tag_prefix
        )
        detail = await _detail(conn, await BATCHES.get(conn, principal, batch_id))
        await record(
            conn,
            principal,
            BATCH,
            batch_id,
            "create",
            None,
            await queries.batch_event(conn, batch_id),
        )
    return detail


@get("/batches", guards=[allow(*READERS)], responses=errors())
async def list_batches(
    conn: Conn,
    principal: Me,
    unit_id: FromQuery[int | None] = None,
    sort: FromQuery[str] = "-id",
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> Page[BatchRead]:
    """Batches of units in your scope, newest first, with how many of their tags are claimed."""
    query = ListQuery()
    query.add(in_scope("b.unit_id", "{}"), principal.unit_id)
    if unit_id is not None:
        query.add("b.unit_id = {}", unit_id)
    sql = page_sql(query, queries.LIST_BATCHES, sort, queries.SORT_KEYS, cursor, limit, "b.id")
    return paginate(await conn.fetch(sql, *query.params), limit, BATCHES.read)


@get("/batches/{batch_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_batch(conn: Conn, principal: Me, batch_id: FromPath[int]) -> BatchDetail:
    """One batch and its tags in printing order, each with the asset it was claimed for."""
    return await _detail(conn, await BATCHES.get(conn, principal, batch_id))


@get("/batches/{batch_id:int}/history", guards=[allow(*READERS)], responses=errors(404))
async def batch_history(
    conn: Conn, principal: Me, batch_id: FromPath[int]
) -> list[history.EventRead]:
    """The batch's reservation and every claim of one of its tags, oldest first."""
    return await BATCHES.history(conn, principal, batch_id)


@get("/{code:str}", guards=[allow(*READERS)], responses=errors(404))
async def get_tag(conn: Conn, principal: Me, code: FromPath[str]) -> TagRead:
    """Where a tag stands, as typed or scanned (case and look-alikes forgiven)."""
    return await claims.lookup(conn, principal, normalize(code))


@post(
    "/{code:str}/claim",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 413, 422),
)
async def claim_tag(
    conn: Conn, principal: Me, code: FromPath[str], data: JSONBody[Claim]
) -> TagRead:
    """Bind a blank tag of your unit: to an untagged asset of that unit, or to a new asset."""
    return await claims.claim(conn, principal, normalize(code), data)


router = Router(
    path="/api/v1/tags",
    route_handlers=[create_batch, list_batches, get_batch, batch_history, get_tag, claim_tag],
    tags=["tags"],
    security=BEARER,
)
