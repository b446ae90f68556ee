"""Category routes: reference data every signed-in user reads and only admins change."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Role
from inventory.categories import queries
from inventory.categories.schemas import CategoryCreate, CategoryPatch, CategoryRead, FormGroup
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery, Page, page_sql, paginate
from inventory.errors import NotFound
from inventory.history import queries as history
from inventory.history.record import begin_write, record
from inventory.openapi import BEARER, errors
from inventory.versioning import check_version, etag, expected_version

ENTITY = "category"


def _read(row: asyncpg.Record) -> CategoryRead:
    return CategoryRead(**{k: row[k] for k in CategoryRead.__struct_fields__})


async def _get(conn: asyncpg.Connection, category_id: int, *, lock: bool = False
               ) -> asyncpg.Record:
    row = await queries.fetch(conn, category_id, lock=lock)
    if row is None:
        raise NotFound(f"no category {category_id}")
    return row


def _respond(row: asyncpg.Record, status: int = 200) -> Response[CategoryRead]:
    return Response(_read(row), status_code=status, headers={"ETag": etag(row["version"])})


@get("/", guards=[allow(*READERS)], responses=errors())
async def list_categories(
    conn: Conn,
    form_group: FromQuery[FormGroup | None] = None,
    q: Annotated[str | None, QueryParameter(description="name or code, diacritics ignored")] = None,
    sort: FromQuery[str] = "code",
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> Page[CategoryRead]:
    """Asset categories."""
    query = ListQuery()
    if form_group is not None:
        query.add("form_group = {}", form_group.value)
    if q:
        query.add("(inventory_fold(name) LIKE '%' || inventory_fold({}) || '%' OR code = {})",
                  q, q)
    sql = page_sql(query, queries.LIST, sort, queries.SORT_KEYS, cursor, limit, "id")
    return paginate(await conn.fetch(sql, *query.params), limit, _read)


@get("/{category_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_category(conn: Conn, category_id: FromPath[int]) -> Response[CategoryRead]:
    """One category; its ETag is the version to send back in If-Match."""
    return _respond(await _get(conn, category_id))


@get("/{category_id:int}/history", guards=[allow(*READERS)], responses=errors(404))
async def category_history(conn: Conn, category_id: FromPath[int]) -> list[history.EventRead]:
    """Every recorded change to the category, oldest first."""
    await _get(conn, category_id)
    return await history.for_entity(conn, ENTITY, category_id)


@post("/", guards=[allow(Role.ADMIN)], status_code=HTTP_201_CREATED,
      responses=errors(409, 413, 422))
async def create_category(conn: Conn, principal: Me, data: JSONBody[CategoryCreate]
                          ) -> Response[CategoryRead]:
    """Add a category (admin)."""
    async with conn.transaction():
        await begin_write(conn, principal)
        category_id = await crud.insert(conn, "categories", crud.given_fields(data))
        row = await _get(conn, category_id)
        await record(conn, principal, ENTITY, category_id, "create", None, row)
    return _respond(row, HTTP_201_CREATED)


@patch("/{category_id:int}", guards=[allow(Role.ADMIN)],
       responses=errors(404, 409, 412, 422, 428))
async def update_category(request: Request, conn: Conn, principal: Me,
                          category_id: FromPath[int], data: JSONBody[CategoryPatch]
                          ) -> Response[CategoryRead]:
    """Change a category (admin); needs If-Match."""
    version = expected_version(request)
    async with conn.transaction():
        await begin_write(conn, principal)
        before = await _get(conn, category_id, lock=True)
        check_version(before["version"], version)
        await crud.update(conn, "categories", category_id, crud.given_fields(data))
        after = await _get(conn, category_id)
        await record(conn, principal, ENTITY, category_id, "update", before, after)
    return _respond(after)


@delete("/{category_id:int}", guards=[allow(Role.ADMIN)],
        responses=errors(404, 409, 412, 428))
async def delete_category(request: Request, conn: Conn, principal: Me,
                          category_id: FromPath[int]) -> None:
    """Remove a category no asset uses (admin); needs If-Match."""
    version = expected_version(request)
    async with conn.transaction():
        await begin_write(conn, principal)
        before = await _get(conn, category_id, lock=True)
        check_version(before["version"], version)
        await queries.delete(conn, category_id)
        await record(conn, principal, ENTITY, category_id, "delete", before, None)


router = Router(
    path="/api/v1/categories",
    route_handlers=[list_categories, get_category, category_history, create_category,
                    update_category, delete_category],
    tags=["categories"],
    security=BEARER,
)
