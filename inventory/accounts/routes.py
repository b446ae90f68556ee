"""Account routes: bearer tokens for API clients, and user management."""

from __future__ import annotations

import asyncpg
from litestar import Request, Response, Router, get, patch, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts import queries, tokens
from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.passwords import hash_password
from inventory.accounts.principal import Principal, Role
from inventory.accounts.schemas import TokenRead, TokenRequest, UserCreate, UserPatch, UserRead
from inventory.accounts.scope import in_scope, require_unit
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery, Page, page_sql, paginate
from inventory.db.records import Records, reader
from inventory.history import queries as history
from inventory.openapi import BEARER, errors
from inventory.versioning import expected_version

USERS = Records("user", reader(UserRead), queries.GET, queries.GET_FOR_UPDATE)


@post("/token", responses=errors(), security=[], status_code=200)
async def issue_token(conn: Conn, state: State, data: JSONBody[TokenRequest]) -> TokenRead:
    """Exchange a login and password for a bearer token."""
    principal = await queries.authenticate(conn, data.login, data.password)
    if principal is None:
        raise NotAuthorizedException("wrong login or password")
    settings = state.settings
    token, expires = tokens.issue(principal, settings.secret_key, settings.token_ttl_seconds)
    return TokenRead(access_token=token, token_type="Bearer", expires_at=expires)


@get("/me", guards=[allow(*READERS)], responses=errors(), security=BEARER)
async def whoami(principal: Me) -> Principal:
    """The signed-in caller, as the token names them."""
    return principal


@get("/", guards=[allow(*READERS)], responses=errors(422))
async def list_users(
    conn: Conn,
    principal: Me,
    role: FromQuery[Role | None] = None,
    unit_id: FromQuery[int | None] = None,
    sort: FromQuery[str] = "login",
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> Page[UserRead]:
    """Users whose unit is in your scope."""
    query = ListQuery()
    query.add(in_scope("unit_id", "{}"), principal.unit_id)
    if role is not None:
        query.add("role = {}", role.value)
    if unit_id is not None:
        query.add("unit_id = {}", unit_id)
    sql = page_sql(query, queries.LIST, sort, queries.SORT_KEYS, cursor, limit, "id")
    return paginate(await conn.fetch(sql, *query.params), limit, USERS.read)


@get("/{user_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_user(conn: Conn, principal: Me, user_id: FromPath[int]) -> Response[UserRead]:
    return USERS.respond(await USERS.get(conn, principal, user_id))


@get("/{user_id:int}/history", guards=[allow(*READERS)], responses=errors(404))
async def user_history(
    conn: Conn, principal: Me, user_id: FromPath[int]
) -> list[history.EventRead]:
    return await USERS.history(conn, principal, user_id)


@post(
    "/", guards=[allow(Role.ADMIN)], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422)
)
async def create_user(conn: Conn, principal: Me, data: JSONBody[UserCreate]) -> Response[UserRead]:
    """Create an account (admin). The password is stored only as an argon2 hash."""

    async def insert() -> int:
        await require_unit(conn, principal, data.unit_id, "unit_id")
        return await queries.create_user(
            conn, data.login, hash_password(data.password), data.role, data.unit_id, data.full_name
        )

    return await USERS.create(conn, principal, insert)


@patch("/{user_id:int}", guards=[allow(Role.ADMIN)], responses=errors(404, 409, 412, 422, 428))
async def update_user(
    request: Request, conn: Conn, principal: Me, user_id: FromPath[int], data: JSONBody[UserPatch]
) -> Response[UserRead]:
    """Change role, scope, name, password or disable an account (admin); needs If-Match."""
    version = expected_version(request)
    values = crud.given_fields(data)
    if "password" in values:
        values["password_hash"] = hash_password(values.pop("password"))

    async def change(_before: asyncpg.Record) -> None:
        await require_unit(conn, principal, values.get("unit_id"), "unit_id")
        await crud.update(conn, "users", user_id, values)

    return await USERS.update(conn, principal, user_id, version, change)


auth_router = Router(path="/api/v1/auth", route_handlers=[whoami], tags=["auth"])
# Throttled by the app (accounts.throttle), which wraps this router.
sign_in_router = Router(path="/api/v1/auth", route_handlers=[issue_token], tags=["auth"])
users_router = Router(
    path="/api/v1/users",
    route_handlers=[list_users, get_user, user_history, create_user, update_user],
    tags=["users"],
    security=BEARER,
)
