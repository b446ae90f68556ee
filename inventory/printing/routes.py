"""Label routes: print-ready labels for one asset, a selection of assets, a blank batch, or
rooms (a site's, or one).

Rows are read on a connection held only for that, then the file is rendered in a
worker thread (and, for big runs, the app's process pool): a render of hundreds
of labels neither blocks the event loop nor keeps a database connection. So these
handlers take neither `conn` nor `principal` (which is resolved after `conn`, and
would keep it until the response is sent): the caller comes from the request.

Each account renders at most `INVENTORY_LABELS_PER_MINUTE` labels a minute here (429 with
Retry-After past that), counted in PostgreSQL by the sign-in throttle's statements, so
every worker and machine shares the count: renders sent at once by one account cannot
fill the label process pool. Larger runs are jobs (`printing.jobs`), capped per account.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import anyio
import asyncpg
from litestar import Request, Response, Router, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery

from inventory.accounts import throttle
from inventory.accounts.guards import READERS, allow
from inventory.accounts.principal import Principal
from inventory.assets import queries as assets
from inventory.assets.filters import ASSETS
from inventory.db.listing import Listed, ListParams
from inventory.db.pool import connection
from inventory.db.types import PathId, QueryId
from inventory.deployment import base_url as deployment
from inventory.errors import Conflict, Invalid, NotFound
from inventory.openapi import BEARER, errors, file_types
from inventory.printing import queries
from inventory.printing import render as printing
from inventory.printing.render import DEFAULT_STOCK, MAX_LABELS, LabelFormat, Options
from inventory.rooms import queries as rooms
from inventory.sites import queries as sites
from inventory.tags import queries as tags
from labels import LabelData


def _options(
    format: FromQuery[LabelFormat] = LabelFormat.PDF,
    stock: FromQuery[str] = DEFAULT_STOCK,
    skip: FromQuery[int] = 0,
) -> Options:
    return printing.options(format, stock, skip)


LABELS_WINDOW = 60  # seconds: the window of INVENTORY_LABELS_PER_MINUTE

LabelOptions = NamedDependency[Options]
"""Handler parameter type for `format`, `stock` (a name from the labels registry) and `skip`."""


# What `format` makes (inventory/printing/render.py): the document names each.
LABEL_FILES = file_types("application/pdf", "image/png", "application/zip", "text/plain")


def _responses(*codes: int) -> dict[int, ResponseSpec]:
    """The file as the 200 answer (not the JSON string the return type would say), and errors."""
    return {
        **errors(*codes, 429),
        200: ResponseSpec(
            data_container=bytes,
            media_type="application/octet-stream",
            generate_examples=False,
            description="application/pdf, image/png (one label), application/zip (a PNG per"
            " label) or ZPL as text/plain, as `format` asks; sent as an attachment",
        ),
    }


def _caller(request: Request) -> Principal:
    """The signed-in caller (the route's guard has made sure there is one)."""
    return request.user


async def _respond(
    state: State,
    principal: Principal,
    rows: list[asyncpg.Record],
    options: Options,
    name: str,
    make: Callable[[asyncpg.Record, str], LabelData] = printing.label,
    nothing: str = "no tagged asset in your scope matches",
) -> Response[bytes]:
    if not rows:
        raise NotFound(nothing)
    if len(rows) > MAX_LABELS:
        raise Invalid(
            f"more than {MAX_LABELS} labels: narrow the selection, or print them"
            " with `inventory labels`"
        )
    budget = state.settings.labels_per_minute
    async with connection(state.pool) as conn:
        await throttle.spend(
            conn,
            f"labels:{principal.user_id}",
            len(rows),
            budget,
            LABELS_WINDOW,
            f"more than {budget} labels a minute for your account: wait (Retry-After), or"
            " print a large run as a job (POST /api/v1/labels/jobs)",
        )
    base_url = await deployment.of_app(state)
    labels = [make(row, base_url) for row in rows]
    output = await anyio.to_thread.run_sync(
        partial(printing.render, labels, options, executor=state.label_pool)
    )
    return Response(
        output.content,
        media_type=output.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{output.extension}"'},
    )


@get(
    "/assets/{asset_id:int}",
    guards=[allow(*READERS)],
    operation_class=LABEL_FILES,
    responses=_responses(404, 409, 422),
)
async def asset_label(
    request: Request, state: State, asset_id: PathId, options: LabelOptions
) -> Response[bytes]:
    """The label of one asset in your scope (409 while it has no tag)."""
    return await one_asset_label(state, _caller(request), asset_id, options)


async def one_asset_label(
    state: State, principal: Principal, asset_id: int, options: Options
) -> Response[bytes]:
    """One asset's label file (the API's and the asset page's preview)."""
    async with connection(state.pool) as conn:
        asset = await assets.fetch(conn, asset_id, principal.unit_id)
        if asset is None:
            raise NotFound(f"no asset {asset_id}")
        if asset["tag"] is None:
            raise Conflict(f"asset {asset_id} has no tag yet: POST /api/v1/assets/{asset_id}/tag")
        rows = await queries.asset_labels(conn, principal.unit_id, ASSETS.choices(), [asset_id], 1)
    return await _respond(state, principal, rows, options, asset["tag"])


@get(
    "/assets", guards=[allow(*READERS)], operation_class=LABEL_FILES, responses=_responses(404, 422)
)
async def selection_labels(
    request: Request,
    state: State,
    listing: Listed,
    options: LabelOptions,
    ids: FromQuery[list[int] | None] = None,
) -> Response[bytes]:
    """Labels of the tagged assets in your scope that `ids` and the asset list filters select,
    room by room. Untagged assets are left out."""
    return await selection_file(state, _caller(request), listing, options, ids)


async def selection_file(
    state: State,
    principal: Principal,
    listing: ListParams,
    options: Options,
    ids: list[int] | None = None,
) -> Response[bytes]:
    """The labels file of a selection (the API's and the label page's download)."""
    async with connection(state.pool) as conn:
        rows = await queries.asset_labels(conn, principal.unit_id, listing, ids, MAX_LABELS + 1)
    return await _respond(state, principal, rows, options, "labels")


@get(
    "/batches/{batch_id:int}",
    guards=[allow(*READERS)],
    operation_class=LABEL_FILES,
    responses=_responses(404, 422),
)
async def batch_labels(
    request: Request, state: State, batch_id: PathId, options: LabelOptions
) -> Response[bytes]:
    """Blank labels of a batch of a unit in your scope, in the order the codes were drawn."""
    return await batch_file(state, _caller(request), batch_id, options)


async def batch_file(
    state: State, principal: Principal, batch_id: int, options: Options
) -> Response[bytes]:
    """A batch's labels file (the API's and the blank batches page's download)."""
    async with connection(state.pool) as conn:
        if await tags.fetch_batch(conn, batch_id, principal.unit_id) is None:
            raise NotFound(f"no tag batch {batch_id}")
        rows = await queries.batch_labels(conn, batch_id)
    return await _respond(state, principal, rows, options, f"batch-{batch_id}")


@get(
    "/rooms", guards=[allow(*READERS)], operation_class=LABEL_FILES, responses=_responses(404, 422)
)
async def site_room_labels(
    request: Request, state: State, options: LabelOptions, site_id: QueryId
) -> Response[bytes]:
    """Labels of every room of a site in your scope, by name: the QR opens the room's page
    (/R/CODE), the text says the room and its site."""
    principal = _caller(request)
    async with connection(state.pool) as conn:
        if not await sites.visible(conn, site_id, principal.unit_id):
            raise NotFound(f"no site {site_id}")
        rows = await queries.room_labels(
            conn, principal.unit_id, site_id=site_id, limit=MAX_LABELS + 1
        )
    return await _respond(
        state,
        principal,
        rows,
        options,
        f"rooms-site-{site_id}",
        printing.room_label,
        f"site {site_id} has no room with a code",
    )


@get(
    "/rooms/{room_id:int}",
    guards=[allow(*READERS)],
    operation_class=LABEL_FILES,
    responses=_responses(404, 409, 422),
)
async def room_label(
    request: Request, state: State, room_id: PathId, options: LabelOptions
) -> Response[bytes]:
    """The label of one room in your scope (409 for a room without a code, one written into
    the database outside the app)."""
    principal = _caller(request)
    async with connection(state.pool) as conn:
        room = await rooms.fetch(conn, room_id, principal.unit_id)
        if room is None:
            raise NotFound(f"no room {room_id}")
        if room["tag"] is None:
            raise Conflict(f"room {room_id} has no code")
        rows = await queries.room_labels(conn, principal.unit_id, room_id=room_id, limit=1)
    return await _respond(state, principal, rows, options, room["tag"], printing.room_label)


router = Router(
    path="/api/v1/labels",
    route_handlers=[
        asset_label,
        selection_labels,
        batch_labels,
        site_room_labels,
        room_label,
    ],
    dependencies={
        "listing": ASSETS.provide(paged=False),
        "options": Provide(_options, sync_to_thread=False),
    },
    tags=["labels"],
    security=BEARER,
)
