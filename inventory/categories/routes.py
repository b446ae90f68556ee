"""Category routes: reference data every signed-in user reads and only admins change."""

from __future__ import annotations

from typing import Annotated

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
from inventory.db.records import Records, reader
from inventory.history import queries as history
from inventory.openapi import BEARER, errors
from inventory.versioning import expected_version

# The same for every unit: read without a caller, so without a scope.
CATEGORIES = Records(
    "category", reader(CategoryRead), queries.GET, queries.GET_FOR_UPDATE, scoped=False
)


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
        query.add("(inventory_fold(name) LIKE '%' || inventory_fold({}) || '%' OR code = {})", q, q)
    sql = page_sql(query, queries.LIST, sort, queries.SORT_KEYS, cursor, limit, "id")
    return paginate(await conn.fetch(sql, *query.params), limit, CATEGORIES.read)


@get("/{category_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_category(conn: Conn, category_id: FromPath[int]) -> Response[CategoryRead]:
    """One category; its ETag is the version to send back in If-Match."""
    return CATEGORIES.respond(await CATEGORIES.get(conn, None, category_id))


@get("/{category_id:int}/history", guards=[allow(*READERS)], responses=errors(404))
async def category_history(conn: Conn, category_id: FromPath[int]) -> list[history.EventRead]:
    """Every recorded change to the category, oldest first."""
    return await CATEGORIES.history(conn, None, category_id)


@post(
    "/", guards=[allow(Role.ADMIN)], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422)
)
async def create_category(
    conn: Conn, principal: Me, data: JSONBody[CategoryCreate]
) -> Response[CategoryRead]:
    """Add a category (admin)."""
    return await CATEGORIES.create(
        conn, principal, lambda: crud.insert(conn, "categories", crud.given_fields(data))
    )


@patch("/{category_id:int}", guards=[allow(Role.ADMIN)], responses=errors(404, 409, 412, 422, 428))
async def update_category(
    request: Request,
    conn: Conn,
    principal: Me,
    category_id: FromPath[int],
    data: JSONBody[CategoryPatch],
) -> Response[CategoryRead]:
    """Change a category (admin); needs If-Match."""
    return await CATEGORIES.update(
        conn,
        principal,
        category_id,
        expected_version(request),
        lambda _before: crud.update(conn, "categories", category_id, crud.given_fields(data)),
    )


@delete("/{category_id:int}", guards=[allow(Role.ADMIN)], responses=errors(404, 409, 412, 428))
async def delete_category(
    request: Request, conn: Conn, principal: Me, category_id: FromPath[int]
) -> None:
    """Remove a category no asset uses (admin); needs If-Match."""
    await CATEGORIES.delete(conn, principal, category_id, expected_version(request), queries.delete)


router = Router(
    path="/api/v1/categories",
    route_handlers=[
        list_categories,
        get_category,
        category_history,
        create_category,
        update_category,
        delete_category,
    ],
    tags=["categories"],
    security=BEARER,
)
