"""Request-scoped database access for route handlers."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import asyncpg
from litestar import Request
from litestar.di import NamedDependency

from inventory.db.pool import acquire, release


async def provide_conn(request: Request) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection per request, returned when the response is built."""
    pool: asyncpg.Pool = request.app.state.pool  # `state: State` would copy the state
    conn = await acquire(pool)
    failed: BaseException | None = None
    try:
        yield conn
    except BaseException as exc:  # the handler's own, thrown in here by Litestar
        failed = exc
        raise
    finally:
        await release(pool, conn, failed)


Conn = NamedDependency[asyncpg.Connection]
"""Handler parameter type for the request's connection: `conn: Conn`."""
