"""`POST /api/v1/imports`: an asset list (CSV or XLSX) to import, as a job."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Request, Response, Router, post
from litestar.datastructures import State, UploadFile
from litestar.params import Parameter
from litestar.status_codes import HTTP_202_ACCEPTED

from inventory.accounts.guards import WRITERS, allow
from inventory.accounts.principal import Principal
from inventory.categories import queries as categories
from inventory.db.pool import connection
from inventory.db.types import BIGINT_MAX, BIGINT_MIN
from inventory.errors import Invalid, TooLarge
from inventory.history.write import Write
from inventory.imports import jobs as kind
from inventory.imports import queries, reader
from inventory.jobs import queries as jobs
from inventory.jobs.kinds import enqueue
from inventory.jobs.routes import job_url, read
from inventory.jobs.schemas import JobRead
from inventory.openapi import BEARER, errors


async def _body(request: Request) -> tuple[str, bytes]:
    """The file sent: the body itself, or a multipart form's `file` part. Its claimed type
    is not believed: the content is checked (XLSX or UTF-8 CSV)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    name = ""
    if media == "multipart/form-data":
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("send the file as the form's `file` part", field="file")
        name, body = upload.filename or "", await upload.read()
    else:
        body = await request.body()
    if len(body) > reader.MAX_BYTES:
        raise TooLarge(f"the file is larger than {reader.MAX_BYTES} bytes", field="file")
    if not body:
        raise Invalid("the file is empty", field="file")
    reader.kind_of(body)  # 415 now rather than a failed job
    return name, body


@post(
    "/",
    guards=[allow(*WRITERS)],
    status_code=HTTP_202_ACCEPTED,
    responses=errors(413, 415, 422),
    request_max_body_size=reader.MAX_BYTES + 64 * 1024,
)
async def start_import(
    request: Request,
    state: State,
    unit_id: Annotated[
        int,
        Parameter(description="the unit that will hold the assets", ge=BIGINT_MIN, le=BIGINT_MAX),
    ],
    dry_run: Annotated[bool, Parameter(description="check and count only; add nothing")] = False,
    category_id: Annotated[
        int | None,
        Parameter(description="the category of rows that name none", ge=BIGINT_MIN, le=BIGINT_MAX),
    ] = None,
) -> Response[JobRead]:
    """Import an asset list (CSV or XLSX, at most 20 MB: the body itself, or a form's
    `file` part) into a unit of your scope, as a job: 202 with the job to follow. Its
    result is the report (JSON): every problem by row and column, and what was added or
    matched. All or nothing: a file with any problem adds nothing."""
    principal = request.user
    name, body = await _body(request)
    async with connection(state.pool) as conn:
        job_id = await start(
            conn, principal, state.settings.tag_prefix, unit_id, dry_run, category_id, name, body
        )
        row = await jobs.fetch(conn, principal, job_id)
    return Response(read(row), status_code=HTTP_202_ACCEPTED, headers={"Location": job_url(job_id)})


async def start(
    conn: asyncpg.Connection,
    principal: Principal,
    prefix: str,
    unit_id: int,
    dry_run: bool,
    category_id: int | None,
    name: str,
    body: bytes | None,
    *,
    from_job: int | None = None,
) -> int:
    """Queue the import of `body` (or of the file of the import job `from_job`, which the
    caller may see) into `unit_id` of the caller's scope; the job's id. The API's step and
    the import page's alike."""
    if not await queries.holder_in_scope(conn, unit_id, principal.unit_id):
        raise Invalid(f"no unit {unit_id} in your scope", field="unit_id")
    await categories.require(conn, category_id, "category_id")
    params = {"unit_id": unit_id, "dry_run": dry_run, "category_id": category_id, "prefix": prefix}
    async with Write(conn, principal):  # a disabled account queues nothing
        job_id = await enqueue(conn, kind.KIND, principal, principal.unit_id, params)
        if from_job is None:
            await queries.keep_upload(conn, job_id, name, body or b"")
        else:
            await queries.copy_upload(conn, from_job, job_id)
    return job_id


router = Router(
    path="/api/v1/imports", route_handlers=[start_import], tags=["imports"], security=BEARER
)
