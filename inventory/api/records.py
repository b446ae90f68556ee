"""The steps every table's routes share: read a row in the caller's scope, answer with it,
and create, change or remove it through the write step, its history recorded with it.

Each domain declares one `Records` in its routes module and keeps to itself what is
its own: its SQL, its reference checks, its filters.
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
from inventory.db.listing import ListParams, Page
from inventory.errors import InUse, NotFound
from inventory.history import queries as history
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.versioning import check_version, etag

R = TypeVar("R")
S = TypeVar("S", bound=msgspec.Struct)


def reader(schema: type[S]) -> Callable[[asyncpg.Record], S]:
    """A `read` filling each field of `schema` from the row's column of the same name."""
    fields = schema.__struct_fields__

    def read(row: asyncpg.Record) -> S:
        return schema(**{k: row[k] for k in fields})

    return read


def held(column: str) -> Callable[[asyncpg.Record], int | None]:
    """The unit whose history chain a row's events go to: the one in `column`."""
    return lambda row: row[column]


_HOLDER = held("holder_unit_id")


@dataclass(frozen=True, slots=True)
class Records(Generic[R]):
    """One table as its routes see it.

    `select` reads one row by id ($1) and, when `scoped`, only within the scope of
    the caller's unit ($2); `select_for_update` is the same with its row lock (None
    where the routes never change a row). That lock is FOR NO KEY UPDATE: a plain FOR
    UPDATE also blocks the KEY SHARE that checking a foreign key takes, so an admin
    editing a user and that user's own write (its event names its actor) deadlock.
    `entity` names the rows in history and, with `_` read as a space, in "not found"
    answers; `unit_of` gives the unit a row belongs to, whose chain its events join
    (None: the deployment's chain).

    `update` and `delete` take the version the handler got from If-Match
    (`expected_version`, None for `*`) before preparing anything, so a request that is
    bound to fail costs no work such as a password hash.
    """

    entity: str
    read: Callable[[asyncpg.Record], R]
    select: str
    select_for_update: str | None = None
    scoped: bool = True
    unit_of: Callable[[asyncpg.Record], int | None] = _HOLDER

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

    def recorded(
        self, write: Write, action: str, before: asyncpg.Record | None, after: asyncpg.Record | None
    ) -> None:
        """Keep the event of a change to one row of this table in `write`."""
        row = after if after is not None else before
        assert row is not None
        write.record(self.entity, row["id"], action, before, after, unit_id=self.unit_of(row))

    async def history(
        self,
        conn: asyncpg.Connection,
        principal: Principal | None,
        row_id: int,
        listing: ListParams,
    ) -> Page[EventRead]:
        """The recorded changes to a row the caller may read, oldest first, a page at a time."""
        await self.get(conn, principal, row_id)
        return await history.of_entity(conn, self.entity, row_id, listing)

    async def create(
        self,
        conn: asyncpg.Connection,
        principal: Principal,
        insert: Callable[[Write], Awaitable[int]],
    ) -> Response[R]:
        """Run `insert` (the domain's checks and INSERT, giving the new id); answer 201."""
        async with Write(conn, principal) as write:
            row_id = await insert(write)
            row = await self.get(conn, principal, row_id)
            self.recorded(write, "create", None, row)
        return self.respond(row, HTTP_201_CREATED)

    async def update(
        self,
        conn: asyncpg.Connection,
        principal: Principal,
        row_id: int,
        version: int | None,
        change: Callable[[Write, asyncpg.Record], Awaitable[None]],
    ) -> Response[R]:
        """Run `change` (the domain's checks and UPDATE) on the row as it was, if still
        at `version`; answer with the row as it is now.

        `crud.update` leaves a row that already holds the values alone, so an unchanged
        version means nothing changed: there is nothing to record either."""
        async with Write(conn, principal) as write:
            before = await self._lock(conn, principal, row_id, version)
            await change(write, before)
            after = await self.get(conn, principal, row_id)
            if after["version"] != before["version"]:
                self.recorded(write, "update", before, after)
        return self.respond(after)

    async def delete(
        self,
        conn: asyncpg.Connection,
        principal: Principal,
        row_id: int,
        version: int | None,
        remove: Callable[[asyncpg.Connection, int], Awaitable[None]],
    ) -> None:
        """Run `remove` (the domain's DELETE, refusing rows still in use) if still at `version`.

        The database refuses to delete a site, room or asset with history beyond its
        creation: DELETE is for records made by mistake; their history stays readable."""
        async with Write(conn, principal) as write:
            before = await self._lock(conn, principal, row_id, version)
            try:
                await remove(conn, row_id)
            except asyncpg.CheckViolationError as exc:
                if not (exc.constraint_name or "").endswith("_keep_history"):
                    raise
                raise InUse(
                    f"{self.entity} {row_id} has history: it stays registered; change its"
                    " status instead (DELETE is for records made by mistake)",
                    constraint=exc.constraint_name or "",
                ) from exc
            self.recorded(write, "delete", before, None)

    async def _lock(
        self, conn: asyncpg.Connection, principal: Principal, row_id: int, version: int | None
    ) -> asyncpg.Record:
        before = await self.get(conn, principal, row_id, lock=True)
        check_version(before["version"], version)
        return before
