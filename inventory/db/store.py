"""A Litestar `Store` in PostgreSQL, behind sessions and rate limits.

Every worker and machine sees the same data, so the app stays stateless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Self

import asyncpg
from litestar.stores.base import NamespacedStore

from inventory.db.pool import ACQUIRE_TIMEOUT, connection
from inventory.errors import DatabaseUnavailable

SWEEP_SECONDS = 600.0


def live(namespace: str, key: str) -> str:
    """A WHERE clause finding the unexpired row of `namespace` and `key` (SQL parameters)."""
    return f"namespace = {namespace} AND key = {key} AND (expires_at IS NULL OR expires_at > now())"


READ = f"SELECT value FROM kv_store WHERE {live('$1', '$2')}"
logger = logging.getLogger(__name__)


def _seconds(expires_in: int | timedelta | None) -> float | None:
    if expires_in is None:
        return None
    return expires_in.total_seconds() if isinstance(expires_in, timedelta) else float(expires_in)


class PostgresStore(NamespacedStore):
    """Key-value rows in `kv_store`, expiring by timestamp; the pool is bound late."""

    def __init__(self, namespace: str = "litestar") -> None:
        self.namespace = namespace
        self.pool: asyncpg.Pool | None = None

    def with_namespace(self, namespace: str) -> Self:
        child = type(self)(f"{self.namespace}_{namespace}")
        child.pool = self.pool
        return child

    def bind(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def _run(self, method: str, sql: str, *args: object) -> object:
        """One statement on a pooled connection (DatabaseUnavailable if none can be had)."""
        if self.pool is None:
            raise RuntimeError("PostgresStore used before the app started")
        async with connection(self.pool) as conn:
            return await getattr(conn, method)(sql, *args, timeout=ACQUIRE_TIMEOUT)

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        await self._run(
            "execute",
            """
            INSERT INTO kv_store (namespace, key, value, expires_at)
            VALUES ($1, $2, $3, now() + make_interval(secs => $4))
            ON CONFLICT (namespace, key)
            DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
            """,
            self.namespace,
            key,
            data,
            _seconds(expires_in),
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        renew = _seconds(renew_for)
        if renew is not None:
            return await self._run(
                "fetchval",
                """
                UPDATE kv_store SET expires_at = now() + make_interval(secs => $3)
                WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > now())
                RETURNING value
                """,
                self.namespace,
                key,
                renew,
            )
        return await self._run("fetchval", READ, self.namespace, key)

    async def delete(self, key: str) -> None:
        await self._run(
            "execute",
            "DELETE FROM kv_store WHERE namespace = $1 AND key = $2",
            self.namespace,
            key,
        )

    async def delete_all(self) -> None:
        # Child namespaces go too, as NamespacedStore promises.
        await self._run(
            "execute",
            "DELETE FROM kv_store WHERE namespace = $1 OR starts_with(namespace, $1 || '_')",
            self.namespace,
        )

    async def delete_expired(self) -> None:
        await self._run("execute", "DELETE FROM kv_store WHERE expires_at <= now()")

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        seconds = await self._run(
            "fetchval",
            "SELECT extract(epoch FROM expires_at - now())::int FROM kv_store"
            " WHERE namespace = $1 AND key = $2",
            self.namespace,
            key,
        )
        return seconds


async def sweep_expired(
    store: PostgresStore, also: Sequence[str] = (), every: float = SWEEP_SECONDS
) -> None:
    """Delete expired sessions (and what the `also` statements delete) at start, then
    now and then.

    Reads already ignore expired rows; this only keeps the tables small. Every worker
    runs it, which is harmless: the DELETEs are idempotent.
    """
    while True:
        try:
            await store.delete_expired()
            for statement in also:
                await store._run("execute", statement)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            logger.warning("could not delete expired rows; will retry", exc_info=True)
        except DatabaseUnavailable:
            logger.warning("the database is down: expired rows are deleted later")
        await asyncio.sleep(every)
