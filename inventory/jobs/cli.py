"""`inventory jobs show ID` and `inventory jobs wait ID`: a job, from the database itself.

Like `inventory labels`, these are not scoped: whoever runs them has the database.
`wait` draws the job's progress on stderr until it is over, and exits 1 if it failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

POLL_SECONDS = 0.5


def add_arguments(subparsers: Any) -> None:
    """Add `jobs show` and `jobs wait` to the `inventory` command line's subparsers."""
    jobs = subparsers.add_parser("jobs", help="background jobs (label runs, ...)")
    commands = jobs.add_subparsers(dest="jobs_command", required=True)
    show = commands.add_parser("show", help="print a job: status, progress, result or error")
    show.add_argument("job_id", metavar="ID", type=int)
    show.set_defaults(handler=cmd_show)
    wait = commands.add_parser(
        "wait", help="draw a job's progress until it is done (exit status 1 if it failed)"
    )
    wait.add_argument("job_id", metavar="ID", type=int)
    wait.set_defaults(handler=cmd_wait)


def _url() -> Any:
    from inventory.db.embedded import database
    from inventory.settings import Settings

    return database(Settings.from_env())


async def _fetch(url: str, job_id: int) -> Any:
    from inventory.db.pool import connect
    from inventory.jobs import queries
    from inventory.jobs.routes import read

    conn = await connect(url)
    try:
        row = await queries.fetch_any(conn, job_id)
    finally:
        await conn.close()
    return None if row is None else read(row)


def _missing(job_id: int) -> Exception:
    from inventory.console import Failure

    return Failure(f"no job {job_id}")


def describe(job: Any) -> str:
    total = "?" if job.progress.total is None else job.progress.total
    lines = [
        f"job {job.id}: {job.kind}, {job.status}",
        f"owner user {job.owner_id}, scope unit {job.scope_unit_id}, attempts {job.attempts}",
        f"progress {job.progress.done}/{total}",
        f"created {job.created_at.isoformat(timespec='seconds')}",
    ]
    if job.started_at:
        lines.append(f"started {job.started_at.isoformat(timespec='seconds')}")
    if job.finished_at:
        lines.append(f"finished {job.finished_at.isoformat(timespec='seconds')}")
    if job.result:
        lines.append(
            f"result {job.result.file_name} ({job.result.media_type}, {job.result.size} bytes):"
            f" GET {job.result.url}"
        )
    if job.error:
        lines.append(f"error: {job.error}")
    return "\n".join(lines)


def cmd_show(args: argparse.Namespace) -> None:
    with _url() as url:
        job = asyncio.run(_fetch(url, args.job_id))
    if job is None:
        raise _missing(args.job_id)
    print(describe(job))


async def _wait(url: str, job_id: int, bar: Any) -> Any:
    from inventory.db.pool import connect
    from inventory.jobs import queries
    from inventory.jobs.routes import read

    conn = await connect(url)
    try:
        drawn = None
        while True:
            row = await queries.fetch_any(conn, job_id)
            if row is None:
                return None
            job = read(row)
            shown = (job.progress.done, job.progress.total)
            if job.progress.total and shown != drawn and job.status in ("running", "done"):
                bar(*shown)
                drawn = shown
            if job.status in ("done", "failed"):
                if drawn is not None and drawn[0] < (drawn[1] or 0) and job.status == "done":
                    bar(job.progress.total, job.progress.total)
                elif drawn is not None and drawn[0] < (drawn[1] or 0):
                    sys.stderr.write("\n")
                return job
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await conn.close()


def cmd_wait(args: argparse.Namespace) -> None:
    from inventory.console import Failure, ProgressBar

    with _url() as url:
        job = asyncio.run(_wait(url, args.job_id, ProgressBar(sys.stderr)))
    if job is None:
        raise _missing(args.job_id)
    if job.status == "failed":
        raise Failure(f"job {job.id} failed: {job.error}")
    print(describe(job))
