"""The steps every table's routes share: read a row in the caller's scope, answer with it,
and create, change or remove it with the change recorded in history.

Each domain declares one `Records` in its routes module and keeps to itself what is
its own: its SQL, its reference checks, its filters. Changes run in one transaction:
`begin_write`, the domain's work, the row read back, the history event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import asyncpg
import msgspec
from litestar import Response
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.principal import Principal
from inventory.errors import NotFound
from inventory.history.queries import EventRead, for_entity
from inventory.history.record import begin_write, record
from inventory.versioning import check_version, etag

R = TypeVar("R")
S = TypeVar("S", bound=msgspec.Struct)


def reader(schema: type[S]) -> Callable[[asyncpg.Record], S]:
    """A `read` filling each field of `schema` from the row's column of the same name."""
    fields = schema.__struct_fields__

    def read(row: asyncpg.Record) -> S:
        return schema(**{k: row[k] for k in fields})

    return read


@dataclass(frozen=True, slots=True)
class Records(Generic[R]):
    """One table as its routes see it.

    `select` reads one row by id ($1) and, when `scoped`, only within the scope of
    the caller's unit ($2); `select_for_update` is the same with its row lock (None
    where the routes never change a row). That lock is FOR NO KEY UPDATE: a plain FOR
    UPDATE also blocks the KEY SHARE that checking a foreign key takes, so an admin
    editing a user and that user's own write (its event names its actor) deadlock.
    `entity` names the rows in history and, with `_` read as a space, in "not found"
    answers.

    `update` and `delete` take the version the handler got from If-Match
    (`expected_version`, None for `*`) before preparing anything, so a request that is
    bound to fail costs no work such as a password hash.
    """

    entity: str
    read: Callable[[asyncpg.Record], R]
    select: str
    select_for_update: str | None = None
    scoped: bool = True

    async def get(
        self,
        conn: asyncpg.Connection,
        principal: Principal | None,
        row_id: int,
        *,
        lock: bool = False,
    ) -> asyncpg.Record:
        """The row, or 404; `principal` may be None only for an unscoped table."""
        sql = self.select_for_update if lock else self.select
        assert sql is not None, f"{self.entity} rows are never locked"
        if self.scoped:
            assert principal is not None, f"{self.entity} rows are read in a caller's scope"
            row = await conn.fetchrow(sql, row_id, principal.unit_id)
        else:
            row = await conn.fetchrow(sql, row_id)
        if row is None:
            raise NotFound(f"no {self.entity.replace('_', ' ')} {row_id}")
        return row

    def respond(self, row: asyncpg.Record, status: int = 200) -> Response[R]:
        """The row with its version as ETag, for the client to send back in If-Match."""
        return Response(self.read(row), status_code=status, headers={"ETag": etag(row["version"])})

    async def history(
        self, conn: asyncpg.Connection, principal: Principal | None, row_id: int
    ) -> list[EventRead]:
        """Every recorded change to a row the caller may read, oldest first."""
        await self.get(conn, principal, row_id)
        return await for_entity(conn, self.entity, row_id)

    async def create(
        self, conn: asyncpg.Connection, principal: Principal, insert: Callable[[], Awaitable[int]]
    ) -> Response[R]:
        """Run `insert` (the domain's checks and INSERT, giving the new id); answer 201."""
        async with conn.transaction():
            await begin_write(conn, principal)
            row_id = await insert()
            row = await self.get(conn, principal, row_id)
            await record(conn, principal, self.entity, row_id, "create", None, row)
        return self.respond(row, HTTP_201_CREATED)

    async def update(
        self,
        conn: asyncpg.Connection,
        principal: Principal,
        row_id: int,
        version: int | None,
        change: Callable[[asyncpg.Record], Awaitable[None]],
    ) -> Response[R]:
        """Run `change` (the domain's checks and UPDATE) on the row as it was, if still
        at `version`; answer with the row as it is now.

        `crud.update` leaves a row that already holds the values alone, so an unchanged
        version means nothing changed: there is nothing to record either."""
        async with conn.transaction():
            before = await self._lock(conn, principal, row_id, version)
            await change(before)
            after = await self.get(conn, principal, row_id)
            if after["version"] != before["version"]:
                await record(conn, principal, self.entity, row_id, "update", before, after)
        return self.respond(after)

    async def delete(
        self,
        conn: asyncpg.Connection,
        principal: Principal,
        row_id: int,
        version: int | None,
        remove: Callable[[asyncpg.Connection, int], Awaitable[None]],
    ) -> None:
        """Run `remove` (the domain's DELETE, refusing rows still in use) if still at `version`."""
        async with conn.transaction():
            before = await self._lock(conn, principal, row_id, version)
            await remove(conn, row_id)
            await record(conn, principal, self.entity, row_id, "delete", before, None)

    async def _lock(
        self, conn: asyncpg.Connection, principal: Principal, row_id: int, version: int | None
    ) -> asyncpg.Record:
        await begin_write(conn, principal)
        before = await self.get(conn, principal, row_id, lock=True)
        check_version(before["version"], version)
        return before
