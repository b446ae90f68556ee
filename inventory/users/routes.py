"""User routes: the accounts of your scope; admins create and change them."""

from __future__ import annotations

import asyncpg
from litestar import Request, Response, Router, get, patch, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts import queries as accounts
from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.passwords import hashed
from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.records import Records, held, reader
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, IfMatch, errors
from inventory.users import filters, queries
from inventory.users.schemas import UserCreate, UserPatch, UserRead
from inventory.versioning import expected_version

USERS = Records(
    "user", reader(UserRead), queries.GET, queries.GET_FOR_UPDATE, unit_of=held("unit_id")
)
USER_LIST = {"listing": filters.USERS.provide()}
SIGNS_OUT = ("active", "role", "unit_id")
"""Changes that end the account's browser sessions (its tokens can no longer write)."""


@get("/", guards=[allow(*READERS)], responses=errors(422), dependencies=USER_LIST)
async def list_users(conn: Conn, principal: Me, listing: Listed) -> Page[UserRead]:
    """Users whose unit is in your scope."""
    query = ListQuery()
    query.add(in_scope("unit_id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST, query, USERS.read)


@get("/{user_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_user(conn: Conn, principal: Me, user_id: PathId) -> Response[UserRead]:
    return USERS.respond(await USERS.get(conn, principal, user_id))


@get(
    "/{user_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def user_history(
    conn: Conn, principal: Me, user_id: PathId, listing: Listed
) -> Page[EventRead]:
    """Every recorded change to the account, oldest first."""
    return await USERS.history(conn, principal, user_id, listing)


@post(
    "/", guards=[allow(Role.ADMIN)], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422)
)
async def create_user(conn: Conn, principal: Me, data: JSONBody[UserCreate]) -> Response[UserRead]:
    """Create an account (admin). The password is stored only as an argon2 hash."""
    return await create(conn, principal, data)


async def create(
    conn: asyncpg.Connection, principal: Principal, data: UserCreate
) -> Response[UserRead]:
    """A new account (the API's POST and the user form's)."""
    password_hash = await hashed(data.password)  # before the write's transaction, not in it

    async def insert(_write: Write) -> int:
        await require_unit(conn, principal, data.unit_id, "unit_id")
        return await queries.create_user(
            conn,
            data.login,
            password_hash,
            data.role,
            data.unit_id,
            data.full_name,
            data.email,
        )

    return await USERS.create(conn, principal, insert)


@patch(
    "/{user_id:int}",
    operation_class=IfMatch,
    guards=[allow(Role.ADMIN)],
    responses=errors(404, 409, 412, 422, 428),
)
async def update_user(
    request: Request, conn: Conn, principal: Me, user_id: PathId, data: JSONBody[UserPatch]
) -> Response[UserRead]:
    """Change role, scope, name, password or disable an account (admin); needs If-Match."""
    return await update(conn, principal, user_id, expected_version(request), data)


async def update(
    conn: asyncpg.Connection,
    principal: Principal,
    user_id: int,
    version: int | None,
    data: UserPatch,
) -> Response[UserRead]:
    """The change of an account at `version` (the API's PATCH and the user form's)."""
    values = crud.given_fields(data)
    if "password" in values:
        values["password_hash"] = await hashed(values.pop("password"))

    async def change(_write: Write, before: asyncpg.Record) -> None:
        await require_unit(conn, principal, values.get("unit_id"), "unit_id")
        await crud.update(conn, "users", user_id, values)
        if any(field in values and values[field] != before[field] for field in SIGNS_OUT):
            # In the change's transaction: the browsers still signed in as the account
            # was hold its old role and scope in the session, so they end with it.
            await accounts.end_sessions(conn, user_id)

    return await USERS.update(conn, principal, user_id, version, change)


router = Router(
    path="/api/v1/users",
    route_handlers=[list_users, get_user, user_history, create_user, update_user],
    tags=["users"],
    security=BEARER,
)
