"""A handover's documents for the pages, by session: its minutes (PDF, DOCX), its scanned
decision and the signed minutes sent back, for everyone who may read the handover.

The API's own answers (`inventory.handovers.files`) with the session's caller: the API
takes bearer tokens only, so the handover's page links here. Minutes large enough to be
a job lead to the job's page, which offers the file once it is made.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request, Response, Router, get
from litestar.datastructures import State
from litestar.response import Redirect

from inventory.db.types import PathId
from inventory.handovers import files
from inventory.handovers import queries as handovers
from inventory.handovers.files import Format
from inventory.web.pages import login_redirect, when

_BASE = "/handovers/{handover_id:int}"


async def documents(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    """What the handover's page shows of its documents (`row`: the handover as the caller
    may read it): links, and who signed each signed copy sent back."""
    base = f"/handovers/{row['id']}"
    signed: list[dict[str, Any]] = []
    if await handovers.files(conn, row["id"], files.SIGNED):  # the hash only if needed
        for kept in (await files.signed_list(conn, row)).items:
            signers = [
                {
                    "name": s.common_name or s.subject,
                    "party": s.party,
                    "trusted": s.trust == "trusted",
                    "at": when(s.signed_at),
                }
                for s in kept.signatures
            ]
            signed.append(
                {"url": f"{base}/signed-minutes/{kept.id}", "current": kept.current, "by": signers}
            )
    return {
        "base": base,
        "decision": bool(await handovers.files(conn, row["id"], files.DECISION)),
        "signed": signed,
    }


async def _minutes(request: Request, state: State, handover_id: int, form: Format) -> Response:
    if request.user is None:
        return login_redirect(request)
    made = await files.minutes_file(state, request.user, handover_id, form)
    if isinstance(made, int):
        return Redirect(f"/jobs/{made}", status_code=303)
    return made


@get(f"{_BASE}/minutes.pdf", include_in_schema=False)
async def minutes_pdf(request: Request, state: State, handover_id: PathId) -> Response:
    return await _minutes(request, state, handover_id, Format.PDF)


@get(f"{_BASE}/minutes.docx", include_in_schema=False)
async def minutes_docx(request: Request, state: State, handover_id: PathId) -> Response:
    return await _minutes(request, state, handover_id, Format.DOCX)


@get(f"{_BASE}/decision.pdf", include_in_schema=False)
async def decision(request: Request, state: State, handover_id: PathId) -> Response:
    if request.user is None:
        return login_redirect(request)
    return await files.decision_answer(state, request.user, handover_id)


@get(f"{_BASE}/signed-minutes/{{file_id:int}}", include_in_schema=False)
async def signed_minutes(
    request: Request, state: State, handover_id: PathId, file_id: PathId
) -> Response:
    if request.user is None:
        return login_redirect(request)
    return await files.signed_answer(state, request.user, handover_id, file_id)


router = Router(path="/", route_handlers=[minutes_pdf, minutes_docx, decision, signed_minutes])
