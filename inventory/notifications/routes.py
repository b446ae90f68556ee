"""Notification routes: your notices, unread first, and marking them read.

A notice is its user's alone: another user's answers 404, as if it did not exist.
Marking read is the user's own state, not a change of the register: the write step
re-checks the caller, and no history event is kept (the events that caused the notices
are in history).
"""

from __future__ import annotations

import asyncpg
from litestar import Router, get, post
from litestar.params import JSONBody

from inventory.accounts.guards import READERS, Me, allow
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.errors import Invalid, NotFound
from inventory.history.write import Write
from inventory.notifications import filters, queries
from inventory.notifications.schemas import Marked, MarkRead, NotificationRead, Unread
from inventory.openapi import BEARER, errors


def read(row: asyncpg.Record) -> NotificationRead:
    return NotificationRead(**{k: row[k] for k in NotificationRead.__struct_fields__})


@get(
    "/",
    guards=[allow(*READERS)],
    responses=errors(),
    dependencies={"listing": filters.NOTIFICATIONS.provide()},
)
async def list_notifications(conn: Conn, principal: Me, listing: Listed) -> Page[NotificationRead]:
    """Your notices: unread first, newest first (sort `-id` for newest first alone)."""
    query = ListQuery()
    queries.mine(query, principal)
    return await listing.page(conn, queries.LIST, query, read)


@get("/unread", guards=[allow(*READERS)], responses=errors())
async def unread_count(conn: Conn, principal: Me) -> Unread:
    """How many of your notices are unread (the start page's badge)."""
    return Unread(unread=await queries.unread(conn, principal))


@post("/read", guards=[allow(*READERS)], status_code=200, responses=errors(404, 422))
async def mark_read(conn: Conn, principal: Me, data: JSONBody[MarkRead]) -> Marked:
    """Mark your notices read: those of `ids`, or every one (`all: true`). An id that is
    not one of your notices is a 404, and nothing is marked."""
    ids = sorted(set(data.ids))
    if not ids and not data.all:
        raise Invalid("name the notices to mark read (ids), or all: true", field="ids")
    if len(ids) > 500:
        raise Invalid("at most 500 ids at once (or all: true)", field="ids")
    async with Write(conn, principal):
        unknown = await queries.not_mine(conn, principal, ids)
        if unknown:
            raise NotFound(f"no notification {unknown[0]} of yours", field="ids")
        marked = await queries.mark(conn, principal, ids, data.all)
        left = await queries.unread(conn, principal)
    return Marked(marked=marked, unread=left)


router = Router(
    path="/api/v1/notifications",
    route_handlers=[list_notifications, unread_count, mark_read],
    tags=["notifications"],
    security=BEARER,
)
