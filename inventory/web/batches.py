"""The blank batches page: `/batches`, the batches of blank pre-printed labels of the
scope (newest first, how many of their tags are claimed), a form reserving a new batch
for a unit (those who change the register), and a batch's page: its tags in printing
order, each with the asset it was claimed for, and its labels to download on a stock
(`/batches/{id}/labels`, the label API's batch file by session).

Every step is the API's own (`tags.routes.reserve`, `printing.routes.batch_file`), so
the role, the scope and the history are theirs; the create form carries its
Idempotency-Key (`web.once`).
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.errors import Invalid
from inventory.printing.render import DEFAULT_STOCK, LabelFormat, options
from inventory.printing.routes import batch_file
from inventory.tags import filters
from inventory.tags import queries as tags
from inventory.tags.routes import BATCHES, reserve
from inventory.tags.schemas import MAX_BATCH, BatchCreate
from inventory.units import queries as units
from inventory.web import once
from inventory.web.pages import login_redirect, page, when
from inventory.web.registry import scope_list
from labels import STOCKS

PATH = "/batches"


async def _list_page(
    request: Request,
    conn: asyncpg.Connection,
    lang: str | None,
    unit_id: int | None = None,
    cursor: str | None = None,
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    resent: bool = False,
) -> Template:
    principal = request.user
    found = await scope_list(
        conn,
        filters.BATCHES,
        tags.LIST_BATCHES,
        "b.unit_id",
        principal.unit_id,
        lambda r: {**msgspec.structs.asdict(BATCHES.read(r)), "created": when(r["created_at"])},
        PATH,
        cursor,
        unit_id=unit_id,
    )
    writer = principal.role in WRITERS
    return page(
        request,
        "batches.html",
        lang,
        status,
        desk_here="batches",
        writer=writer,
        units=await units.choices(conn, principal.unit_id) if writer else [],
        values={"unit_id": str(principal.unit_id), "size": "21", **(typed or {})},
        key=once.new_key(),
        error=error,
        resent=resent,
        max_batch=MAX_BATCH,
        **found,
    )


@get(PATH, include_in_schema=False)
async def batches_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    unit_id: FromQuery[int | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    return await _list_page(request, conn, lang, unit_id, cursor)


@post(PATH, include_in_schema=False)
async def create_batch(
    request: Request, conn: Conn, data: URLEncodedBody[dict[str, str]]
) -> Template | Redirect:
    """A new batch, as `POST /api/v1/tags/batches`: on to its page."""
    principal = request.user
    if principal is None:
        return login_redirect(request, PATH)
    if principal.role not in WRITERS:
        raise PermissionDeniedException(f"the {principal.role} role does not reserve tags")
    typed = {k: data.get(k, "").strip() for k in ("unit_id", "size")}
    try:
        async with conn.transaction():
            key = await once.claim(conn, principal.user_id, PATH, data)
            body = msgspec.convert(typed, BatchCreate, strict=False)
            made = await reserve(conn, principal, request.app.state.settings.tag_prefix, body)
            location = f"{PATH}/{made.id}?done=created"
            await once.keep(conn, principal.user_id, key, location)
    except once.SentBefore as sent:
        if sent.location is not None:
            return Redirect(sent.location, status_code=303)
        return await _list_page(request, conn, None, status=409, typed=typed, resent=True)
    except msgspec.ValidationError as refused:
        field = "unit_id" if "unit_id" in str(refused) else "size"
        return await _list_page(request, conn, None, status=422, typed=typed, error=field)
    except Invalid as refused:
        field = str((refused.extra or {}).get("field", "")) or "size"
        return await _list_page(request, conn, None, status=422, typed=typed, error=field)
    return Redirect(location, status_code=303)


def _tag(tag: asyncpg.Record) -> dict[str, Any]:
    return {"code": tag["code"], "asset_id": tag["asset_id"], "claimed": when(tag["claimed_at"])}


@get(f"{PATH}/{{batch_id:int}}", include_in_schema=False)
async def batch_page(
    request: Request, conn: Conn, batch_id: PathId, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    row = await BATCHES.get(conn, request.user, batch_id)  # another unit's: 404
    batch = BATCHES.read(row)
    return page(
        request,
        "batch.html",
        lang,
        desk_here="batches",
        batch=batch,
        created=when(batch.created_at),
        tags=[_tag(t) for t in await tags.batch_tags(conn, batch_id)],
        stocks=[(s.name, s.title) for s in STOCKS.values()],
        stock=DEFAULT_STOCK,
        formats=[f.value for f in LabelFormat],
    )


@get(f"{PATH}/{{batch_id:int}}/labels", include_in_schema=False)
async def batch_labels(
    request: Request,
    state: State,
    batch_id: PathId,
    stock: FromQuery[str] = DEFAULT_STOCK,
    skip: FromQuery[int] = 0,
    format: FromQuery[LabelFormat] = LabelFormat.PDF,
) -> Response | Redirect:
    """The batch's labels file, as `GET /api/v1/labels/batches/{id}` answers it."""
    if request.user is None:
        return login_redirect(request)
    return await batch_file(state, request.user, batch_id, options(format, stock, skip))


router = Router(path="/", route_handlers=[batches_page, create_batch, batch_page, batch_labels])
