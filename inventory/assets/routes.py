"""Asset routes: the registry of what units hold and where it stands, tag issuance and lookup."""

from __future__ import annotations

import re
from collections.abc import Callable

import asyncpg
import msgspec
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.api.exports import export_routes
from inventory.api.records import Records
from inventory.assets import export, filters, queries, rules
from inventory.assets.schemas import (
    AssetCreate,
    AssetMove,
    AssetPatch,
    AssetRead,
    AssetReport,
    ReportOperation,
)
from inventory.assets.writes import (
    ENTITY,
    attach_tag,
    check_references,
    move,
    register,
    report,
    require_untagged,
)
from inventory.clock import this_year
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.pool import connection
from inventory.db.types import PathId
from inventory.errors import NotFound, TooLarge, require_json
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.holding import require_no_history_for_holder
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, IfMatch, errors
from inventory.photos import uploads
from inventory.photos.routes import PHOTO_ROUTE
from inventory.tagcodes import normalize
from inventory.tags import queries as tags
from inventory.versioning import expected_version

_DIRECT = tuple(f for f in AssetRead.__struct_fields__ if f != "remaining_value_given")


def _read(row: asyncpg.Record, year: int | None = None) -> AssetRead:
    """The asset with its remaining value as of `year` (this year unless a list gives it once)."""
    fields = {k: row[k] for k in _DIRECT}
    fields["remaining_value"], fields["remaining_value_given"] = rules.effective_remaining_value(
        row["remaining_value"],
        row["original_cost"],
        row["wear_rate"],
        row["acquisition_year"],
        year or this_year(),
    )
    return AssetRead(**fields)


ASSETS = Records(ENTITY, _read, queries.GET, queries.GET_FOR_UPDATE)
ASSET_LIST = {"listing": filters.ASSETS.provide()}


def untagged(tag: str) -> NotFound:
    """No asset in the caller's scope bears `tag` (or none at all: the answer is the same)."""
    return NotFound(f"no asset tagged {tag}")


@get("/", guards=[allow(*READERS)], responses=errors(), dependencies=ASSET_LIST)
async def list_assets(conn: Conn, principal: Me, listing: Listed) -> Page[AssetRead]:
    """Assets held by units in your scope."""
    query = ListQuery()
    query.add(in_scope("a.holder_unit_id", "{}"), principal.unit_id)
    year = this_year()
    return await listing.page(conn, queries.LIST, query, lambda row: _read(row, year))


@get("/by-tag/{tag:str}", guards=[allow(*READERS)], responses=errors(404))
async def get_asset_by_tag(conn: Conn, principal: Me, tag: FromPath[str]) -> Response[AssetRead]:
    """The asset bearing a tag, as typed or scanned (case and look-alikes forgiven)."""
    row = await queries.by_tag(conn, normalize(tag), principal.unit_id)
    if row is None:
        raise untagged(tag)
    return ASSETS.respond(row)


@get("/{asset_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_asset(conn: Conn, principal: Me, asset_id: PathId) -> Response[AssetRead]:
    """One asset; its ETag is the version to send back in If-Match."""
    return ASSETS.respond(await ASSETS.get(conn, principal, asset_id))


@get(
    "/{asset_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def asset_history(
    conn: Conn, principal: Me, asset_id: PathId, listing: Listed
) -> Page[EventRead]:
    """Every recorded change to the asset, oldest first."""
    return await ASSETS.history(conn, principal, asset_id, listing)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED, responses=errors(409, 413, 422))
async def create_asset(
    conn: Conn, principal: Me, state: State, data: JSONBody[AssetCreate]
) -> Response[AssetRead]:
    """Register an asset held by a unit in your scope, with a new tag unless told not to."""
    values = crud.given_fields(data)
    async with Write(conn, principal) as write:
        if values.pop("issue_tag"):
            values["tag"] = await tags.next_code(conn, state.settings.tag_prefix)
        row = await register(write, values)
    return ASSETS.respond(row, HTTP_201_CREATED)


@post(
    "/{asset_id:int}/tag",
    guards=[allow(*WRITERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(404, 409),
)
async def issue_tag(
    conn: Conn, principal: Me, state: State, asset_id: PathId
) -> Response[AssetRead]:
    """Issue a tag to an untagged asset in your scope (409 if it has one: tags are for life)."""
    async with Write(conn, principal) as write:
        before = await ASSETS.get(conn, principal, asset_id, lock=True)
        require_untagged(before)
        tag = await tags.next_code(conn, state.settings.tag_prefix)
        after = await attach_tag(write, before, tag)
    return ASSETS.respond(after, HTTP_201_CREATED)


@post("/{asset_id:int}/move", guards=[allow(*WRITERS)], status_code=200, responses=errors(404, 422))
async def move_asset(
    conn: Conn, principal: Me, asset_id: PathId, data: JSONBody[AssetMove]
) -> Response[AssetRead]:
    """Move an asset in your scope to a room (or a site, no room) of its holder; recorded
    in its history as a move. Moving it where it already stands changes nothing."""
    async with Write(conn, principal) as write:
        before = await ASSETS.get(conn, principal, asset_id, lock=True)
        after = await move(write, before, data.site_id, data.room_id)
    return ASSETS.respond(after)


@post(
    "/{asset_id:int}/reports",
    guards=[allow(*WRITERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(404, 413, 415, 422),
    operation_class=ReportOperation,
    **PHOTO_ROUTE,
)
async def report_asset(
    request: Request, state: State, principal: Me, asset_id: PathId
) -> Response[AssetRead]:
    """Report a problem seen on an asset in your scope: its condition now and a note,
    recorded in its history (damage reports from the phone). As JSON, or as a multipart
    form with the same fields and, optionally, a `photo` taken of it (a JPEG, PNG or WebP
    of at most 10 MB, kept as `POST /{asset_id}/photos` keeps one). A refused photo
    refuses the whole report: nothing is written."""
    data, upload = await _report_of(request, state.settings.max_body_bytes)
    photo = await uploads.prepare(upload) if upload is not None else None
    # The upload is read and re-encoded: only now is a pooled connection taken.
    async with connection(request.app.state.pool) as conn, Write(conn, principal) as write:
        before = await ASSETS.get(conn, principal, asset_id, lock=True)
        after = await report(write, before, data.condition.value, data.note.strip(), photo)
    return ASSETS.respond(after, HTTP_201_CREATED)


async def _report_of(request: Request, json_limit: int) -> tuple[AssetReport, bytes | None]:
    """The report a request sends, as JSON (within the app's bound) or as a form, and the
    photo's bytes where a form has one."""
    if request.content_type[0] == RequestEncodingType.MULTI_PART:
        form = await request.form()
        given = {k: v for k in ("condition", "note") if isinstance(v := form.get(k), str)}
        return _decoded(lambda: msgspec.convert(given, AssetReport)), await uploads.photo_in(form)
    require_json(request)
    body = await request.body()
    if len(body) > json_limit:
        raise TooLarge(f"the body is larger than {json_limit} bytes")
    return _decoded(lambda: msgspec.json.decode(body, type=AssetReport)), None


def _decoded(decode: Callable[[], AssetReport]) -> AssetReport:
    """`decode()`, its refusal a 400 naming the field, as for any JSON body."""
    try:
        return decode()
    except msgspec.ValidationError as exc:
        found = re.search(r"`\$\.(\w+)`", str(exc)) or re.search(r"field `(\w+)`", str(exc))
        field = found.group(1) if found else ""
        raise ValidationException(str(exc), extra=[{"key": field, "message": str(exc)}]) from None
    except msgspec.DecodeError as exc:
        raise ValidationException(f"the body is not JSON: {exc}") from None


@patch(
    "/{asset_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 409, 412, 422, 428),
)
async def update_asset(
    request: Request, conn: Conn, principal: Me, asset_id: PathId, data: JSONBody[AssetPatch]
) -> Response[AssetRead]:
    """Change an asset in your scope; needs If-Match. A new `status` must be one the
    status workflow allows next (409 names them); a new holder, once the asset has
    history, is a handover."""
    return await update(conn, principal, asset_id, expected_version(request), data)


async def update(
    conn: asyncpg.Connection,
    principal: Principal,
    asset_id: int,
    version: int | None,
    data: AssetPatch,
) -> Response[AssetRead]:
    """The change of an asset at `version` (the API's PATCH and the edit page's form)."""
    values = crud.given_fields(data)

    async def change(_write: Write, before: asyncpg.Record) -> None:
        if values.get("status", before["status"]) != before["status"]:
            rules.STATUS.move(before["status"], values["status"], principal.role)
        await require_no_history_for_holder(conn, ENTITY, before, values)
        await check_references(conn, principal, values, before)
        await crud.update(conn, "assets", asset_id, values)

    return await ASSETS.update(conn, principal, asset_id, version, change)


@delete(
    "/{asset_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 409, 412, 428),
)
async def delete_asset(request: Request, conn: Conn, principal: Me, asset_id: PathId) -> None:
    """Remove an asset entered by mistake; needs If-Match. (Disposal is a status.)"""
    await ASSETS.delete(conn, principal, asset_id, expected_version(request), queries.delete)


router = Router(
    path="/api/v1/assets",
    route_handlers=[
        *export_routes(export.ASSETS, READERS, "The asset list"),
        list_assets,
        get_asset_by_tag,
        get_asset,
        asset_history,
        create_asset,
        issue_tag,
        move_asset,
        report_asset,
        update_asset,
        delete_asset,
    ],
    tags=["assets"],
    security=BEARER,
)
