"""Request-scoped database access for route handlers."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import asyncpg
from litestar import Request
from litestar.di import NamedDependency

from inventory.db.pool import acquire, release


def checked() -> None:
    """Nothing: the dependency `provide_conn` waits for, so that it comes after the others.

    Litestar resolves dependencies of one depth together and, if one of them fails (a list
    parameter refused, a label option), loses the clean-up of those already made: the
    connection stayed out of the pool until the garbage collector ran, and a few such
    requests exhausted it. One depth down, it is taken only once the others are made.
    """


async def provide_conn(
    request: Request, checked: NamedDependency[None]
) -> AsyncGenerator[asyncpg.Connection, None]:
    """One pooled connection per request, returned when the response is built."""
    del checked
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
