"""Browser sessions, kept server-side in PostgreSQL and written only when they change.

Litestar's server-side backend stores the session on every answer, so every page view
was a write (and a visitor who never signed in got a session row per page). This one
writes at sign-in and sign-out only: a session lasts INVENTORY_SESSION_TTL from signing
in (its end is in its data too, `guards.session_principal`), and reading a page reads
it, no more. Disabling an account or changing its role or unit deletes its sessions
(`accounts.queries.end_sessions`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session.base import SessionMiddleware
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession

from inventory.errors import is_outage

_LOADED = "inventory.session_loaded"
"""Where the session as it was read waits in the scope, to compare the outgoing one with."""


class _Backend(ServerSideSessionBackend):
    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope[_LOADED] = self.serialize_data(data, connection.scope) if data else None  # type: ignore[typeddict-unknown-key]
        return data

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        if scope_session is not Empty:
            loaded = connection.scope.get(_LOADED)
            if not scope_session and loaded is None:
                return  # nobody signed in: nothing to keep
            unchanged = loaded == self.serialize_data(scope_session, connection.scope)
            if unchanged and connection.cookies.get(self.config.key):
                return  # the row and the browser's cookie stand as they are
        await super().store_in_message(scope_session, message, connection)


class _Middleware(SessionMiddleware):
    """Litestar's, but a session that cannot be saved answers as the database being down
    does (a 503 page with Retry-After) instead of failing after the answer has started,
    which the server could only turn into a bare text/plain 500."""

    def create_send_wrapper(
        self, connection: ASGIConnection
    ) -> Callable[[Message], Awaitable[None]]:
        send = super().create_send_wrapper(connection)
        replaced = False

        async def wrapped_send(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return  # the body of the answer the session save has replaced
            try:
                await send(message)
            except Exception as exc:
                if message["type"] != "http.response.start" or not is_outage(exc):
                    raise
                replaced = True
                await _answer(connection, exc)

        return wrapped_send


async def _answer(connection: ASGIConnection, exc: Exception) -> None:
    """Answer `exc` as the app's own exception handlers answer it (a page for a page)."""
    scope = connection.scope
    handlers: Any = scope["litestar_app"].exception_handlers
    handler = next(handlers[kind] for kind in type(exc).__mro__ if kind in handlers)
    request: Request[Any, Any, Any] = Request(scope, connection.receive, connection.send)
    response = handler(request, exc)
    await response.to_asgi_response(app=None, request=request)(
        scope, connection.receive, connection.send
    )


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = _Backend

    @property
    def middleware(self) -> DefineMiddleware:
        return DefineMiddleware(_Middleware, backend=self._backend_class(config=self))
