"""Request-scoped database access for route handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import asyncpg
from litestar import Request
from litestar.di import NamedDependency

from inventory.db.pool import ACQUIRE_TIMEOUT


async def provide_conn(request: Request) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection per request, returned when the response is built."""
    pool: asyncpg.Pool = request.app.state.pool  # `state: State` would copy the state
    # asyncio.timeout rather than acquire(timeout=...): asyncpg implements the
    # latter with wait_for, which spawns a task per request.
    async with asyncio.timeout(ACQUIRE_TIMEOUT):
        conn = await pool.acquire()
    try:
        yield conn
    finally:
        await pool.release(conn)


Conn = NamedDependency[asyncpg.Connection]
"""Handler parameter type for the request's connection: `conn: Conn`."""
