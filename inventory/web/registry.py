"""The desktop register pages besides assets: units (with each unit's merger lineage drawn,
former units → the new one), sites, rooms, and (for admins) users. Each list is the API's
list of the caller's scope, with its search, filters and keyset paging
(`<domain>/filters.py`); a unit outside the scope is the not-found page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import asyncpg
from litestar import Request, Router, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inventory.accounts.principal import Role
from inventory.accounts.scope import in_scope
from inventory.db.dependencies import Conn
from inventory.db.listing import Listing, ListQuery
from inventory.db.types import PathId
from inventory.rooms import filters as room_filters
from inventory.rooms import queries as room_queries
from inventory.rooms.routes import ROOMS
from inventory.rooms.schemas import RoomPurpose
from inventory.sites import filters as site_filters
from inventory.sites import queries as site_queries
from inventory.sites.routes import SITES
from inventory.units import filters as unit_filters
from inventory.units import queries as unit_queries
from inventory.units.routes import UNITS, lineage
from inventory.units.schemas import UnitKind
from inventory.users import filters as user_filters
from inventory.users import queries as user_queries
from inventory.users.routes import USERS
from inventory.web.pages import login_redirect, page

PER_PAGE = 50
BOX_W, BOX_H, GAP, ARROW = 260, 44, 12, 90
"""The lineage drawing's boxes (px): former units in a column, an arrow, the new unit."""


async def scope_list(
    conn: asyncpg.Connection,
    listing: Listing,
    select: str,
    scope: str,
    scope_unit_id: int,
    read: Callable[[asyncpg.Record], Any],
    path: str,
    cursor: str | None,
    **given: Any,
) -> dict[str, Any]:
    """One page of a list of the scope, and the links to the next and the first page
    (the register's lists, and the blank batches')."""
    query = ListQuery()
    query.add(in_scope(scope, "{}"), scope_unit_id)
    chosen = listing.choices(**given, cursor=cursor, limit=PER_PAGE)
    found = await chosen.page(conn, select, query, read)
    kept = {k: (v.value if hasattr(v, "value") else v) for k, v in given.items() if v}
    return {
        "rows": found.items,
        "given": kept,
        "next_url": f"{path}?{urlencode({**kept, 'cursor': found.next_cursor})}"
        if found.next_cursor
        else None,
        "first_url": f"{path}?{urlencode(kept)}" if cursor else None,
    }


@get("/units", include_in_schema=False)
async def units_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    kind: FromQuery[UnitKind | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    found = await scope_list(
        conn,
        unit_filters.UNITS,
        unit_queries.LIST,
        "id",
        request.user.unit_id,
        UNITS.read,
        "/units",
        cursor,
        q=q,
        kind=kind,
    )
    kinds = [k.value for k in UnitKind]
    return page(request, "units.html", lang, desk_here="units", kinds=kinds, **found)


def drawing(formed_from: list[Any], unit: Any, merged_into: Any | None) -> dict[str, Any]:
    """Where each box and arrow of a lineage goes: the former units in a column on the left,
    the unit in the middle, what it was merged into on the right."""
    rows = max(len(formed_from), 1)
    height = rows * (BOX_H + GAP)
    middle = (height - BOX_H) / 2
    x_unit = BOX_W + ARROW if formed_from else 0
    boxes = [
        {"x": 0, "y": i * (BOX_H + GAP), "unit": u, "former": True}
        for i, u in enumerate(formed_from)
    ]
    boxes.append({"x": x_unit, "y": middle, "unit": unit, "current": True})
    arrows = [
        {"x1": BOX_W, "y1": b["y"] + BOX_H / 2, "x2": x_unit - 4, "y2": middle + BOX_H / 2}
        for b in boxes[:-1]
    ]
    width = x_unit + BOX_W
    if merged_into is not None:
        x_target = x_unit + BOX_W + ARROW
        boxes.append({"x": x_target, "y": middle, "unit": merged_into})
        arrows.append(
            {"x1": width, "y1": middle + BOX_H / 2, "x2": x_target - 4, "y2": middle + BOX_H / 2}
        )
        width = x_target + BOX_W
    return {
        "boxes": boxes,
        "arrows": arrows,
        "width": width,
        "height": height,
        "w": BOX_W,
        "h": BOX_H,
    }


@get("/units/{unit_id:int}", include_in_schema=False)
async def unit_page(
    request: Request, conn: Conn, unit_id: PathId, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    unit = UNITS.read(await UNITS.get(conn, request.user, unit_id))  # another's: 404
    found = await lineage(conn, request.user, unit_id)
    return page(
        request,
        "unit.html",
        lang,
        desk_here="units",
        unit=unit,
        lineage=found,
        drawing=drawing(found.formed_from, found.unit, found.merged_into),
    )


@get("/sites", include_in_schema=False)
async def sites_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    holder_unit_id: FromQuery[int | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    found = await scope_list(
        conn,
        site_filters.SITES,
        site_queries.LIST,
        "holder_unit_id",
        request.user.unit_id,
        SITES.read,
        "/sites",
        cursor,
        q=q,
        holder_unit_id=holder_unit_id,
    )
    return page(request, "sites.html", lang, desk_here="sites", **found)


@get("/rooms", include_in_schema=False)
async def rooms_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    site_id: FromQuery[int | None] = None,
    purpose: FromQuery[RoomPurpose | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    found = await scope_list(
        conn,
        room_filters.ROOMS,
        room_queries.LIST,
        "s.holder_unit_id",
        request.user.unit_id,
        ROOMS.read,
        "/rooms",
        cursor,
        q=q,
        site_id=site_id,
        purpose=purpose,
    )
    purposes = [p.value for p in RoomPurpose]
    return page(request, "rooms.html", lang, desk_here="rooms", purposes=purposes, **found)


@get("/users", include_in_schema=False)
async def users_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    role: FromQuery[Role | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template | Redirect:
    """Users and their roles, for admins (who alone manage them)."""
    if request.user is None:
        return login_redirect(request)
    if request.user.role != Role.ADMIN:
        raise PermissionDeniedException("users are the admins' to manage")
    found = await scope_list(
        conn,
        user_filters.USERS,
        user_queries.LIST,
        "unit_id",
        request.user.unit_id,
        USERS.read,
        "/users",
        cursor,
        q=q,
        role=role,
    )
    roles = [r.value for r in Role]
    return page(request, "users.html", lang, desk_here="users", roles=roles, **found)


router = Router(
    path="/", route_handlers=[units_page, unit_page, sites_page, rooms_page, users_page]
)
