"""Category routes: reference data every signed-in user reads and only admins change."""

from __future__ import annotations

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, Me, allow, deployment_admin
from inventory.api.records import Records, reader
from inventory.categories import filters, queries
from inventory.categories.schemas import CategoryCreate, CategoryPatch, CategoryRead
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.openapi import BEARER, IfMatch, errors
from inventory.versioning import expected_version

# The same for every unit: read without a caller, so without a scope; its history is
# the deployment's.
CATEGORIES = Records(
    "category",
    reader(CategoryRead),
    queries.GET,
    queries.GET_FOR_UPDATE,
    scoped=False,
    unit_of=lambda _row: None,
)
CATEGORY_LIST = {"listing": filters.CATEGORIES.provide()}


@get("/", guards=[allow(*READERS)], responses=errors(), dependencies=CATEGORY_LIST)
async def list_categories(conn: Conn, listing: Listed) -> Page[CategoryRead]:
    """Asset categories."""
    return await listing.page(conn, queries.LIST, ListQuery(), CATEGORIES.read)


@get("/{category_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_category(conn: Conn, category_id: PathId) -> Response[CategoryRead]:
    """One category; its ETag is the version to send back in If-Match."""
    return CATEGORIES.respond(await CATEGORIES.get(conn, None, category_id))


@get(
    "/{category_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def category_history(conn: Conn, category_id: PathId, listing: Listed) -> Page[EventRead]:
    """Every recorded change to the category, oldest first."""
    return await CATEGORIES.history(conn, None, category_id, listing)


@post(
    "/", guards=[deployment_admin()], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422)
)
async def create_category(
    conn: Conn, principal: Me, data: JSONBody[CategoryCreate]
) -> Response[CategoryRead]:
    """Add a category (admin)."""
    return await CATEGORIES.create(
        conn, principal, lambda _write: crud.insert(conn, "categories", crud.given_fields(data))
    )


@patch(
    "/{category_id:int}",
    operation_class=IfMatch,
    guards=[deployment_admin()],
    responses=errors(404, 409, 412, 422, 428),
)
async def update_category(
    request: Request,
    conn: Conn,
    principal: Me,
    category_id: PathId,
    data: JSONBody[CategoryPatch],
) -> Response[CategoryRead]:
    """Change a category (admin); needs If-Match."""
    return await CATEGORIES.update(
        conn,
        principal,
        category_id,
        expected_version(request),
        lambda _write, _before: crud.update(
            conn, "categories", category_id, crud.given_fields(data)
        ),
    )


@delete(
    "/{category_id:int}",
    operation_class=IfMatch,
    guards=[deployment_admin()],
    responses=errors(404, 409, 412, 428),
)
async def delete_category(request: Request, conn: Conn, principal: Me, category_id: PathId) -> None:
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
