"""The handover pages: `/handovers` (my unit's, as giver and as receiver) and
`/handovers/{id}` (its terms, deadline, summary, items, history, and the actions this
user may take in its state), one page for the phone and the desktop.

Every action is the API's own route function (`routes.submit.fn`, ...), called with the
session's principal, so a page takes exactly the API's steps and refusals: a refusal
comes back as the page with the problem beside the action, in the user's words
(`refusal`). The receiver's phone reads labels with `/scan`'s scanner; each tag read is
posted by `static/handover.js` to `POST /handovers/{id}/scans` (CSRF in a header), which
records it as received.
"""

from __future__ import annotations

import inspect
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

import asyncpg
import msgspec
from litestar import Request, Response, Router, get, post
from litestar.params import FromQuery, JSONBody
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.compliance import routes as flag_routes
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery
from inventory.db.types import PathId
from inventory.deployment import base_url
from inventory.handovers import filters, queries, rules
from inventory.handovers import routes as api
from inventory.handovers.routes import HANDOVERS
from inventory.handovers.schemas import (
    Dispute,
    Group,
    HandoverRead,
    Receipt,
    ReceiptBatch,
    SignBody,
    SurplusBatch,
    TransferStatus,
)
from inventory.history.filters import OF_RECORD
from inventory.sites.schemas import Condition
from inventory.tagcodes import normalize
from inventory.users import queries as users
from inventory.web import handover_files, once, readable
from inventory.web.i18n import texts
from inventory.web.pages import login_redirect, page, when

SHOWN = 100
"""Handovers per list, and items per page of one handover."""
LATEST = OF_RECORD.choices(sort="-id", limit=100)
CONDITIONS = [c.value for c in Condition]
GROUPS = [g.value for g in Group]
DONE = frozenset(
    {
        *("submit", "cancel", "resume", "dispute", "sign", "complete", "receipts", "surplus"),
        *("flag", "clear_flag"),
    }
)
"""What an action reports back on the handover's page (`?done=`)."""


class Scan(msgspec.Struct, forbid_unknown_fields=True):
    """One tag the receiver's phone read."""

    tag: str


# --- Reading ---------------------------------------------------------------------------


async def listed(
    conn: asyncpg.Connection, principal: Principal, side_column: str
) -> list[HandoverRead]:
    """Handovers whose unit in `side_column` (giving or receiving) is in my scope, soonest
    due first (the first `SHOWN`)."""
    query = ListQuery()
    query.add(in_scope(side_column, "{}"), principal.unit_id)
    choices = filters.HANDOVERS.choices(sort="due_date", limit=SHOWN)
    return (await choices.page(conn, queries.LIST, query, HANDOVERS.read)).items


async def open_handovers(conn: asyncpg.Connection, principal: Principal) -> list[HandoverRead]:
    """The open handovers of my scope, either side, soonest due first (the start page)."""
    query = ListQuery()
    unit = query.param(principal.unit_id)
    query.where.append(
        f"({in_scope('h.giving_unit_id', unit)} OR {in_scope('h.receiving_unit_id', unit)})"
        f" AND h.status IN ({', '.join(repr(s) for s in rules.OPEN)})"
    )
    choices = filters.HANDOVERS.choices(sort="due_date", limit=10)
    return (await choices.page(conn, queries.LIST, query, HANDOVERS.read)).items


def _actions(row: asyncpg.Record, principal: Principal) -> dict[str, Any]:
    """What this user may do now, as the state machine and their sides allow."""
    held = rules.sides(row["giver_side"], row["receiver_side"])
    status = row["status"]
    can = {t.action for side in held for t in rules.STATUS.available(status, principal.role, side)}
    signs = sorted(
        side for side in held if f"{side}_signs" in can and row[f"{side}_signed_at"] is None
    )
    return {
        "submit": "submit" in can and row["item_count"] > 0,
        "cancel": "cancel" in can,
        "resume": "resume" in can and row["item_count"] > 0,
        "dispute": "dispute" in can,
        "sign": signs,
        "flag": principal.role in flag_routes.FLAGGERS,
        "receive": rules.RECEIVER in held
        and status in rules.RECEIVING
        and principal.role in WRITERS,
    }


async def _items(
    conn: asyncpg.Connection, handover_id: int, status: str | None, cursor: str | None
) -> tuple[list[asyncpg.Record], str | None]:
    query = ListQuery()
    query.add("handover_id = {}", handover_id)
    given: dict[str, Any] = {"limit": SHOWN, "cursor": cursor}
    if status in {s.value for s in TransferStatus}:
        given["transfer_status"] = status
    found = await filters.ITEMS.choices(**given).page(conn, queries.ITEMS, query, lambda r: r)
    return found.items, found.next_cursor


async def _history(
    conn: asyncpg.Connection, principal: Principal, handover_id: int, t: dict[str, str]
) -> list[dict[str, Any]]:
    events = await HANDOVERS.history(conn, principal, handover_id, LATEST)
    return [
        {
            "at": when(e.at),
            "actor": e.actor_name or e.actor_login,
            "action": e.action,
            "changes": readable.changes(e.before, e.after, t),
        }
        for e in events.items
    ]


async def _show(
    request: Request,
    conn: asyncpg.Connection,
    principal: Principal,
    handover_id: int,
    lang: str | None,
    *,
    items_status: str | None = None,
    cursor: str | None = None,
    done: str | None = None,
    error: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    row = await HANDOVERS.get(conn, principal, handover_id)  # another unit's: 404
    detail = (
        await api.get_handover.fn(conn=conn, principal=principal, handover_id=handover_id)
    ).content
    items, next_cursor = await _items(conn, handover_id, items_status, cursor)
    t = texts(request, lang)
    actions = _actions(row, principal)
    person = await users.greeting(conn, principal.user_id)
    flags = await flag_routes.list_flags.fn(conn=conn, principal=principal, handover_id=handover_id)
    if error:
        # Beside its form; at the top when this user has no such form (the giver recording
        # receipt, a step the state no longer offers).
        form = {"receipts": "receive", "surplus": "receive", "clear_flag": "flag"}.get(
            error["action"], error["action"]
        )
        error = {**error, "top": "" if actions.get(form) else "yes"}
    more = None
    if next_cursor:
        more = "?" + urlencode(
            {k: v for k, v in (("items", items_status), ("cursor", next_cursor)) if v}
        )
    return page(
        request,
        "handover.html",
        lang,
        status,
        h=detail.handover,
        summary=detail.summary,
        items=items,
        items_status=items_status or "",
        more=more,
        history=await _history(conn, principal, handover_id, t),
        flags=[{**msgspec.structs.asdict(f), "at": when(f.flagged_at)} for f in flags.items],
        actions=actions,
        done=done if done in DONE else None,
        error=error or {},
        typed=typed or {},
        # Refused, a form comes back under its key: the corrected one is the same addition.
        key=(typed or {}).get(once.FIELD) or once.new_key(),
        person=person,
        conditions=CONDITIONS,
        groups=GROUPS,
        transfer_statuses=[s.value for s in TransferStatus],
        signed_at={side: when(row[f"{side}_signed_at"]) for side in (rules.GIVER, rules.RECEIVER)},
        completed_at=when(row["completed_at"]),
        label_host=urlsplit(await base_url.of_app(request.app.state)).netloc.lower(),
        data={"id": handover_id, "url": f"/handovers/{handover_id}/scans"},
        documents=await handover_files.documents(conn, row),
    )


@get("/handovers", include_in_schema=False)
async def handovers_page(
    request: Request, conn: Conn, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    return page(
        request,
        "handovers.html",
        lang,
        giving=await listed(conn, principal, "h.giving_unit_id"),
        receiving=await listed(conn, principal, "h.receiving_unit_id"),
    )


@get("/handovers/{handover_id:int}", include_in_schema=False)
async def handover_page(
    request: Request,
    conn: Conn,
    handover_id: PathId,
    lang: FromQuery[str | None] = None,
    items: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
    done: FromQuery[str | None] = None,
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    return await _show(
        request, conn, principal, handover_id, lang, items_status=items, cursor=cursor, done=done
    )


# --- Acting ----------------------------------------------------------------------------


def refusal(exc: Exception, t: dict[str, str], listed_count: int = 0) -> str:
    """The API's problem detail in the user's words: built from its status, the field at
    fault and, for a step the workflow refuses, the state it is in."""
    if isinstance(exc, msgspec.ValidationError):  # the form, before the API: `$.field`
        found = re.search(r"\$\.(?:items\[\d+\]\.)?(\w+)", str(exc))
        key = f"ho_err_{found.group(1)}" if found else ""
        return t[key] if key in t else t["ho_err_invalid"]
    assert isinstance(exc, ProblemDetailsException)
    extra = exc.extra if isinstance(exc.extra, dict) else {}
    field = str(extra.get("field", ""))
    if exc.status_code == 404:
        return t["ho_err_not_found"]
    if exc.status_code == 403:
        return t["ho_err_forbidden"]
    if exc.status_code == 409 and "state" in extra:
        if listed_count and "listed" in str(exc.detail):
            return t["ho_err_listed"].format(n=listed_count)
        state = str(extra["state"])
        return t["ho_err_state"].format(state=t.get(f"status_{state}", state))
    if exc.status_code == 409:
        return t["ho_err_conflict"]
    key = f"ho_err_{field.split('.')[0]}"
    return t[key] if key in t else t["ho_err_invalid"]


async def act(
    request: Request,
    conn: asyncpg.Connection,
    handover_id: int,
    action: str,
    call: Any,
    typed: dict[str, str] | None = None,
) -> Template | Redirect:
    """Run one of the API's steps; back to the page with `done`, or with the refusal. A
    form that adds something (a surplus item, a flag) carries a key: sent twice, it adds
    once, and the second sending lands where the first did."""
    principal = request.user

    async def refused(status: int, message: str) -> Template:
        return await _show(
            request,
            conn,
            principal,
            handover_id,
            None,
            error={"action": action, "message": message},
            typed=typed,
            status=status,
        )

    try:
        async with conn.transaction():
            path = f"/handovers/{handover_id}/{action}"
            key = await once.claim_sent(conn, principal.user_id, path, typed or {})
            answer = await call
            done = _done(handover_id, action, answer)
            await once.keep(conn, principal.user_id, key, done)
    except once.SentBefore as sent:
        call.close()  # the step is not run: the first sending's stands
        if sent.location:
            return Redirect(sent.location, status_code=303)
        return await refused(409, texts(request, None)["fm_resent"])
    except (ProblemDetailsException, msgspec.ValidationError) as problem:
        status = 422 if isinstance(problem, msgspec.ValidationError) else problem.status_code
        row = await HANDOVERS.get(conn, principal, handover_id)  # another unit's: 404
        return await refused(status, refusal(problem, texts(request, None), row["listed_count"]))
    return Redirect(done, status_code=303)


def _done(handover_id: int, action: str, answer: Any) -> str:
    """Where a step done goes: the handover's page, saying what was done."""
    content = getattr(answer, "content", answer)
    handover = getattr(content, "handover", content)
    if action == "sign" and getattr(handover, "status", None) == "completed":
        action = "complete"
    return f"/handovers/{handover_id}?done={action}"


def form_of(data: Any) -> dict[str, str]:
    return {k: v for k, v in data.items() if k != "_csrf_token"}


def _step_route(action: str) -> Any:
    route = getattr(api, action)
    told = "state" in inspect.signature(route.fn).parameters  # the parties are notified

    @post(
        f"/handovers/{{handover_id:int}}/{action}",
        include_in_schema=False,
        guards=[allow(*WRITERS)],
        name=f"handover-page-{action}",
    )
    async def step(request: Request, conn: Conn, handover_id: PathId) -> Template | Redirect:
        extra = {"state": request.app.state} if told else {}
        call = route.fn(conn=conn, principal=request.user, handover_id=handover_id, **extra)
        return await act(request, conn, handover_id, action, call)

    return step


@post("/handovers/{handover_id:int}/dispute", include_in_schema=False, guards=[allow(*WRITERS)])
async def dispute_page(request: Request, conn: Conn, handover_id: PathId) -> Template | Redirect:
    typed = form_of(await request.form())
    reason = typed.get("reason", "").strip()

    async def call() -> Any:
        data = msgspec.convert({"reason": reason}, Dispute)
        return await api.dispute.fn(
            conn=conn,
            principal=request.user,
            state=request.app.state,
            handover_id=handover_id,
            data=data,
        )

    return await act(request, conn, handover_id, "dispute", call(), typed)


@post("/handovers/{handover_id:int}/sign", include_in_schema=False, guards=[allow(*WRITERS)])
async def sign_page(request: Request, conn: Conn, handover_id: PathId) -> Template | Redirect:
    typed = form_of(await request.form())

    async def call() -> Any:
        wanted = {
            "name": typed.get("name", "").strip(),
            "position": typed.get("position", "").strip(),
            "side": typed.get("side") or None,
        }
        data = msgspec.convert(wanted, SignBody)
        return await api.sign.fn(
            conn=conn,
            principal=request.user,
            state=request.app.state,
            handover_id=handover_id,
            data=data,
        )

    return await act(request, conn, handover_id, "sign", call(), typed)


@post("/handovers/{handover_id:int}/receipts", include_in_schema=False, guards=[allow(*WRITERS)])
async def receipts_page(request: Request, conn: Conn, handover_id: PathId) -> Template | Redirect:
    """The desk's ticks (or a tap on the phone): the items chosen, as received, received
    damaged (with the condition found and a note) or missing."""
    form = await request.form()
    typed = form_of(form)

    async def call() -> Any:
        status = typed.get("status", "")
        wanted: dict[str, Any] = {
            "status": status,
            "item_ids": [int(i) for i in form.getall("item_ids", []) if i.isdigit()],
            "note": typed.get("note", "").strip(),
        }
        if status == Receipt.RECEIVED_DAMAGED:
            wanted["condition"] = typed.get("condition") or None
        data = msgspec.convert(wanted, ReceiptBatch)
        return await api.record_receipts.fn(
            conn=conn, principal=request.user, handover_id=handover_id, data=data
        )

    return await act(request, conn, handover_id, "receipts", call(), typed)


@post("/handovers/{handover_id:int}/surplus", include_in_schema=False, guards=[allow(*WRITERS)])
async def surplus_page(request: Request, conn: Conn, handover_id: PathId) -> Template | Redirect:
    """A surplus item the receiver found but the giver did not list."""
    typed = form_of(await request.form())

    async def call() -> Any:
        item: dict[str, Any] = {
            "name": typed.get("name", "").strip(),
            "form_group": typed.get("form_group") or "D",
            "unit_of_measure": typed.get("unit_of_measure", "").strip() or "cái",
            "quantity": typed.get("quantity") or 1,
            "condition": typed.get("condition") or "good",
            "note": typed.get("note", "").strip(),
        }
        if typed.get("tag", "").strip():
            item["tag"] = typed["tag"].strip()
        data = msgspec.convert({"items": [item]}, SurplusBatch, strict=False)
        return await api.add_surplus.fn(
            conn=conn, principal=request.user, handover_id=handover_id, data=data
        )

    return await act(request, conn, handover_id, "surplus", call(), typed)


@post(
    "/handovers/{handover_id:int}/scans",
    include_in_schema=False,
    guards=[allow(*WRITERS)],
    status_code=200,
)
async def scan_receipt(
    request: Request, conn: Conn, handover_id: PathId, data: JSONBody[Scan]
) -> Response:
    """One tag the receiver's phone read: its item received. The answer says so in the
    user's words, with the item's name and how many are still listed, or why not.

    A label read again once received (a camera left on it, the page reopened after
    signing) records nothing: recording again would void the signatures given."""
    t = texts(request, None)
    tag = normalize(data.tag)
    row = await HANDOVERS.get(conn, request.user, handover_id)  # another unit's: 404
    query = ListQuery()
    query.add("handover_id = {}", handover_id)
    query.add("tag = {}", tag)
    found = await filters.ITEMS.choices(limit=1).page(conn, queries.ITEMS, query, lambda r: r)
    item = found.items[0] if found.items else None
    if item is not None and item["transfer_status"] == TransferStatus.RECEIVED:
        return Response(
            {
                "tag": tag,
                "name": item["name"],
                "listed": row["listed_count"],
                "status": row["status"],
                "recorded": False,
                "message": t["ho_scan_already"].format(tag=tag, name=item["name"]),
            }
        )
    try:
        got = await api.record_receipts.fn(
            conn=conn,
            principal=request.user,
            handover_id=handover_id,
            data=ReceiptBatch(status=Receipt.RECEIVED, tags=[tag]),
        )
    except ProblemDetailsException as refused:
        message = refusal(refused, t)
        if refused.status_code == 422 and (refused.extra or {}).get("field") == "tags":
            message = t["ho_err_tag_not_listed"].format(tag=tag)
        return Response({"tag": tag, "message": message}, status_code=refused.status_code)
    assert item is not None  # recorded: the tag is the item's
    return Response(
        {
            "tag": tag,
            "name": item["name"],
            "listed": got.handover.listed,
            "status": got.handover.status,
            "recorded": True,
            "message": t["ho_scanned"].format(tag=tag, name=item["name"]),
        }
    )


router = Router(
    path="/",
    route_handlers=[
        handovers_page,
        handover_page,
        *(_step_route(a) for a in ("submit", "cancel", "resume")),
        dispute_page,
        sign_page,
        receipts_page,
        surplus_page,
        scan_receipt,
    ],
)
