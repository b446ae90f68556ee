"""The asyncpg pool: one per process, created in the app's lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import asyncpg
import msgspec

from inventory.errors import DatabaseUnavailable

ACQUIRE_TIMEOUT = 5.0
COMMAND_TIMEOUT = 30.0


def _encode_json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(
            kind,
            encoder=_encode_json,
            decoder=msgspec.json.decode,
            schema="pg_catalog",
            format="text",
        )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Reset nothing beyond what asyncpg always does (roll back an open transaction).

    The app never changes session state outside a transaction (no SET, LISTEN,
    session advisory locks or open cursors), so the default reset query would
    be one more round trip on every request for nothing.
    """


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        command_timeout=COMMAND_TIMEOUT,
        init=_init_connection,
        reset=_keep_session,
        # Connections are recycled so a migration run beside a live pool does not
        # leave stale prepared statements behind for long (asyncpg#458).
        max_inactive_connection_lifetime=300,
    )


# What connecting to a database that is down, refusing or full raises.
_CONNECT_FAILURES = (
    OSError,  # refused, unreachable, or the embedded server's socket gone (FileNotFoundError)
    TimeoutError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.ObjectNotInPrerequisiteStateError,
    asyncpg.PostgresConnectionError,
)


async def acquire(pool: asyncpg.Pool) -> asyncpg.Connection:
    """A pooled connection, or DatabaseUnavailable (a 503) once ACQUIRE_TIMEOUT has passed
    or when the database cannot be reached."""
    # asyncio.timeout rather than acquire(timeout=...): asyncpg implements the
    # latter with wait_for, which spawns a task per request.
    try:
        async with asyncio.timeout(ACQUIRE_TIMEOUT):
            return await pool.acquire()
    except _CONNECT_FAILURES as exc:
        raise DatabaseUnavailable(str(exc) or type(exc).__name__) from exc


async def connect(dsn: str) -> asyncpg.Connection:
    """A single connection set up like the pool's, for commands and scripts."""
    conn = await asyncpg.connect(dsn, command_timeout=COMMAND_TIMEOUT)
    await _init_connection(conn)
    return conn


BROKEN = (
    OSError,
    TimeoutError,  # the command timed out: asyncpg is still cancelling it
    asyncio.CancelledError,  # the request was abandoned mid-query
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.InterfaceError,  # "another operation is in progress", "connection is closed"
    asyncpg.InternalClientError,  # "cannot switch to state ..."
)
"""Failures after which a connection may be mid-operation or dead: it is ended, not
pooled, else the next request to draw it would fail in its place."""


async def release(
    pool: asyncpg.Pool, conn: asyncpg.Connection, failed: BaseException | None
) -> None:
    """Give `conn` back to the pool, or end it first when `failed` may have broken it (the
    pool then opens a fresh one when next asked)."""
    if isinstance(failed, BROKEN):
        # A connection found closed was handed back already, and answers InterfaceError.
        with suppress(asyncpg.InterfaceError):
            conn.terminate()
    await pool.release(conn)


@asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """`async with connection(pool) as conn:` one pooled connection, as `acquire` gets it,
    given back as `release` gives it."""
    conn = await acquire(pool)
    failed: BaseException | None = None
    try:
        yield conn
    except BaseException as exc:
        failed = exc
        raise
    finally:
        await release(pool, conn, failed)
