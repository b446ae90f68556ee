"""Request-scoped database access for route handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import asyncpg
from litestar.datastructures import State
from litestar.di import NamedDependency

from inventory.db.pool import ACQUIRE_TIMEOUT


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection per request, returned when the response is built."""
    # asyncio.timeout rather than acquire(timeout=...): asyncpg implements the
    # latter with wait_for, which spawns a task per request.
    async with asyncio.timeout(ACQUIRE_TIMEOUT):
        conn = await state.pool.acquire()
    try:
        yield conn
    finally:
        await state.pool.release(conn)


Conn = NamedDependency[asyncpg.Connection]
"""Handler parameter type for the request's connection: `conn: Conn`."""
