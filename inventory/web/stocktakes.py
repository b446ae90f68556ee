"""The stocktake pages for officers: `/stocktakes` (the open counts of my scope, and the
recently closed with their documents) and
`/stocktakes/{id}` (the camera scanner of `/scan`, a room chooser and the expected list,
kept on the phone so a count goes on without a connection). A closed count's page links
its minutes (PDF) and result lists (XLSX), served here by session for every reader.

The page queues each scan in the phone's IndexedDB under an id made there, then sends
batches to `POST /stocktakes/{id}/scans`: the session's twin of the API's route (which
takes bearer tokens only), guarded by the CSRF token in the `x-csrftoken` header, and
calling the same `receive_scans`; the `x-scans-by` header names whose scans they are, so
that scans made by one officer are never recorded as another's who signed in since (409,
kept on the phone). The service worker (`/sw.js`, `static/sw.js`) keeps
the pages and their scripts for opening offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from asyncpg import Record
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery, HeaderParameter, JSONBody
from litestar.response import File, Redirect, Template

from inventory.accounts.guards import WRITERS, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.db.dependencies import Conn
from inventory.db.listing import MAX_LIMIT, Listing, ListQuery
from inventory.db.pool import connection
from inventory.db.types import PathId
from inventory.deployment import base_url
from inventory.errors import Conflict
from inventory.rooms import filters as room_filters
from inventory.rooms import queries as room_queries
from inventory.stocktakes import filters, queries
from inventory.stocktakes.routes import (
    STOCKTAKES,
    load_minutes,
    minutes_pdf_response,
    receive_scans,
    results_xlsx_response,
)
from inventory.stocktakes.schemas import BatchAnswer, ScanBatch
from inventory.web.pages import login_redirect, page, when

SERVICE_WORKER = Path(__file__).parent / "static" / "sw.js"
SHOWN = 100
"""Open stocktakes listed; a unit has one or two at a time."""
CLOSED_SHOWN = 20
"""Closed stocktakes listed (newest first) with their minutes and result lists."""


def _of_scope(principal: Principal) -> ListQuery:
    """Stocktakes of the caller's scope (a new query each time: a listing adds to it)."""
    query = ListQuery()
    query.add(in_scope("s.unit_id", "{}"), principal.unit_id)
    return query


@get("/stocktakes", include_in_schema=False)
async def stocktakes_page(
    request: Request, conn: Conn, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    listing = filters.STOCKTAKES.choices(status="open", limit=SHOWN)
    found = await listing.page(conn, queries.LIST, _of_scope(principal), lambda r: r)
    rows = [{**dict(r), "opened": when(r["opened_at"])} for r in found.items]
    listing = filters.STOCKTAKES.choices(status="closed", limit=CLOSED_SHOWN)
    done = await listing.page(conn, queries.LIST, _of_scope(principal), lambda r: r)
    closed = [{**dict(r), "closed": when(r["closed_at"])} for r in done.items]
    return page(request, "stocktakes.html", lang, stocktakes=rows, closed=closed)


async def _all(
    conn: Conn, listing: Listing, select: str, where: str, value: object, **given: object
) -> list[Record]:
    """Every row of a list, page by page (`where` with one `{}` for `value`)."""
    rows: list[Record] = []
    cursor = None
    while True:
        query = ListQuery()
        query.add(where, value)
        choices = listing.choices(limit=MAX_LIMIT, cursor=cursor, **given)
        got = await choices.page(conn, select, query, lambda r: r)
        rows += got.items
        cursor = got.next_cursor
        if cursor is None:
            return rows


@get("/stocktakes/{stocktake_id:int}", include_in_schema=False)
async def stocktake_page(
    request: Request, conn: Conn, stocktake_id: PathId, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    row = await STOCKTAKES.get(conn, principal, stocktake_id)  # another unit's: 404
    if principal.role not in WRITERS:
        raise PermissionDeniedException(f"the {principal.role} role does not count")
    # The rooms with their labels' codes, so that scanning a room label chooses it.
    site_rooms = await _all(
        conn,
        room_filters.ROOMS,
        room_queries.LIST,
        in_scope("s.holder_unit_id", "{}"),
        principal.unit_id,
        site_id=row["site_id"],
    )
    codes = {r["id"]: r["tag"] for r in site_rooms}
    rooms = [[i, n, codes.get(i)] for i, n in zip(row["room_ids"], row["room_names"], strict=True)]
    expected = await _all(
        conn, filters.EXPECTED, queries.EXPECTED, "stocktake_id = {}", stocktake_id
    )
    return page(
        request,
        "stocktake.html",
        lang,
        stocktake=row,
        # Labels carry the public base URL's host; the page adds its own (as /scan does).
        label_host=urlsplit(await base_url.of_app(request.app.state)).netloc.lower(),
        data={
            "id": stocktake_id,
            "user": principal.user_id,
            "rooms": rooms,
            "expected": [[e["tag"], e["name"], e["room_id"]] for e in expected],
        },
    )


@post(
    "/stocktakes/{stocktake_id:int}/scans",
    include_in_schema=False,
    guards=[allow(*WRITERS)],
    status_code=200,
)
async def stocktake_scans(
    request: Request,
    conn: Conn,
    stocktake_id: PathId,
    data: JSONBody[ScanBatch],
    scans_by: Annotated[int | None, HeaderParameter(name="x-scans-by")] = None,
) -> BatchAnswer:
    if scans_by != request.user.user_id:
        raise Conflict(
            f"these scans are user {scans_by}'s: they are sent when that user signs in",
            field="x-scans-by",
        )
    return await receive_scans(conn, request.user, stocktake_id, data)


@get("/stocktakes/{stocktake_id:int}/minutes.pdf", include_in_schema=False)
async def stocktake_minutes(request: Request, state: State, stocktake_id: PathId) -> Response:
    """The API's minutes by session: readers of the unit too (the counting page is not
    theirs, its documents are)."""
    if request.user is None:
        return login_redirect(request)
    async with connection(state.pool) as conn:
        data = await load_minutes(conn, request.user, stocktake_id)
    return await minutes_pdf_response(data)


@get("/stocktakes/{stocktake_id:int}/results.xlsx", include_in_schema=False)
async def stocktake_results(request: Request, state: State, stocktake_id: PathId) -> Response:
    if request.user is None:
        return login_redirect(request)
    async with connection(state.pool) as conn:
        data = await load_minutes(conn, request.user, stocktake_id)
    return await results_xlsx_response(data)


@get("/sw.js", include_in_schema=False)
async def service_worker() -> Response:
    """The service worker, at the root so that its scope covers /scan and /stocktakes."""
    return File(
        SERVICE_WORKER,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
        content_disposition_type="inline",
    )


router = Router(
    path="/",
    route_handlers=[
        stocktakes_page,
        stocktake_page,
        stocktake_scans,
        stocktake_minutes,
        stocktake_results,
        service_worker,
    ],
)
