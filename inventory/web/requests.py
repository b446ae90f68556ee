"""The request queue pages: `/requests` (the requests of my scope, by status, newest
first) and `/requests/{id}` (its lines with their gaps, flags and decisions, its history,
and the steps this user may take in its state).

Every step is the API's own route function (`api.endorse.fn`, ...), called with the
session's principal, as the handover pages do: the checks, history and refusals are the
API's, and a refusal comes back as the page with the problem beside its form."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from litestar import Request, Router, get, post
from litestar.params import FromQuery
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS, allow
from inventory.accounts.principal import Principal, Role
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.history.filters import OF_RECORD
from inventory.requests import filters, queries, rules
from inventory.requests import routes as api
from inventory.requests.routes import REQUESTS
from inventory.requests.schemas import Endorsement, LineDecision, RequestStatus
from inventory.web import readable
from inventory.web.handovers import form_of, refusal
from inventory.web.i18n import texts
from inventory.web.pages import login_redirect, page, when

SHOWN = 100
"""Requests per page of the list."""
LATEST = OF_RECORD.choices(sort="-id", limit=100)
STATUSES = [s.value for s in RequestStatus]
STEPS = ("submit", "endorse", "send_back", "review", "decide")
"""What an action reports back on the request's page (`?done=`)."""
_NOTED = ("endorse", "send_back")
"""Steps whose history shows the leader's note."""


def _actions(row: asyncpg.Record, principal: Principal) -> dict[str, bool]:
    """What this user may do now, as the state machine, their role and side allow."""
    side = rules.side(principal.unit_id, row["unit_id"])
    can = {t.action for t in rules.STATUS.available(row["status"], principal.role, side)}
    return {
        "submit": "submit" in can,
        "endorse": "endorse" in can,
        "send_back": "send_back" in can,
        "review": "review" in can,
        "decide": rules.DECIDE in can,
    }


@get("/requests", include_in_schema=False)
async def requests_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    given: dict[str, Any] = {"limit": SHOWN, "cursor": cursor}
    if status in STATUSES:
        given["status"] = status
    found = await api.list_requests.fn(
        conn=conn, principal=principal, listing=filters.REQUESTS.choices(**given)
    )
    more = None
    if found.next_cursor:
        more = f"?cursor={found.next_cursor}" + (f"&status={status}" if "status" in given else "")
    return page(
        request,
        "requests.html",
        lang,
        requests=found.items,
        chosen=given.get("status", ""),
        statuses=STATUSES,
        more=more,
        desk_here="requests",
    )


async def _show(
    request: Request,
    conn: asyncpg.Connection,
    request_id: int,
    lang: str | None,
    *,
    done: str | None = None,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    principal = request.user
    row = await REQUESTS.get(conn, principal, request_id)  # another unit's: 404
    shown = REQUESTS.read(row)
    t = texts(request, lang)
    # A status in the history by the request's own words, not a handover's.
    worded = {**t, **{f"status_{s}": t[f"nd_rq_{s}"] for s in STATUSES}}
    events = await REQUESTS.history(conn, principal, request_id, LATEST)
    history = [
        {
            "at": when(e.at),
            "actor": e.actor_name or e.actor_login,
            "action": e.action,
            "changes": readable.changes(e.before, e.after, worded),
            "note": (e.after or {}).get("endorsement_note") if e.action in _NOTED else None,
        }
        for e in events.items
    ]
    return page(
        request,
        "request.html",
        lang,
        status,
        r=shown,
        decided_at={line.id: when(line.decided_at) for line in shown.lines},
        deciders=await queries.names(conn, [d.decided_by for d in shown.lines if d.decided_by]),
        created_at=when(shown.created_at),
        history=history,
        actions=_actions(row, principal),
        done=done if done in STEPS else None,
        error=error or {},
        desk_here="requests",
    )


@get("/requests/{request_id:int}", include_in_schema=False)
async def request_page(
    request: Request,
    conn: Conn,
    request_id: PathId,
    lang: FromQuery[str | None] = None,
    done: FromQuery[str | None] = None,
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    return await _show(request, conn, request_id, lang, done=done)


def _refusal(exc: Exception, t: dict[str, str]) -> str:
    """The handover pages' words for a refusal, with this page's own for its fields, a
    role or side refused and a step its state does not allow."""
    extra = getattr(exc, "extra", None)
    field = str(extra.get("field", "")) if isinstance(extra, dict) else ""
    if isinstance(exc, msgspec.ValidationError):
        field = next((f for f in ("approved_quantity", "reason", "note") if f in str(exc)), "")
    status = getattr(exc, "status_code", 422)
    if status == 422 and f"rq_err_{field}" in t:
        return t[f"rq_err_{field}"]
    if status == 403:
        return t["rq_err_forbidden"]
    if status == 409 and isinstance(extra, dict) and "state" in extra:
        state = str(extra["state"])
        return t["rq_err_state"].format(state=t.get(f"nd_rq_{state}", state))
    return refusal(exc, t)


async def _act(
    request: Request, conn: asyncpg.Connection, request_id: int, action: str, call: Any,
    line_id: int | None = None,
) -> Template | Redirect:  # fmt: skip
    """Run one of the API's steps; back to the page with `done`, or with the refusal."""
    try:
        await call
    except (ProblemDetailsException, msgspec.ValidationError) as refused:
        status = 422 if isinstance(refused, msgspec.ValidationError) else refused.status_code
        await REQUESTS.get(conn, request.user, request_id)  # another unit's: 404
        message = _refusal(refused, texts(request, None))
        error = {"action": action, "line": line_id, "message": message}
        return await _show(request, conn, request_id, None, error=error, status=status)
    return Redirect(f"/requests/{request_id}?done={action}", status_code=303)


@post("/requests/{request_id:int}/submit", include_in_schema=False, guards=[allow(*WRITERS)])
async def submit_page(request: Request, conn: Conn, request_id: PathId) -> Template | Redirect:
    call = api.submit.fn(conn=conn, principal=request.user, request_id=request_id)
    return await _act(request, conn, request_id, "submit", call)


@post("/requests/{request_id:int}/review", include_in_schema=False, guards=[allow(Role.LEADER)])
async def review_page(request: Request, conn: Conn, request_id: PathId) -> Template | Redirect:
    call = api.review.fn(conn=conn, principal=request.user, request_id=request_id)
    return await _act(request, conn, request_id, "review", call)


def _word_route(action: str) -> Any:
    """Endorsing or sending back, with the leader's note (required to send back)."""
    route = getattr(api, action)

    @post(
        f"/requests/{{request_id:int}}/{action.replace('_', '-')}",
        include_in_schema=False,
        guards=[allow(Role.LEADER)],
        name=f"request-page-{action}",
    )
    async def step(request: Request, conn: Conn, request_id: PathId) -> Template | Redirect:
        note = form_of(await request.form()).get("note", "").strip()

        async def call() -> Any:
            data = msgspec.convert({"note": note}, Endorsement)
            return await route.fn(
                conn=conn, principal=request.user, request_id=request_id, data=data
            )

        return await _act(request, conn, request_id, action, call())

    return step


@post(
    "/requests/{request_id:int}/lines/{line_id:int}/decision",
    include_in_schema=False,
    guards=[allow(Role.LEADER)],
)
async def decide_page(
    request: Request, conn: Conn, request_id: PathId, line_id: PathId
) -> Template | Redirect:
    typed = form_of(await request.form())

    async def call() -> Any:
        wanted = {
            "approved_quantity": typed.get("approved_quantity", "").strip(),
            "reason": typed.get("reason", "").strip(),
        }
        data = msgspec.convert(wanted, LineDecision, strict=False)
        return await api.decide_line.fn(
            conn=conn, principal=request.user, request_id=request_id, line_id=line_id, data=data
        )

    return await _act(request, conn, request_id, "decide", call(), line_id)


router = Router(
    path="/",
    route_handlers=[
        requests_page,
        request_page,
        submit_page,
        review_page,
        *(_word_route(a) for a in ("endorse", "send_back")),
        decide_page,
    ],
)
