"""The notices page: `/notifications`, the signed-in user's notices (unread first), each
saying what happened to which handover, and a form marking them all read. The API's
rules: a user sees and marks only their own."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inventory.accounts.principal import Principal
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery
from inventory.history.write import Write
from inventory.notifications import filters, queries
from inventory.web.pages import login_redirect, page, when

SHOWN = 50
"""Notices on the page: the unread ones first, then the latest read."""


def _notice(row: Any) -> dict[str, Any]:
    context = row["context"] or {}
    return {
        "id": row["id"],
        "kind": row["kind"],
        "handover_id": row["handover_id"],
        "unread": row["read_at"] is None,
        "at": when(row["created_at"]),
        "decision": context.get("decision_number", ""),
        "giving": context.get("giving_unit_name", ""),
        "receiving": context.get("receiving_unit_name", ""),
        "detail": context.get("detail", ""),
        "days_left": context.get("days_left"),
    }


@get("/notifications", include_in_schema=False)
async def notifications_page(
    request: Request, conn: Conn, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    found = await filters.NOTIFICATIONS.choices(limit=SHOWN).page(
        conn, queries.LIST, _mine(principal), _notice
    )
    unread = await queries.unread(conn, principal)
    return page(request, "notifications.html", lang, notices=found.items, unread=unread)


@post("/notifications/read", include_in_schema=False)
async def mark_all_read(request: Request, conn: Conn) -> Redirect:
    """The page's form: every notice of mine read, then the page again."""
    principal = request.user
    if principal is None:
        return login_redirect(request, "/notifications")
    async with Write(conn, principal):
        await queries.mark(conn, principal, [], True)
    return Redirect("/notifications", status_code=303)


def _mine(principal: Principal) -> ListQuery:
    query = ListQuery()
    queries.mine(query, principal)
    return query


router = Router(path="/", route_handlers=[notifications_page, mark_all_read])
