"""The job worker: `run(url)` takes jobs from pgqueuer's queue until SIGINT or SIGTERM.

pgqueuer (asyncpg, the app's driver) hands out each job to one worker, keeps a
heartbeat on it while it runs, and gives a job whose heartbeat stopped (its worker was
killed, its machine lost) to the next worker that asks; a job enqueued while no worker
runs waits in the table. This module keeps our `jobs` row in step: running when a run
starts (again, for a retried one), its progress, then done with the result file, or
failed with the error's text (the traceback goes to the log).

The first SIGINT or SIGTERM stops taking jobs and lets the running ones finish; a
second one exits at once, and what was running is run again by the next worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import signal
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import timedelta

import asyncpg
from pgqueuer import AsyncpgDriver, Queries, QueueManager, SchedulerManager
from pgqueuer.errors import RetryRequested
from pgqueuer.models import Job, Schedule

from inventory.db.pool import create_pool
from inventory.jobs import queries
from inventory.jobs.kinds import (
    KIND_MODULES,
    PROGRESS_INTERVAL,
    REGISTRY,
    SCHEDULES,
    TASKS,
    Context,
    Kind,
    Task,
    TaskContext,
)
from inventory.jobs.kinds import Schedule as Scheduled
from inventory.settings import Settings

logger = logging.getLogger("inventory.jobs")

HEARTBEAT_TIMEOUT = timedelta(seconds=30)
"""A running job whose heartbeat is older than this goes to another worker."""
DEQUEUE_TIMEOUT = timedelta(seconds=10)
"""Longest wait between two looks at the queue (new jobs wake the worker at once)."""
JOBS_AT_ONCE = 2
"""Jobs one worker runs at the same time (their CPU work shares `executor`)."""
ERROR_TEXT_MAX = 2000
RETRY_FIRST = timedelta(seconds=2)
RETRY_MAX = timedelta(minutes=5)


def load_kinds() -> None:
    """Import the modules that register job kinds."""
    for name in KIND_MODULES:
        importlib.import_module(name)


def error_text(exc: BaseException) -> str:
    """What users are told of a failure: the problem's detail, or the exception's text."""
    text = getattr(exc, "detail", None) or str(exc) or type(exc).__name__
    return str(text)[:ERROR_TEXT_MAX]


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed run `attempt` (1, 2, ...) of a task: 2 s, 4 s, 8 s ... 5 min."""
    return min(RETRY_FIRST * 2 ** (attempt - 1), RETRY_MAX)


class Worker:
    def __init__(
        self, pool: asyncpg.Pool, executor: Executor | None, settings: Settings | None = None
    ) -> None:
        self.pool, self.executor = pool, executor
        self.settings = settings or Settings.from_env()

    async def run_task(self, task: Task, job: Job) -> None:
        """Run one task; a failure before its last attempt asks pgqueuer to run it again."""
        attempt = job.attempts + 1
        last = attempt >= task.attempts
        ctx = TaskContext(self.pool, self.settings, attempt, last)
        try:
            await task.handler(ctx, (job.payload or b"").decode())
        except Exception as exc:
            if last:
                logger.exception("task %s failed for good after %s runs", task.name, attempt)
                return
            delay = retry_delay(attempt)
            logger.warning(
                "task %s failed (run %s), again in %s: %s", task.name, attempt, delay, exc
            )
            raise RetryRequested(delay=delay, reason=error_text(exc)) from exc

    async def run_schedule(self, scheduled: Scheduled) -> None:
        try:
            await scheduled.handler(TaskContext(self.pool, self.settings))
        except Exception:
            logger.exception("schedule %s failed; it runs again at its next time", scheduled.name)

    async def execute(self, kind: Kind, job: Job) -> None:
        """Run one job of `kind` (pgqueuer's entrypoint for it)."""
        job_id = int((job.payload or b"0").decode())
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(queries.GET_FOR_WORKER, job_id)
            attempt = await conn.fetchval(queries.START, job_id) if row is not None else None
        if row is None or attempt is None:
            logger.warning("job %s is gone or finished already; skipped", job_id)
            return
        logger.info("job %s (%s) started, attempt %s", job_id, kind.name, attempt)
        async with self.pool.acquire() as conn:
            ctx = Context(
                job_id=job_id,
                kind=kind.name,
                owner_id=row["owner_id"],
                scope_unit_id=row["scope_unit_id"],
                attempt=attempt,
                conn=conn,
                executor=self.executor,
            )
            reporter = asyncio.create_task(self._report(ctx))
            try:
                result = await kind.handler(ctx, row["params"] or {})
            except Exception as exc:
                logger.exception("job %s (%s) failed", job_id, kind.name)
                await self._stop_reporting(reporter, ctx)
                await self.pool.execute(queries.FAILED, job_id, error_text(exc))
                return
            await self._stop_reporting(reporter, ctx)
        file = (None, None, None) if result is None else result
        try:
            await self.pool.execute(queries.DONE, job_id, *file)
        except (asyncpg.PostgresError, asyncpg.DataError) as exc:  # e.g. a file over 1 GB
            logger.exception("job %s (%s): its result could not be stored", job_id, kind.name)
            await self.pool.execute(queries.FAILED, job_id, error_text(exc))
            return
        logger.info("job %s (%s) done", job_id, kind.name)

    async def _report(self, ctx: Context) -> None:
        """Write the job's latest progress now and then: at most once per PROGRESS_INTERVAL."""
        while True:
            await asyncio.sleep(PROGRESS_INTERVAL)
            await self._write_progress(ctx)

    async def _write_progress(self, ctx: Context) -> None:
        pending = ctx.pending()
        if pending is not None:
            try:
                await self.pool.execute(queries.PROGRESS, ctx.job_id, *pending)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                logger.warning("could not write the progress of job %s", ctx.job_id)
            else:
                ctx.wrote(pending)

    async def _stop_reporting(self, reporter: asyncio.Task[None], ctx: Context) -> None:
        reporter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reporter
        await self._write_progress(ctx)


def process_pool() -> ProcessPoolExecutor:
    """Processes for CPU work; spawned (a forked event loop's locks would be copied mid-use)."""
    return ProcessPoolExecutor(
        max_workers=min(4, os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn")
    )


async def serve(
    url: str,
    *,
    stop: asyncio.Event | None = None,
    heartbeat_timeout: timedelta = HEARTBEAT_TIMEOUT,
    dequeue_timeout: timedelta = DEQUEUE_TIMEOUT,
    settings: Settings | None = None,
) -> None:
    """Process jobs, tasks and schedules until `stop` is set; then finish the running ones
    and return."""
    load_kinds()
    queue_conn = await asyncpg.connect(url)  # pgqueuer's: LISTEN, dequeue, heartbeats
    schedule_conn = await asyncpg.connect(url) if SCHEDULES else None
    pool = await create_pool(url, min_size=1, max_size=2 * JOBS_AT_ONCE + 1)
    executor = process_pool()
    try:
        manager = QueueManager(Queries(AsyncpgDriver(queue_conn)))
        worker = Worker(pool, executor, settings)
        for kind in REGISTRY.kinds.values():

            async def entrypoint(job: Job, kind: Kind = kind) -> None:
                await worker.execute(kind, job)

            manager.entrypoint(kind.name, concurrency_limit=kind.concurrency)(entrypoint)
        for task in TASKS.values():

            async def run_task(job: Job, task: Task = task) -> None:
                await worker.run_task(task, job)

            manager.entrypoint(task.name)(run_task)
        scheduler = None
        if schedule_conn is not None:
            scheduler = SchedulerManager(Queries(AsyncpgDriver(schedule_conn)))
            scheduler.shutdown = manager.shutdown
            for scheduled in SCHEDULES.values():

                async def run_schedule(_: Schedule, scheduled: Scheduled = scheduled) -> None:
                    await worker.run_schedule(scheduled)

                scheduler.schedule(scheduled.name, scheduled.cron)(run_schedule)
        if stop is not None:
            waiter = asyncio.create_task(_forward(stop, manager.shutdown))
        try:
            runs = [
                manager.run(
                    dequeue_timeout=dequeue_timeout,
                    batch_size=1,
                    max_concurrent_tasks=JOBS_AT_ONCE,
                    heartbeat_timeout=heartbeat_timeout,
                )
            ]
            if scheduler is not None:
                runs.append(scheduler.run())
            await asyncio.gather(*runs)
        finally:
            if stop is not None:
                waiter.cancel()
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        await pool.close()
        await queue_conn.close()
        if schedule_conn is not None:
            await schedule_conn.close()


async def _forward(stop: asyncio.Event, shutdown: asyncio.Event) -> None:
    await stop.wait()
    shutdown.set()


def run(url: str) -> None:
    """Process jobs until SIGINT or SIGTERM (`inventory worker`, and `make run`'s child)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            if stop.is_set():
                logger.warning("stopping now; running jobs will run again on the next worker")
                os._exit(1)
            logger.info("stopping: finishing the running jobs (again to stop at once)")
            stop.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, on_signal)
        await serve(url, stop=stop)

    asyncio.run(main())
    logger.info("job worker stopped")
