"""The import page: `/imports`, an asset list (CSV or XLSX) checked and then imported into
a unit of the scope, for those who change the register.

The form sends the file to check it (a dry run) or to import it; either way it becomes
the API's own import job (`imports.routes.start`), whose page `/imports/{id}` follows its
progress (refreshing itself, no script) and then shows its report: every problem by row
and column, or what was added and what was already registered. A clean dry run offers to
import the same file for real, without sending it again. The create forms carry their
Idempotency-Key (`web.once`): a form sent twice starts one job.
"""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS
from inventory.accounts.principal import Principal
from inventory.categories import queries as categories
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.errors import Invalid, Problem, TooLarge
from inventory.imports import jobs as kind
from inventory.imports import queries as imports
from inventory.imports import reader
from inventory.imports.routes import start
from inventory.imports.schemas import ImportReport
from inventory.jobs import queries as jobs
from inventory.jobs.schemas import JobStatus
from inventory.units import queries as units
from inventory.web import once
from inventory.web.pages import login_redirect, page, when

PATH = "/imports"
REFRESH_SECONDS = 2
_FIELDS = ("unit_id", "category_id", "action")


def _writer(principal: Principal) -> None:
    if principal.role not in WRITERS:
        raise PermissionDeniedException(f"the {principal.role} role does not import assets")


async def _form(
    request: Request,
    conn: asyncpg.Connection,
    lang: str | None,
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    resent: bool = False,
) -> Template:
    principal = request.user
    return page(
        request,
        "imports.html",
        lang,
        status,
        desk_here="imports",
        units=await units.choices(conn, principal.unit_id),
        categories=await categories.choices(conn),
        values={"unit_id": str(principal.unit_id), "category_id": "", **(typed or {})},
        key=once.new_key(),
        error=error,
        resent=resent,
        max_mb=reader.MAX_BYTES // (1024 * 1024),
    )


@get(PATH, include_in_schema=False)
async def imports_page(
    request: Request, conn: Conn, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    _writer(request.user)
    return await _form(request, conn, lang)


def _whole(text: str, field: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise Invalid(f"{field} is not a number", field=field) from None


@post(PATH, include_in_schema=False, request_max_body_size=reader.MAX_BYTES + 64 * 1024)
async def send_file(request: Request, conn: Conn) -> Template | Redirect:
    """Start checking (action=check) or importing (action=import) the file sent."""
    principal = request.user
    if principal is None:
        return login_redirect(request, PATH)
    _writer(principal)
    form = await request.form()
    typed = {k: str(form.get(k, "")).strip() for k in _FIELDS}
    upload = form.get("file")
    body = await upload.read() if isinstance(upload, UploadFile) else b""
    # The key's fingerprint: the form's values and the file's content.
    values = {**typed, once.FIELD: str(form.get(once.FIELD, ""))}
    values["file"] = hashlib.sha256(body).hexdigest()
    name = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    try:
        if not body:
            raise Invalid("choose a file", field="file")
        if len(body) > reader.MAX_BYTES:
            raise TooLarge("too large", field="file")
        reader.kind_of(body)
        async with conn.transaction():
            key = await once.claim(conn, principal.user_id, PATH, values)
            job_id = await start(
                conn,
                principal,
                request.app.state.settings.tag_prefix,
                _whole(typed["unit_id"], "unit_id") or principal.unit_id,
                typed["action"] != "import",
                _whole(typed["category_id"], "category_id"),
                name,
                body,
            )
            location = f"{PATH}/{job_id}"
            await once.keep(conn, principal.user_id, key, location)
    except once.SentBefore as sent:
        if sent.location is not None:
            return Redirect(sent.location, status_code=303)
        return await _form(request, conn, None, status=409, typed=typed, resent=True)
    except Problem as refused:  # each beside its field: the unit, the category or the file
        field = str((refused.extra or {}).get("field", "")) or "file"
        if isinstance(refused, reader.UnsupportedMedia | TooLarge):
            field = "file_type" if isinstance(refused, reader.UnsupportedMedia) else "file_size"
        return await _form(
            request, conn, None, status=refused.status_code, typed=typed, error=field
        )
    return Redirect(location, status_code=303)


def _unit_name(choices: list[asyncpg.Record], unit_id: int) -> str:
    return next((u["name"] for u in choices if u["id"] == unit_id), "")


async def _job(conn: asyncpg.Connection, principal: Principal, job_id: int) -> asyncpg.Record:
    """An import job the caller may see; another's, or another kind, is not found."""
    row = await jobs.fetch(conn, principal, job_id)
    if row is None or row["kind"] != kind.KIND:
        raise NotFoundException(f"no import {job_id}")
    return row


async def _report(
    conn: asyncpg.Connection, principal: Principal, job_id: int
) -> ImportReport | None:
    found = await jobs.result(conn, principal, job_id)
    if found is None or found["result_content"] is None:
        return None
    return msgspec.json.decode(found["result_content"], type=ImportReport)


@get(f"{PATH}/{{job_id:int}}", include_in_schema=False)
async def import_page(
    request: Request, conn: Conn, job_id: PathId, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    row = await _job(conn, principal, job_id)
    status = JobStatus(row["status"])
    params: dict[str, Any] = row["params"]
    report = await _report(conn, principal, job_id) if status == JobStatus.DONE else None
    total = row["progress_total"]
    can_import = (
        report is not None
        and report.dry_run
        and not report.problem_count
        and report.added > 0
        and row["owner_id"] == principal.user_id
        and principal.role in WRITERS
    )
    return page(
        request,
        "import_job.html",
        lang,
        desk_here="imports",
        job={
            "id": job_id,
            "status": status.value,
            "done": row["progress_done"],
            "total": total,
            "percent": None if not total else min(100, 100 * row["progress_done"] // total),
            "created_at": when(row["created_at"], seconds=True),
            "error": row["error"],
        },
        dry_run=params["dry_run"],
        unit=_unit_name(await units.choices(conn, principal.unit_id), params["unit_id"]),
        file_name=await imports.file_name(conn, job_id),
        report=report,
        matched=sum(report.matched.values()) if report else 0,
        can_import=can_import,
        key=once.new_key(),
        refresh=REFRESH_SECONDS if status in (JobStatus.QUEUED, JobStatus.RUNNING) else None,
    )


@post(f"{PATH}/{{job_id:int}}/import", include_in_schema=False)
async def import_checked(
    request: Request, conn: Conn, job_id: PathId, data: URLEncodedBody[dict[str, str]]
) -> Template | Redirect:
    """Import for real the file a clean dry run checked, as the dry run was asked."""
    principal = request.user
    if principal is None:
        return login_redirect(request, f"{PATH}/{job_id}")
    _writer(principal)
    row = await _job(conn, principal, job_id)
    report = await _report(conn, principal, job_id)
    if row["owner_id"] != principal.user_id or report is None or not report.dry_run:
        raise NotFoundException(f"no dry run {job_id} of yours to import")
    params = row["params"]
    path = f"{PATH}/{job_id}/import"
    try:
        async with conn.transaction():
            key = await once.claim(conn, principal.user_id, path, data)
            new = await start(
                conn,
                principal,
                params["prefix"],
                params["unit_id"],
                False,
                params.get("category_id"),
                "",
                None,
                from_job=job_id,
            )
            location = f"{PATH}/{new}"
            await once.keep(conn, principal.user_id, key, location)
    except once.SentBefore as sent:
        return Redirect(sent.location or f"{PATH}/{job_id}", status_code=303)
    return Redirect(location, status_code=303)


router = Router(path="/", route_handlers=[imports_page, send_file, import_page, import_checked])
