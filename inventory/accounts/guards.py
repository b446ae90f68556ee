"""Who may call a route: authentication from a bearer token or session, roles by guard.

Unit scope is not checked here but inside every query (`unit_scope`), so a
forgotten guard still cannot leak another unit's row.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from inventory.accounts import queries, tokens
from inventory.accounts.principal import Principal, Role
from inventory.db.dependencies import Conn
from inventory.db.pool import connection as pooled
from inventory.errors import Unauthorized

Guard = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]
SESSION_KEY = "principal"
"""Where the session keeps the Principal (`queries.END_SESSIONS` finds users by it)."""
SESSION_COOKIE = "inventory_session"
"""The session cookie, as the app's ServerSideSessionConfig names it."""
ACCOUNT_CHANGED = "this account was disabled, or its role or unit changed: sign in again"
READERS = (Role.ADMIN, Role.OFFICER, Role.AUDITOR, Role.LEADER)
WRITERS = (Role.ADMIN, Role.OFFICER)
"""Roles that change the register (sites, rooms, assets, tags) within their scope."""


def bearer(scope: Scope) -> str | None:
    """The bearer token of the request's first Authorization header, if it is one."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            kind, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if kind.lower() == "bearer" else None
    return None


def session_principal(data: Any) -> Principal | None:
    """The Principal of a session's data, or None if there is none or it is past its
    absolute lifetime (`exp`, set at sign-in): a session ends INVENTORY_SESSION_TTL after
    signing in however it is used, and one from before `exp` was kept ends at once."""
    principal = data.get(SESSION_KEY) if isinstance(data, dict) else None
    if not principal:
        return None
    signed_in = Principal(**principal)
    return signed_in if signed_in.exp > time.time() else None


def authentication_middleware(app: ASGIApp) -> ASGIApp:
    """Put the caller's Principal (or None) in scope["user"].

    The API takes bearer tokens only, so cross-site requests cannot ride on a
    browser cookie; pages use the server-side session, protected by CSRF tokens. A
    token's account must still stand as the token says (`standing`): a session ends with
    the account's change, a token is refused from then on.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            principal: Principal | None = None
            token = bearer(scope)
            if token is not None:
                state = scope["litestar_app"].state
                principal = tokens.verify(token, state.settings.secret_key)
                if principal is not None and not await state.standing.holds(state.pool, principal):
                    raise Unauthorized(ACCOUNT_CHANGED)
            elif not scope["path"].startswith("/api/"):
                principal = session_principal(scope.get("session"))
            scope["user"] = principal
        await app(scope, receive, send)

    return middleware


def allow(*roles: Role) -> Guard:
    """A guard admitting signed-in users whose role is one of `roles`."""
    allowed = frozenset(roles)

    # Async on purpose: Litestar runs a sync guard in a worker thread, which
    # costs more than the whole check.
    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal = connection.scope.get("user")
        if principal is None:
            raise NotAuthorizedException(
                "sign in first: send 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": 'Bearer realm="inventory"'},
            )
        if principal.role not in allowed:
            raise PermissionDeniedException(f"the {principal.role} role may not do this")

    return guard


def deployment_admin() -> Guard:
    """A guard admitting admins of a unit at the top (the province) only: for the routes
    that change what every unit shares (categories and their wear rates, norms).

    The write step refuses the same from anyone else whatever the route
    (`history.write.Write`); this says so before the body is read."""
    admins = allow(Role.ADMIN)

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        await admins(connection, handler)
        async with pooled(connection.app.state.pool) as conn:
            top = await queries.at_top(conn, connection.scope["user"].unit_id)
        if not top:
            raise PermissionDeniedException(queries.DEPLOYMENT_ONLY)

    return guard


def current_principal(scope: Scope, conn: Conn) -> Principal:
    """Dependency: the caller (the route's guard has made sure there is one).

    It takes `conn` only to be resolved after it: Litestar resolves dependencies
    of the same depth concurrently in an anyio task group, which costs more per
    request than the whole authentication.
    """
    del conn
    principal = scope.get("user")
    if principal is None:
        raise NotAuthorizedException("sign in first")
    return principal


Me = NamedDependency[Principal]
"""Handler parameter type for the caller: `principal: Me`."""
