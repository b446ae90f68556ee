"""Browser sessions, kept server-side in PostgreSQL and written only when they change.

Litestar's server-side backend stores the session on every answer, so every page view
was a write (and a visitor who never signed in got a session row per page). This one
writes at sign-in and sign-out only: a session lasts INVENTORY_SESSION_TTL from signing
in, and reading a page reads it, no more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession

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


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = _Backend
