"""The desktop asset pages: `/assets`, the list of the caller's scope with the API's
search, filters, sort and keyset paging (assets/filters.py) and the totals of what the
filters keep; `/assets/{id}`, one asset's facts, photo, label preview and readable
history. Both read through the API's queries and `Records`, in the caller's scope:
another unit's asset is the not-found page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, Router, get
from litestar.datastructures import State
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS
from inventory.accounts.scope import in_scope
from inventory.assets import filters, queries
from inventory.assets.routes import ASSETS
from inventory.assets.schemas import AssetStatus, Ownership
from inventory.assets.writes import ENTITY
from inventory.categories import queries as categories
from inventory.db.dependencies import Conn
from inventory.db.listing import ListQuery
from inventory.db.types import PathId
from inventory.history import queries as history
from inventory.history.filters import OF_RECORD
from inventory.printing.render import DEFAULT_STOCK, LabelFormat, options
from inventory.printing.routes import one_asset_label
from inventory.sites.schemas import Condition
from inventory.web import readable
from inventory.web.i18n import texts
from inventory.web.pages import login_redirect, page, when

PER_PAGE = 50
SORTS = (
    "name",
    "-name",
    "tag",
    "acquisition_year",
    "-acquisition_year",
    "original_cost",
    "-original_cost",
)
"""The sorts the page offers (the API's keys; any other is refused as the API refuses it)."""
RECENT = OF_RECORD.choices(sort="-id", limit=20)
"""The asset page shows the latest changes; the tag's history page has them all."""


def _of_scope(unit_id: int, untagged: bool) -> ListQuery:
    query = ListQuery()
    query.add(in_scope("a.holder_unit_id", "{}"), unit_id)
    if untagged:  # the start page's "still without a label"
        query.add("a.tag IS NULL")
    return query


@get("/assets", include_in_schema=False)
async def assets_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    category_id: FromQuery[int | None] = None,
    status: FromQuery[AssetStatus | None] = None,
    condition: FromQuery[Condition | None] = None,
    ownership: FromQuery[Ownership | None] = None,
    holder_unit_id: FromQuery[int | None] = None,
    site_id: FromQuery[int | None] = None,
    room_id: FromQuery[int | None] = None,
    untagged: FromQuery[bool] = False,
    sort: FromQuery[str] = filters.ASSETS.default_sort,
    cursor: FromQuery[str | None] = None,
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    chosen: dict[str, Any] = {
        "q": q,
        "category_id": category_id,
        "status": status,
        "condition": condition,
        "ownership": ownership,
        "holder_unit_id": holder_unit_id,
        "site_id": site_id,
        "room_id": room_id,
    }
    listing = filters.ASSETS.choices(**chosen, sort=sort, cursor=cursor, limit=PER_PAGE)
    found = await listing.page(
        conn, queries.LIST, _of_scope(principal.unit_id, untagged), ASSETS.read
    )
    counted = _of_scope(principal.unit_id, untagged)
    listing.apply(counted)
    given = {k: (v.value if hasattr(v, "value") else v) for k, v in chosen.items() if v}
    if untagged:
        given["untagged"] = "1"
    if sort != filters.ASSETS.default_sort:
        given["sort"] = sort
    return page(
        request,
        "assets.html",
        lang,
        desk_here="assets",
        assets=found.items,
        totals=await queries.totals(conn, counted),
        given=given,
        next_url=f"/assets?{urlencode({**given, 'cursor': found.next_cursor})}"
        if found.next_cursor
        else None,
        first_url=f"/assets?{urlencode(given)}" if cursor else None,
        categories=await categories.choices(conn),
        statuses=[s.value for s in AssetStatus],
        conditions=[c.value for c in Condition],
        ownerships=[o.value for o in Ownership],
        sorts=SORTS,
    )


@get("/assets/{asset_id:int}", include_in_schema=False)
async def asset_page(
    request: Request,
    conn: Conn,
    asset_id: PathId,
    lang: FromQuery[str | None] = None,
    done: FromQuery[str | None] = None,
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    row = await ASSETS.get(conn, principal, asset_id)  # another unit's: 404
    asset = ASSETS.read(row)
    # The phone page's row has the latest photo; photos are served under the tag.
    shown = await queries.for_page(conn, row["tag"], principal.unit_id) if row["tag"] else None
    recent = await history.of_entity(conn, ENTITY, asset_id, RECENT)
    return page(
        request,
        "asset.html",
        lang,
        desk_here="assets",
        asset=asset,
        photo_id=shown["latest_photo_id"] if shown else None,
        seen_at=when(row["last_seen_at"]),
        can_write=principal.role in WRITERS,
        events=readable.events(recent.items, texts(request, lang)),
        more_history=recent.next_cursor is not None,
        done="saved" if done == "saved" else None,
    )


@get("/assets/{asset_id:int}/label.png", include_in_schema=False)
async def asset_label_preview(
    request: Request, state: State, asset_id: PathId
) -> Response | Redirect:
    """The label API's image of one asset, by session, for the asset page's preview."""
    if request.user is None:
        return login_redirect(request)
    return await one_asset_label(
        state, request.user, asset_id, options(LabelFormat.PNG, DEFAULT_STOCK, 0)
    )


router = Router(path="/", route_handlers=[assets_page, asset_page, asset_label_preview])
