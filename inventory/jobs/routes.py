"""Job routes: the caller's jobs, one job, and its result file.

Who sees a job is decided in `queries.visible`: its owner, and the admins and auditors
whose scope holds its scope unit. Any other job answers 404, like one that does not
exist.
"""

from __future__ import annotations

from urllib.parse import quote

import asyncpg
from litestar import Response, Router, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery

from inventory.accounts.guards import READERS, Me, allow
from inventory.db.dependencies import Conn
from inventory.db.listing import Limit, ListQuery, Page, page_sql, paginate
from inventory.db.types import PathId
from inventory.errors import Conflict, NotFound
from inventory.jobs import queries
from inventory.jobs.kinds import REGISTRY
from inventory.jobs.schemas import JobRead, JobStatus, Progress, ResultFile
from inventory.openapi import BEARER, errors, file_types_of

API = "/api/v1/jobs"


def job_url(job_id: int) -> str:
    return f"{API}/{job_id}"


def read(row: asyncpg.Record) -> JobRead:
    result = None
    if row["result_file_name"] is not None:
        result = ResultFile(
            media_type=row["result_media_type"],
            file_name=row["result_file_name"],
            size=row["result_size"] or 0,
            url=f"{job_url(row['id'])}/result",
        )
    return JobRead(
        id=row["id"],
        kind=row["kind"],
        status=JobStatus(row["status"]),
        owner_id=row["owner_id"],
        scope_unit_id=row["scope_unit_id"],
        params=row["params"] or {},
        progress=Progress(done=row["progress_done"], total=row["progress_total"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        error=row["error"],
        result=result,
    )


def attachment(file_name: str) -> str:
    """A Content-Disposition naming the file, in ASCII and (RFC 6266) in UTF-8."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "'")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


@get("/", guards=[allow(*READERS)], responses=errors(422))
async def list_jobs(
    conn: Conn,
    principal: Me,
    status: FromQuery[JobStatus | None] = None,
    kind: FromQuery[str | None] = None,
    sort: FromQuery[str] = queries.DEFAULT_SORT,
    cursor: FromQuery[str | None] = None,
    limit: Limit = 50,
) -> Page[JobRead]:
    """Jobs you may see, newest first: your own, and for admins and auditors every job
    of their scope."""
    query = ListQuery()
    queries.visible(query, principal)
    if status is not None:
        query.add("j.status = {}", status.value)
    if kind is not None:
        query.add("j.kind = {}", kind)
    sql = page_sql(query, queries.LIST, sort, queries.SORT_KEYS, cursor, limit, "j.id")
    return paginate(await conn.fetch(sql, *query.params), limit, read)


@get("/{job_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_job(conn: Conn, principal: Me, job_id: PathId) -> JobRead:
    """One job: its status, progress, and when done its result file."""
    row = await queries.fetch(conn, principal, job_id)
    if row is None:
        raise NotFound(f"no job {job_id}")
    return read(row)


@get(
    "/{job_id:int}/result",
    guards=[allow(*READERS)],
    operation_class=file_types_of(REGISTRY.files),
    responses={
        **errors(404, 409),
        200: ResponseSpec(
            data_container=bytes,
            media_type="application/octet-stream",
            generate_examples=False,
            description="the job's file, with its own media type, as an attachment",
        ),
    },
)
async def job_result(conn: Conn, principal: Me, job_id: PathId) -> Response[bytes]:
    """The file a done job made (409 while it is queued or running, or if it failed)."""
    row = await queries.result(conn, principal, job_id)
    if row is None:
        raise NotFound(f"no job {job_id}")
    if row["status"] != JobStatus.DONE:
        raise Conflict(f"job {job_id} is {row['status']}: it has no result yet")
    if row["result_content"] is None:
        raise NotFound(f"job {job_id} made no file")
    return Response(
        row["result_content"],
        media_type=row["result_media_type"],
        headers={"Content-Disposition": attachment(row["result_file_name"])},
    )


router = Router(
    path=API,
    route_handlers=[list_jobs, get_job, job_result],
    tags=["jobs"],
    security=BEARER,
)
