"""The write step: one transaction, the caller re-checked, and the history of every row it
changes, written with it.

Every change to the register goes through `Write`: the routes (through `api.records`),
the workflows, the command line and the demo loader. Events are kept in memory while the
transaction works and appended at its end, in one statement for any number of rows, each
to the chain of the unit whose record changed. Only then are the heads of those chains
locked, so writers of one unit wait on each other only for the last moment of a
transaction, and writers of different units never.

A request may add one step of its own to each of its writes' transactions, last before
COMMIT (`ON_COMMIT`): an Idempotency-Key is marked as used there, so that the key and the
change it stands for commit together or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import asyncpg
import msgspec
from asyncpg.transaction import Transaction

from inventory.accounts.principal import Principal
from inventory.accounts.queries import recheck, require_deployment_admin
from inventory.history.chain import DEPLOYMENT_CHAIN, GENESIS, event_hash

# Columns that are derived from others, not part of what a record is.
_DERIVED = frozenset({"search", "sort_name"})
_NAME = re.compile(r"^[a-z][a-z_]*$")

LOCK_HEADS = """
SELECT chain, seq, hash, clock_timestamp() AS now FROM event_heads
WHERE chain = ANY($1::bigint[]) ORDER BY chain FOR UPDATE
"""
NEW_HEADS = """
INSERT INTO event_heads (chain, seq, hash)
SELECT chain, 0, $2 FROM unnest($1::bigint[]) AS c(chain) ON CONFLICT DO NOTHING
"""
APPEND = """
WITH appended AS (
    INSERT INTO events (chain, seq, at, actor_id, entity, entity_id, action, before, after,
                        prev_hash, hash)
    SELECT e.chain, e.seq, $3, $4, e.entity, e.entity_id, e.action, e.before::json,
           e.after::json, e.prev_hash, e.hash
    FROM unnest($1::bigint[], $2::bigint[], $5::text[], $6::bigint[], $7::text[], $8::text[],
                $9::text[], $10::bytea[], $11::bytea[])
         AS e(chain, seq, entity, entity_id, action, before, after, prev_hash, hash)
)
UPDATE event_heads h SET seq = v.seq, hash = v.hash
FROM unnest($12::bigint[], $13::bigint[], $14::bytea[]) AS v(chain, seq, hash)
WHERE h.chain = v.chain
"""


ON_COMMIT: ContextVar[Callable[[asyncpg.Connection], Awaitable[None]] | None] = ContextVar(
    "on_commit", default=None
)
"""What the request being answered runs in each of its writes' transactions, last before
COMMIT (set by api.idempotency); an exception there rolls the write back."""


def snapshot(row: Mapping[str, Any] | None) -> str | None:
    """A row as the JSON text its event keeps (derived columns left out)."""
    if row is None:
        return None
    return msgspec.json.encode({k: v for k, v in row.items() if k not in _DERIVED}).decode()


CHUNK = 5000
"""Events appended per statement, and rows read per fetch of a recorded query."""


@dataclass(frozen=True, slots=True)
class _Query:
    """Rows whose events are read at the end: (entity id, before, after) from SQL."""

    chain: int
    entity: str
    action: str
    sql: str
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Event:
    chain: int
    entity: str
    entity_id: int
    action: str
    before: str | None
    after: str | None


class Write:
    """`async with Write(conn, principal) as write:` the change, then `write.record(...)`.

    The caller (None for the command line and the demo, which have the database itself)
    must still be active with the role and unit their token or session carries. An
    exception inside the block rolls everything back, events included.
    """

    def __init__(self, conn: asyncpg.Connection, principal: Principal | None) -> None:
        self.conn = conn
        self.principal = principal
        self._events: list[_Event | _Query] = []
        self._transaction: Transaction | None = None

    async def __aenter__(self) -> Self:
        self._transaction = self.conn.transaction()
        await self._transaction.start()
        try:
            if self.principal is not None:
                await recheck(self.conn, self.principal)
        except BaseException:
            await self._transaction.rollback()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._transaction is not None
        if exc_type is not None:
            await self._transaction.rollback()
            return
        try:
            await self._append()
            if (step := ON_COMMIT.get()) is not None:
                await step(self.conn)
        except BaseException:
            await self._transaction.rollback()
            raise
        await self._transaction.commit()

    def record(
        self,
        entity: str,
        entity_id: int,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        *,
        unit_id: int | None,
    ) -> None:
        """Keep the event of one row's change; `unit_id` names its chain (None: the
        deployment's, for records of no unit)."""
        self.record_json(entity, entity_id, action, snapshot(before), snapshot(after), unit_id)

    def record_json(
        self,
        entity: str,
        entity_id: int,
        action: str,
        before: str | None,
        after: str | None,
        unit_id: int | None,
    ) -> None:
        """As `record`, with the JSON texts already made (bulk writes make them in SQL)."""
        if not (_NAME.match(entity) and _NAME.match(action)):
            raise ValueError(f"entity and action are lower-case names: {entity!r} {action!r}")
        chain = DEPLOYMENT_CHAIN if unit_id is None else unit_id
        self._events.append(_Event(chain, entity, entity_id, action, before, after))

    def record_rows(
        self,
        entity: str,
        action: str,
        rows: Iterable[tuple[int, str | None, str | None, int | None]],
    ) -> None:
        """Keep the events of many rows at once: (entity id, before, after, unit) with
        JSON texts, for bulk changes that read their rows back as JSON in one query."""
        for entity_id, before, after, unit_id in rows:
            self.record_json(entity, entity_id, action, before, after, unit_id)

    def record_query(
        self, entity: str, action: str, sql: str, *args: Any, unit_id: int | None
    ) -> None:
        """Keep the events of the rows `sql` reads at the end of the transaction, each
        (entity id, before, after) as JSON texts, all of one unit's chain: read and appended
        a chunk at a time, so a bulk change of any size never sits in memory."""
        if not (_NAME.match(entity) and _NAME.match(action)):
            raise ValueError(f"entity and action are lower-case names: {entity!r} {action!r}")
        chain = DEPLOYMENT_CHAIN if unit_id is None else unit_id
        self._events.append(_Query(chain, entity, action, sql, args))

    async def _append(self) -> None:
        if not self._events:
            return
        chains = sorted({e.chain for e in self._events})
        # What joins the deployment's chain is every unit's (categories, norms, settings):
        # whichever route wrote it, only an admin of the province may.
        if self.principal is not None and DEPLOYMENT_CHAIN in chains:
            await require_deployment_admin(self.conn, self.principal)
        heads = await self.conn.fetch(LOCK_HEADS, chains)
        if len(heads) < len(chains):
            await self.conn.execute(NEW_HEADS, chains, GENESIS)
            heads = await self.conn.fetch(LOCK_HEADS, chains)
        at = heads[0]["now"]
        actor = self.principal.user_id if self.principal else None
        state = {h["chain"]: (h["seq"], h["hash"]) for h in heads}
        columns: list[list[Any]] = [[] for _ in range(9)]

        def add(
            chain: int,
            entity: str,
            entity_id: int,
            action: str,
            before: str | None,
            after: str | None,
        ) -> None:
            seq, prev = state[chain]
            seq += 1
            digest = event_hash(
                prev, chain, seq, at, actor, entity, entity_id, action, before, after
            )
            state[chain] = (seq, digest)
            for column, value in zip(
                columns,
                (chain, seq, entity, entity_id, action, before, after, prev, digest),
                strict=True,
            ):
                column.append(value)

        async def flush(last: bool) -> None:
            if not (last or columns[0]):
                return
            chain_ids = list(state) if last else []
            await self.conn.execute(
                APPEND,
                columns[0],
                columns[1],
                at,
                actor,
                *columns[2:],
                chain_ids,
                [state[c][0] for c in chain_ids],
                [state[c][1] for c in chain_ids],
            )
            for column in columns:
                column.clear()

        for e in self._events:
            if isinstance(e, _Event):
                add(e.chain, e.entity, e.entity_id, e.action, e.before, e.after)
                if len(columns[0]) >= CHUNK:
                    await flush(last=False)
                continue
            cursor = await self.conn.cursor(e.sql, *e.args)
            while rows := await cursor.fetch(CHUNK):
                for entity_id, before, after in rows:
                    add(e.chain, e.entity, entity_id, e.action, before, after)
                await flush(last=False)
        await flush(last=True)
        self._events.clear()
