"""Request-scoped database access for route handlers."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import asyncpg
from litestar.datastructures import State
from litestar.di import NamedDependency

from inventory.db.pool import ACQUIRE_TIMEOUT


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection per request, returned when the response is built."""
    async with state.pool.acquire(timeout=ACQUIRE_TIMEOUT) as conn:
        yield conn


Conn = NamedDependency[asyncpg.Connection]
"""Handler parameter type for the request's connection: `conn: Conn`."""
