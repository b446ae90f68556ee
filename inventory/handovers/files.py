"""A handover's documents: its minutes as PDF and DOCX (large ones as a job), the scanned
decision it executes, and the minutes each side signed with its own certificate.

Minutes are read on a connection held only for that and drawn in a worker thread, as
labels are (see `inventory.printing.routes`): these handlers take neither `conn` nor
`principal`. Every minutes PDF made is noted (`handover_minutes_issued`: its SHA-256 and
length), so that a signed copy sent back is recognised as beginning with it unchanged.
Uploads are raw `application/pdf` bodies of at most 20 MB, kept in PostgreSQL as sent.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import StrEnum
from typing import Any

import anyio
import asyncpg
import msgspec
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State, UploadFile
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED

from inventory.accounts.guards import READERS, WRITERS, allow
from inventory.accounts.principal import Principal
from inventory.db.pool import connection
from inventory.db.types import PathId
from inventory.deployment import base_url as deployment
from inventory.errors import Conflict, Invalid, NotFound, Problem
from inventory.handovers import minutes_docx, minutes_pdf, queries, rules, signatures
from inventory.handovers.minutes import Minutes, read
from inventory.handovers.signatures import SignedBy
from inventory.history.write import Write
from inventory.jobs import queries as jobs
from inventory.jobs.kinds import Context, Result, enqueue, register
from inventory.jobs.routes import attachment, job_url
from inventory.jobs.routes import read as read_job
from inventory.jobs.schemas import JobRead
from inventory.openapi import BEARER, errors
from inventory.workflow.machine import Forbidden, NotAllowed

KIND = "handover_minutes"
MAX_SYNC_ITEMS = 500
"""Minutes of more items are made by a job (202 with its Location): ~15 pages at most here."""
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DECISION, SIGNED = "decision", "signed_minutes"
_NO_UPLOAD = ("draft", "cancelled")  # signed minutes: of a handover submitted, not dropped
_FIXED = ("completed", "cancelled")  # the decision of a handover that no longer changes


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


MEDIA = {Format.PDF: PDF, Format.DOCX: DOCX}


class UnsupportedMedia(Problem):
    status = 415
    default_title = "Unsupported media type"


class TooLarge(Problem):
    status = 413
    default_title = "Request entity too large"


class FileRead(msgspec.Struct):
    """A file kept with a handover; GET `url` downloads it."""

    id: int
    kind: str
    size: int
    sha256: str
    uploaded_by: int | None
    uploaded_at: datetime
    url: str


class SignedMinutesRead(msgspec.Struct):
    """A signed minutes PDF sent back: who signed it, checked, and whether it is the content
    of the handover as it is now (`current`)."""

    id: int
    size: int
    sha256: str
    content_hash: str
    current: bool
    signatures: list[SignedBy]
    uploaded_by: int | None
    uploaded_at: datetime
    url: str


class SignedMinutesList(msgspec.Struct):
    content_hash: str  # the handover's content hash now (what a sign-off records)
    items: list[SignedMinutesRead]


def _base(handover_id: int) -> str:
    return f"/api/v1/handovers/{handover_id}"


def _file(row: asyncpg.Record) -> FileRead:
    return FileRead(
        id=row["id"],
        kind=row["kind"],
        size=row["size"],
        sha256=row["sha256"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
        url=f"{_base(row['handover_id'])}/decision",
    )


def _signed(row: asyncpg.Record, content_hash: str) -> SignedMinutesRead:
    return SignedMinutesRead(
        id=row["id"],
        size=row["size"],
        sha256=row["sha256"],
        content_hash=row["content_hash"],
        current=row["content_hash"] == content_hash,
        signatures=msgspec.convert(row["signatures"], list[SignedBy]),
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
        url=f"{_base(row['handover_id'])}/signed-minutes/{row['id']}",
    )


def render(minutes: Minutes, form: Format) -> bytes:
    if form == Format.PDF:
        return minutes_pdf.render(minutes)
    return minutes_docx.render(minutes)


def _caller(request: Request) -> Principal:
    return request.user


def _pdf_answer(content: bytes, name: str) -> Response[bytes]:
    return Response(content, media_type=PDF, headers={"Content-Disposition": attachment(name)})


async def _pdf_body(request: Request, limit: int) -> bytes:
    """The PDF sent: the body itself (application/pdf), or a form's `file` part (a page's
    upload form); its own content type is not believed, its bytes are checked later."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("send the PDF as the form's `file` part", field="file")
        body = await upload.read()
    elif media == PDF:
        body = await request.body()
    else:
        raise UnsupportedMedia(
            f"send the PDF itself as the body, with Content-Type: {PDF}, or as the `file`"
            f" part of a multipart form (not {media or 'no content type'})",
            field="body",
        )
    if len(body) > limit:
        raise TooLarge(f"the file is {len(body)} bytes; at most {limit} are taken", field="body")
    return body


def _checked(body: bytes, limit: int) -> Any:
    try:
        return signatures.check_pdf(body, limit)
    except signatures.Refused as exc:
        raise Invalid(str(exc), field="body") from exc


async def _current_hash(conn: asyncpg.Connection, row: asyncpg.Record) -> str:
    items = [dict(r) for r in await queries.minutes_items(conn, row["id"])]
    return rules.minutes_hash({k: row[k] for k in rules.TERMS}, items)


_FILE_RESPONSES = {
    200: ResponseSpec(
        data_container=bytes,
        media_type="application/octet-stream",
        generate_examples=False,
        description="the file (application/pdf, or the DOCX) as an attachment",
    ),
}


async def minutes_file(
    state: State, principal: Principal, handover_id: int, form: Format
) -> Response[bytes] | int:
    """The minutes file of a handover in the caller's scope (404 outside it), or, for more
    than MAX_SYNC_ITEMS items, the id of the job making it (the pages' routes use it too)."""
    base_url = await deployment.of_app(state)
    async with connection(state.pool) as conn:
        row = await queries.get(conn, handover_id, principal.unit_id)
        if row is None:
            raise NotFound(f"no handover {handover_id}")
        if row["item_count"] > MAX_SYNC_ITEMS:
            # What the file says: asking again for the same follows the same job.
            signed = [row[f"{side}_signed_at"] for side in (rules.GIVER, rules.RECEIVER)]
            params = {
                "handover_id": handover_id,
                "format": form.value,
                "content_hash": await _current_hash(conn, row),
                "signed": [at.isoformat() if at else None for at in signed],
                "base_url": base_url,
            }
            async with Write(conn, principal):  # a disabled account queues nothing
                job_id = await jobs.same(conn, KIND, principal.user_id, principal.unit_id, params)
                if job_id is None:
                    job_id = await enqueue(conn, KIND, principal, principal.unit_id, params)
            return job_id
        minutes = await read(conn, handover_id, principal.unit_id, base_url)
    assert minutes is not None  # read in the scope it was just found in
    content = await anyio.to_thread.run_sync(render, minutes, form)
    if form == Format.PDF:
        async with connection(state.pool) as conn, Write(conn, principal):
            await queries.issue(conn, handover_id, content, minutes.content_hash, principal.user_id)
    return Response(
        content,
        media_type=MEDIA[form],
        headers={"Content-Disposition": attachment(f"{minutes.file_name}.{form.value}")},
    )


async def _minutes(state: State, request: Request, handover_id: int, form: Format) -> Response:
    principal = _caller(request)
    made = await minutes_file(state, principal, handover_id, form)
    if not isinstance(made, int):
        return made
    async with connection(state.pool) as conn:
        job = await jobs.fetch(conn, principal, made)
    location = {"Location": job_url(made)}
    return Response(read_job(job), status_code=HTTP_202_ACCEPTED, headers=location)


@get(
    "/{handover_id:int}/minutes.pdf",
    guards=[allow(*READERS)],
    responses={**errors(404), **_FILE_RESPONSES, 202: ResponseSpec(JobRead, description="a job")},
)
async def minutes_pdf_file(request: Request, state: State, handover_id: PathId) -> Response[Any]:
    """The minutes on form 02/TSC-BBGN as an A4 PDF (print at 100%). Minutes of more than
    500 items are made by a job: 202 with the job, whose `Location` to follow; its result
    is the file."""
    return await _minutes(state, request, handover_id, Format.PDF)


@get(
    "/{handover_id:int}/minutes.docx",
    guards=[allow(*READERS)],
    responses={**errors(404), **_FILE_RESPONSES, 202: ResponseSpec(JobRead, description="a job")},
)
async def minutes_docx_file(request: Request, state: State, handover_id: PathId) -> Response[Any]:
    """The same minutes as DOCX, for the commune to edit; large ones by a job, as the PDF."""
    return await _minutes(state, request, handover_id, Format.DOCX)


@register(KIND, files=(PDF, DOCX))
async def make_minutes(ctx: Context, params: dict[str, Any]) -> Result:
    """The job: the minutes read again within the job's scope, drawn off the event loop."""
    form = Format(params["format"])
    minutes = await read(ctx.conn, params["handover_id"], ctx.scope_unit_id, params["base_url"])
    if minutes is None:
        raise ValueError(f"handover {params['handover_id']} is no longer in the job's scope")
    ctx.progress(0, minutes.rows)
    content = await asyncio.to_thread(render, minutes, form)
    if form == Format.PDF:
        await queries.issue(
            ctx.conn, minutes.handover_id, content, minutes.content_hash, ctx.owner_id
        )
    return Result(content, MEDIA[form], f"{minutes.file_name}.{form.value}")


# --- The decision, scanned ---


@post(
    "/{handover_id:int}/decision",
    guards=[allow(*WRITERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(403, 404, 409, 413, 415, 422),
    request_max_body_size=signatures.MAX_DECISION_BYTES,
)
async def upload_decision(
    request: Request, state: State, handover_id: PathId
) -> Response[FileRead]:
    """Attach the scanned decision the handover executes (the giving side, until the
    handover is completed or cancelled): the PDF itself as the body (Content-Type
    application/pdf, at most 20 MB). A newer scan replaces it; every scan is kept.
    The same file again is answered 200 and kept once."""
    principal = _caller(request)
    body = await _pdf_body(request, signatures.MAX_DECISION_BYTES)
    await anyio.to_thread.run_sync(_checked, body, signatures.MAX_DECISION_BYTES)
    async with connection(state.pool) as conn, Write(conn, principal) as write:
        row = await queries.get_for_update(conn, handover_id, principal.unit_id)
        if row is None:
            raise NotFound(f"no handover {handover_id}")
        if rules.GIVER not in rules.sides(row["giver_side"], row["receiver_side"]):
            raise Forbidden("only the giving side attaches the decision")
        if row["status"] in _FIXED:
            raise NotAllowed(
                f"the handover is {row['status']}: its documents no longer change",
                field="status",
                state=row["status"],
                allowed=rules.STATUS.next_states(row["status"]),
            )
        kept, new = await queries.add_file(
            conn, handover_id, DECISION, body, None, [], principal.user_id
        )
        if new:
            write.record(
                "handover",
                handover_id,
                "attach_decision",
                None,
                {"file_id": kept["id"], "sha256": kept["sha256"], "size": kept["size"]},
                unit_id=row["giving_unit_id"],
            )
    return Response(_file(kept), status_code=HTTP_201_CREATED if new else 200)


async def decision_answer(state: State, principal: Principal, handover_id: int) -> Response:
    """The latest scanned decision of a handover in the caller's scope, as application/pdf."""
    async with connection(state.pool) as conn:
        if await queries.get(conn, handover_id, principal.unit_id) is None:
            raise NotFound(f"no handover {handover_id}")
        row = await queries.latest_file(conn, handover_id, DECISION)
    if row is None:
        raise NotFound(f"handover {handover_id} has no scanned decision yet")
    return _pdf_answer(row["content"], f"quyet-dinh-ban-giao-{handover_id}.pdf")


@get(
    "/{handover_id:int}/decision",
    guards=[allow(*READERS)],
    responses={**errors(404), **_FILE_RESPONSES},
)
async def decision_file(request: Request, state: State, handover_id: PathId) -> Response:
    """The scanned decision (the latest sent), as application/pdf."""
    return await decision_answer(state, _caller(request), handover_id)


# --- The minutes signed with certificates ---


def _verify(body: bytes, roots: tuple, parties: dict[str, list[str]]) -> list[SignedBy]:
    reader = _checked(body, signatures.MAX_SIGNED_BYTES)
    try:
        return signatures.verify(reader, roots, parties)
    except signatures.Refused as exc:
        raise Invalid(str(exc), field="body") from exc


def _parties(row: asyncpg.Record) -> dict[str, list[str]]:
    return {
        side: [p["name"] for p in row[f"{side}_parties"]] + [row[f"{side}_signer_name"] or ""]
        for side in (rules.GIVER, rules.RECEIVER)
    }


@post(
    "/{handover_id:int}/signed-minutes",
    guards=[allow(*WRITERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(404, 409, 413, 415, 422),
    request_max_body_size=signatures.MAX_SIGNED_BYTES,
)
async def upload_signed_minutes(
    request: Request, state: State, handover_id: PathId
) -> Response[SignedMinutesRead]:
    """Send back the minutes PDF signed outside the app (PAdES), by either side: the PDF
    itself as the body (application/pdf, at most 20 MB). It is accepted when every
    signature in it holds (unchanged since signed, cryptographically valid, covering its
    whole revision, followed only by more signatures), when it begins, unchanged, with a
    minutes PDF this service made of this handover, and when that PDF's content hash is
    the handover's now (the hash a sign-off in the app records). Each signer's
    certificate is reported; "trusted" only if it chains to a configured trust root."""
    principal = _caller(request)
    body = await _pdf_body(request, signatures.MAX_SIGNED_BYTES)
    roots = signatures.trust_roots(state.settings.signature_trust_roots)
    async with connection(state.pool) as conn:
        row = await queries.get(conn, handover_id, principal.unit_id)
    if row is None:
        raise NotFound(f"no handover {handover_id}")
    found = await anyio.to_thread.run_sync(_verify, body, roots, _parties(row))
    async with connection(state.pool) as conn, Write(conn, principal) as write:
        row = await queries.get_for_update(conn, handover_id, principal.unit_id)
        if row is None:
            raise NotFound(f"no handover {handover_id}")
        if row["status"] in _NO_UPLOAD:
            raise NotAllowed(
                f"the handover is {row['status']}: signed minutes are taken once it is submitted",
                field="status",
                state=row["status"],
                allowed=rules.STATUS.next_states(row["status"]),
            )
        issued = signatures.original(body, list(await queries.issued(conn, handover_id)))
        if issued is None:
            raise Invalid(
                f"this PDF does not begin with minutes of handover {handover_id} made by this"
                " service, unchanged: sign the minutes.pdf of this handover as downloaded",
                field="body",
            )
        now = await _current_hash(conn, row)
        if issued["content_hash"] != now:
            raise Conflict(
                f"these minutes were made before handover {handover_id} changed (content"
                f" {issued['content_hash'][:12]}…, now {now[:12]}…): download and sign them"
                " again",
                field="body",
            )
        signed = msgspec.to_builtins(found)
        kept, new = await queries.add_file(
            conn, handover_id, SIGNED, body, now, signed, principal.user_id
        )
        if new:
            write.record(
                "handover",
                handover_id,
                "attach_signed_minutes",
                None,
                {
                    "file_id": kept["id"],
                    "sha256": kept["sha256"],
                    "content_hash": now,
                    "signers": [s.subject for s in found],
                },
                unit_id=row["giving_unit_id"],
            )
    return Response(_signed(kept, now), status_code=HTTP_201_CREATED if new else 200)


@get("/{handover_id:int}/signed-minutes", guards=[allow(*READERS)], responses=errors(404))
async def signed_minutes(request: Request, state: State, handover_id: PathId) -> SignedMinutesList:
    """The signed minutes sent back, oldest first, with who signed each."""
    principal = _caller(request)
    async with connection(state.pool) as conn:
        row = await queries.get(conn, handover_id, principal.unit_id)
        if row is None:
            raise NotFound(f"no handover {handover_id}")
        return await signed_list(conn, row)


async def signed_list(conn: asyncpg.Connection, row: asyncpg.Record) -> SignedMinutesList:
    """The signed minutes of a handover the caller may read (its row), oldest first."""
    now = await _current_hash(conn, row)
    rows = await queries.files(conn, row["id"], SIGNED)
    return SignedMinutesList(content_hash=now, items=[_signed(r, now) for r in rows])


@get(
    "/{handover_id:int}/signed-minutes/{file_id:int}",
    guards=[allow(*READERS)],
    responses={**errors(404), **_FILE_RESPONSES},
)
async def signed_minutes_file(
    request: Request, state: State, handover_id: PathId, file_id: PathId
) -> Response:
    """One signed minutes PDF as it was sent."""
    return await signed_answer(state, _caller(request), handover_id, file_id)


async def signed_answer(
    state: State, principal: Principal, handover_id: int, file_id: int
) -> Response:
    """One signed minutes PDF of a handover in the caller's scope, as it was sent."""
    async with connection(state.pool) as conn:
        if await queries.get(conn, handover_id, principal.unit_id) is None:
            raise NotFound(f"no handover {handover_id}")
        row = await queries.file(conn, handover_id, SIGNED, file_id)
    if row is None:
        raise NotFound(f"no signed minutes {file_id} of handover {handover_id}")
    return _pdf_answer(row["content"], f"bien-ban-da-ky-{handover_id}-{file_id}.pdf")


router = Router(
    path="/api/v1/handovers",
    route_handlers=[
        minutes_pdf_file,
        minutes_docx_file,
        upload_decision,
        decision_file,
        upload_signed_minutes,
        signed_minutes,
        signed_minutes_file,
    ],
    tags=["handovers"],
    security=BEARER,
)
