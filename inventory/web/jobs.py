"""The page of a background job: `/jobs/{id}`, refreshing itself until the job is over,
and `/jobs/{id}/result`, its file for a signed-in browser (the API takes tokens only).

Who sees a job is the API's rule (`jobs.queries.visible`): another's job is a 404 page.
"""

from __future__ import annotations

from litestar import Request, Response, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.jobs import queries
from inventory.jobs.routes import attachment
from inventory.jobs.schemas import JobStatus
from inventory.web.pages import login_redirect, page, when

REFRESH_SECONDS = 2


@get("/jobs/{job_id:int}", include_in_schema=False)
async def job_page(
    request: Request, conn: Conn, job_id: PathId, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    row = await queries.fetch(conn, principal, job_id)
    if row is None:
        return page(request, "job.html", lang, 404, job=None, job_id=job_id)
    status = JobStatus(row["status"])
    total = row["progress_total"]
    job = {
        "id": row["id"],
        "kind": row["kind"],
        "status": status.value,
        "done": row["progress_done"],
        "total": total,
        "percent": None if not total else min(100, 100 * row["progress_done"] // total),
        "created_at": when(row["created_at"], seconds=True),
        "finished_at": when(row["finished_at"], seconds=True),
        "error": row["error"],
        "file_name": row["result_file_name"],
        "download": f"/jobs/{row['id']}/result" if row["result_file_name"] else None,
    }
    return page(
        request,
        "job.html",
        lang,
        job=job,
        job_id=job_id,
        refresh=REFRESH_SECONDS if status in (JobStatus.QUEUED, JobStatus.RUNNING) else None,
    )


@get("/jobs/{job_id:int}/result", include_in_schema=False)
async def job_file(
    request: Request, conn: Conn, job_id: PathId, lang: FromQuery[str | None] = None
) -> Response[bytes] | Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    row = await queries.result(conn, principal, job_id)
    if row is None or row["result_content"] is None:
        # Not (yet) a file: the job's page says why, or that there is no such job.
        return (
            Redirect(f"/jobs/{job_id}", status_code=303)
            if row
            else page(request, "job.html", lang, 404, job=None, job_id=job_id)
        )
    return Response(
        row["result_content"],
        media_type=row["result_media_type"],
        headers={"Content-Disposition": attachment(row["result_file_name"])},
    )


router = Router(path="/", route_handlers=[job_page, job_file])
