"""Job kinds: what a domain registers, and `enqueue`, which starts a job of one.

A domain module registers its kinds when it is imported::

    @register("imports.assets", files=("text/csv",))
    async def import_assets(ctx: Context, params: dict[str, Any]) -> Result:
        rows = await ctx.conn.fetch(...)            # read within ctx.scope_unit_id
        for done, row in enumerate(rows, 1):
            ...
            ctx.progress(done, len(rows))           # cheap: written at most twice a second
        return Result(content, "text/csv", "assets.csv")

and adds itself to `KIND_MODULES`, which the worker imports. A route enqueues in its own
transaction, so that the job exists if and only if the request's writes commit::

    job_id = await enqueue(conn, "imports.assets", principal, principal.unit_id, params)

A handler that raises fails its job: the exception's text is what users see, the
traceback goes to the worker's log. A handler is not retried after an error; a job
whose worker died (killed, machine lost) is run again from the start by the next one.

Two lighter kinds of background work have no `jobs` row, because nobody follows them
on a page: a **task** (`register_task`, `enqueue_task`: an e-mail, say) is pgqueuer's
job alone, retried with a growing delay when its handler raises, up to its attempts;
a **schedule** (`register_schedule`) runs on a cron expression, once across all
workers (pgqueuer's scheduler).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NamedTuple

import asyncpg
import msgspec

from inventory.accounts.principal import Principal
from inventory.jobs import queries
from inventory.settings import Settings

KIND_MODULES = (
    "inventory.printing.jobs",
    "inventory.notifications.mail",
    "inventory.compliance.reminders",
    "inventory.handovers.files",
    "inventory.imports.jobs",
)
"""Modules registering job kinds, tasks and schedules: the worker imports them, so every
one is known there."""
PROGRESS_INTERVAL = 0.5
"""Seconds between two progress writes of one job, however often it reports."""


class Result(NamedTuple):
    """A job's result file, kept in the database and downloaded from /api/v1/jobs/{id}/result."""

    content: bytes
    media_type: str
    file_name: str


class Context:
    """What a handler gets besides its params: the job, a connection, and progress.

    `conn` is the handler's own pooled connection (set up as the app's: jsonb as Python
    values) for the whole run. `progress(done, total)` may be called from any thread
    (a render callback, say) and as often as wanted: it only notes the numbers, and the
    worker writes the latest ones every PROGRESS_INTERVAL seconds and at the end.
    `executor` is the worker's process pool for CPU work (spawned processes).
    """

    def __init__(
        self,
        *,
        job_id: int,
        kind: str,
        owner_id: int,
        scope_unit_id: int,
        attempt: int,
        conn: asyncpg.Connection,
        executor: Executor | None = None,
    ) -> None:
        self.job_id, self.kind, self.owner_id = job_id, kind, owner_id
        self.scope_unit_id, self.attempt = scope_unit_id, attempt
        self.conn, self.executor = conn, executor
        self._lock = threading.Lock()
        self._reported: tuple[int, int | None] | None = None
        self._written: tuple[int, int | None] | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        with self._lock:
            self._reported = (max(int(done), 0), None if total is None else max(int(total), 0))

    def pending(self) -> tuple[int, int | None] | None:
        """The progress reported since the last write, if any (for the worker)."""
        with self._lock:
            if self._reported is None or self._reported == self._written:
                return None
            return self._reported

    def wrote(self, progress: tuple[int, int | None]) -> None:
        """Note `progress` as stored: only once its write is done, so that a write cut off
        (the periodic one, cancelled as the job ends) is made again by the final one."""
        with self._lock:
            self._written = progress


Handler = Callable[[Context, dict[str, Any]], Awaitable[Result | None]]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    handler: Handler
    concurrency: int = 0  # jobs of this kind at once across all workers; 0: no limit
    files: tuple[str, ...] = ()  # the media types its results come in (the API says them)


@dataclass
class Registry:
    kinds: dict[str, Kind] = field(default_factory=dict)

    def register(
        self, name: str, *, concurrency: int = 0, files: tuple[str, ...] = ()
    ) -> Callable[[Handler], Handler]:
        """Decorator: `handler` runs the jobs of kind `name`, whose result files are of the
        media types `files`."""

        def add(handler: Handler) -> Handler:
            existing = self.kinds.get(name)
            if existing is not None and existing.handler is not handler:
                raise RuntimeError(f"job kind {name!r} is registered twice")
            self.kinds[name] = Kind(name, handler, concurrency, files)
            return handler

        return add

    def get(self, name: str) -> Kind | None:
        return self.kinds.get(name)

    def files(self) -> list[str]:
        """Every media type a job's result may have, of every kind registered."""
        return sorted({media_type for kind in self.kinds.values() for media_type in kind.files})


REGISTRY = Registry()
register = REGISTRY.register


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What a task's or schedule's handler gets: the worker's pool and settings, and for a
    task its run (1 for the first) and whether it is the last one allowed."""

    pool: asyncpg.Pool
    settings: Settings
    attempt: int = 1
    last: bool = True


TaskHandler = Callable[[TaskContext, str], Awaitable[None]]
ScheduleHandler = Callable[[TaskContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Task:
    name: str
    handler: TaskHandler
    attempts: int  # runs in all; after a failure the next waits 2, 4, 8 ... s (at most 5 min)


@dataclass(frozen=True, slots=True)
class Schedule:
    name: str
    cron: str
    handler: ScheduleHandler


TASKS: dict[str, Task] = {}
SCHEDULES: dict[str, Schedule] = {}


def register_task(name: str, *, attempts: int = 5) -> Callable[[TaskHandler], TaskHandler]:
    """Decorator: `handler(ctx, payload)` runs the tasks `name`; raising retries it."""

    def add(handler: TaskHandler) -> TaskHandler:
        if name in TASKS and TASKS[name].handler is not handler:
            raise RuntimeError(f"task {name!r} is registered twice")
        TASKS[name] = Task(name, handler, attempts)
        return handler

    return add


def register_schedule(name: str, cron: str) -> Callable[[ScheduleHandler], ScheduleHandler]:
    """Decorator: `handler(ctx)` runs at every `cron` time (UTC), on one worker."""

    def add(handler: ScheduleHandler) -> ScheduleHandler:
        if name in SCHEDULES and SCHEDULES[name].handler is not handler:
            raise RuntimeError(f"schedule {name!r} is registered twice")
        SCHEDULES[name] = Schedule(name, cron, handler)
        return handler

    return add


async def enqueue_task(conn: asyncpg.Connection, name: str, payload: str) -> None:
    """Queue task `name` with `payload`, on `conn`'s transaction if one is open: the task
    exists if and only if the caller's work commits."""
    if name not in TASKS:
        raise LookupError(f"no task {name!r} is registered")
    await _queue(conn, name, payload)


def queue_entrypoint(kind: str) -> str:
    """pgqueuer's name for a kind: its entrypoint."""
    return kind


async def enqueue(
    conn: asyncpg.Connection,
    kind: str,
    owner: Principal,
    scope_unit_id: int,
    params: dict[str, Any] | msgspec.Struct | None = None,
) -> int:
    """Start a job of `kind` for `owner`, reading the data of `scope_unit_id`; its id.

    Both rows (ours and pgqueuer's) are written on `conn`, in a transaction: the
    caller's, if one is open, so that the job only exists if the caller's work commits.
    `scope_unit_id` must be in the owner's scope (the caller checks it, usually by
    passing `owner.unit_id`).
    """
    if REGISTRY.get(kind) is None:
        raise LookupError(f"no job kind {kind!r} is registered")
    values = msgspec.to_builtins(params) if params is not None else {}
    async with conn.transaction():
        job_id = await queries.insert(conn, kind, owner.user_id, scope_unit_id, values)
        await _queue(conn, queue_entrypoint(kind), str(job_id))
    return job_id


_ENQUEUE_SQL: str | None = None


async def _queue(conn: asyncpg.Connection, entrypoint: str, payload: str) -> None:
    """pgqueuer's own enqueue statement (its query builder's), for one job.

    Not `Queries.enqueue`: that sends headers as JSON text, which the app's jsonb codec
    (Python values in and out) would store as a JSON string. No headers are sent here.
    """
    global _ENQUEUE_SQL
    if _ENQUEUE_SQL is None:
        from pgqueuer.adapters.persistence.qb import QueryQueueBuilder

        _ENQUEUE_SQL = QueryQueueBuilder().build_enqueue_query()
    await conn.fetch(
        _ENQUEUE_SQL,
        [0],
        [entrypoint],
        [payload.encode()],
        [timedelta(0)],  # execute_after: now
        [None],  # dedupe_key
        [None],  # headers
    )
