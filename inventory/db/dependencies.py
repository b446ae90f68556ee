"""Request-scoped database access for route handlers."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import asyncpg
from litestar import Request
from litestar.di import NamedDependency

from inventory.db.pool import acquire


async def provide_conn(request: Request) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection per request, returned when the response is built."""
    pool: asyncpg.Pool = request.app.state.pool  # `state: State` would copy the state
    conn = await acquire(pool)
    try:
        yield conn
    finally:
        await pool.release(conn)


Conn = NamedDependency[asyncpg.Connection]
"""Handler parameter type for the request's connection: `conn: Conn`."""
