"""Stocktake routes: open a count over a site or some rooms of a unit, receive the scans
phones send (each once, whenever it arrives), close it for its results, and decide where
misplaced assets belong."""

from __future__ import annotations

from typing import Any

import anyio
import asyncpg
import msgspec
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.records import Records, held, reader
from inventory.assets import queries as assets
from inventory.assets import writes as asset_writes
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page, paginate
from inventory.db.pool import connection
from inventory.db.types import PathId
from inventory.documents.xlsx import CSV_MEDIA, XLSX_MEDIA, csv_chunks, file_chunks, xlsx_file
from inventory.errors import Conflict, Invalid, NotFound
from inventory.history import queries as history
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, errors
from inventory.sites import queries as sites
from inventory.stocktakes import filters, minutes, queries, rules
from inventory.stocktakes.schemas import (
    BatchAnswer,
    Decided,
    ExpectedRead,
    Group,
    Groups,
    Outcome,
    ResultRead,
    Results,
    RoomRef,
    ScanAnswer,
    ScanBatch,
    ScanKind,
    ScanRead,
    StocktakeCreate,
    StocktakeRead,
)
from inventory.tagcodes import normalize

_FIELDS = tuple(f for f in StocktakeRead.__struct_fields__ if f != "rooms")


def _read(row: asyncpg.Record) -> StocktakeRead:
    rooms = [RoomRef(i, n) for i, n in zip(row["room_ids"], row["room_names"], strict=True)]
    return StocktakeRead(rooms=rooms, **{k: row[k] for k in _FIELDS})


def _read_scan(row: asyncpg.Record) -> ScanRead:
    fields = {k: row[k] for k in ScanRead.__struct_fields__ if k != "id"}
    return ScanRead(id=row["scan_id"], **fields)


STOCKTAKES = Records(
    "stocktake", _read, queries.GET, queries.GET_FOR_UPDATE, unit_of=held("unit_id")
)
_read_expected = reader(ExpectedRead)
_read_result = reader(ResultRead)


def _missing(stocktake_id: int) -> NotFound:
    return NotFound(f"no stocktake {stocktake_id}")


@get(
    "/",
    guards=[allow(*READERS)],
    responses=errors(),
    dependencies={"listing": filters.STOCKTAKES.provide()},
)
async def list_stocktakes(conn: Conn, principal: Me, listing: Listed) -> Page[StocktakeRead]:
    """Stocktakes of units in your scope, newest first."""
    query = ListQuery()
    query.add(in_scope("s.unit_id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST, query, STOCKTAKES.read)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED, responses=errors(413, 422))
async def open_stocktake(
    conn: Conn, principal: Me, data: JSONBody[StocktakeCreate]
) -> Response[StocktakeRead]:
    """Open a count over a site of a unit in your scope, or only the rooms named (of that
    site). What the unit holds there is fixed as the expected list as it opens."""
    room_ids = sorted(set(data.room_ids))
    async with Write(conn, principal) as write:
        await require_unit(conn, principal, data.unit_id, "unit_id")
        await sites.require(conn, principal, data.site_id, "site_id")
        await sites.require_held(conn, data.site_id, data.unit_id, "site_id")
        if room_ids:
            outside = set(room_ids) - await queries.rooms_of_site(conn, data.site_id, room_ids)
            if outside:
                raise Invalid(
                    f"rooms {sorted(outside)} are not rooms of site {data.site_id}",
                    field="room_ids",
                )
        stocktake_id = await queries.open_stocktake(
            conn, data.unit_id, data.site_id, room_ids, data.name, principal.user_id
        )
        row = await STOCKTAKES.get(conn, principal, stocktake_id)
        STOCKTAKES.recorded(write, "open", None, row)
    return STOCKTAKES.respond(row, HTTP_201_CREATED)


@get("/{stocktake_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_stocktake(conn: Conn, principal: Me, stocktake_id: PathId) -> Response[StocktakeRead]:
    """One stocktake, with the rooms its scans may name and how many it has received."""
    return STOCKTAKES.respond(await STOCKTAKES.get(conn, principal, stocktake_id))


@get(
    "/{stocktake_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def stocktake_history(
    conn: Conn, principal: Me, stocktake_id: PathId, listing: Listed
) -> Page[EventRead]:
    """The stocktake's recorded steps (opened, closed or cancelled), oldest first."""
    return await STOCKTAKES.history(conn, principal, stocktake_id, listing)


async def _require(conn: asyncpg.Connection, principal: Principal, stocktake_id: int) -> None:
    if not await queries.in_scope_or_none(conn, stocktake_id, principal.unit_id):
        raise _missing(stocktake_id)


@get(
    "/{stocktake_id:int}/expected",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies={"listing": filters.EXPECTED.provide()},
)
async def expected(
    conn: Conn, principal: Me, stocktake_id: PathId, listing: Listed
) -> Page[ExpectedRead]:
    """What the unit held there when the count opened (tag, name, room): a phone pages
    through it once and keeps it to count offline."""
    await _require(conn, principal, stocktake_id)
    query = ListQuery()
    query.add("stocktake_id = {}", stocktake_id)
    return await listing.page(conn, queries.EXPECTED, query, _read_expected)


@get(
    "/{stocktake_id:int}/scans",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies={"listing": filters.SCANS.provide()},
)
async def list_scans(
    conn: Conn, principal: Me, stocktake_id: PathId, listing: Listed
) -> Page[ScanRead]:
    """The scans received, in the order they arrived."""
    await _require(conn, principal, stocktake_id)
    query = ListQuery()
    query.add("stocktake_id = {}", stocktake_id)
    return await listing.page(conn, queries.SCAN_LIST, query, _read_scan)


def _columns(data: ScanBatch) -> tuple[list[Any], ...]:
    """The batch as columns (tags normalised), first of each scan id only; 422 names the
    first scan at fault."""
    if not data.scans:
        raise Invalid("send at least one scan", field="scans")
    if len(data.scans) > rules.MAX_BATCH:
        raise Invalid(
            f"{len(data.scans)} scans: send at most {rules.MAX_BATCH} per batch", field="scans"
        )
    columns: tuple[list[Any], ...] = ([], [], [], [], [], [])
    seen = set()
    for i, scan in enumerate(data.scans):
        tag = normalize(scan.tag)
        if not tag or len(tag) > rules.MAX_TAG:
            raise Invalid(
                f"scan {i}: a tag of 1 to {rules.MAX_TAG} characters", field=f"scans[{i}].tag"
            )
        if scan.id in seen:
            continue
        seen.add(scan.id)
        condition = scan.condition.value if scan.condition is not None else None
        for column, value in zip(
            columns,
            (scan.id, tag, scan.room_id, scan.seen_at, condition, scan.quantity),
            strict=True,
        ):
            column.append(value)
    return columns


async def receive_scans(
    conn: asyncpg.Connection, principal: Principal, stocktake_id: int, data: ScanBatch
) -> BatchAnswer:
    """Take a batch of scans by `principal`, each scan id once (the API's route and the
    stocktake's phone page both send here)."""
    columns = _columns(data)
    async with Write(conn, principal):
        stocktake = await queries.lock_for_scans(conn, stocktake_id, principal.unit_id)
        if stocktake is None:
            raise _missing(stocktake_id)
        rooms = set(stocktake["room_ids"])
        for i, scan in enumerate(data.scans):
            if scan.room_id not in rooms:
                raise Invalid(
                    f"scan {i}: room {scan.room_id} is not a room of this stocktake",
                    field=f"scans[{i}].room_id",
                )
        late = stocktake["status"] != "open"
        rows = await queries.insert_scans(
            conn, stocktake_id, stocktake["unit_id"], columns, principal.user_id, late
        )
    by_id = {r["scan_id"]: r for r in rows}
    answers, first = [], set()
    for scan in data.scans:
        row = by_id[scan.id]
        accepted = row["accepted"] and scan.id not in first
        first.add(scan.id)
        kind = ScanKind(row["kind"])
        answers.append(ScanAnswer(scan.id, accepted, kind, row["asset_id"], bool(row["late"])))
    taken = sum(a.accepted for a in answers)
    return BatchAnswer(accepted=taken, duplicates=len(answers) - taken, late=late, scans=answers)


@post(
    "/{stocktake_id:int}/scans",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 413, 422),
)
async def post_scans(
    conn: Conn, principal: Me, stocktake_id: PathId, data: JSONBody[ScanBatch]
) -> BatchAnswer:
    """Receive a batch of up to 500 scans, by you. Each scan id is accepted once: a batch
    sent again adds nothing (`accepted: false`). Each scan says what it is: `found` (an
    asset of the unit), `not_ours` (another unit's), `unknown`, or `blank` (an unclaimed
    tag of the unit). Scans arriving after the stocktake closed are kept, flagged late."""
    return await receive_scans(conn, principal, stocktake_id, data)


@post(
    "/{stocktake_id:int}/close",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409),
)
async def close_stocktake(
    conn: Conn, principal: Me, stocktake_id: PathId
) -> Response[StocktakeRead]:
    """Close the count: its results are computed and stored (found in place, misplaced,
    missing, unknown and blank tags, other units' assets), and each asset found gets its
    last seen (latest sighting), recorded in its history. Scans arriving later are late."""
    async with Write(conn, principal) as write:
        before = await STOCKTAKES.get(conn, principal, stocktake_id, lock=True)
        rules.STATUS.step(before["status"], "close", principal.role)
        latest = await queries.close(conn, stocktake_id, principal.user_id)
        changed = await assets.mark_seen(conn, latest, f"stocktake {stocktake_id}")
        write.record_rows(
            asset_writes.ENTITY,
            "seen",
            ((r["id"], r["before"], r["after"], r["holder_unit_id"]) for r in changed),
        )
        after = await STOCKTAKES.get(conn, principal, stocktake_id)
        STOCKTAKES.recorded(write, "close", before, after)
    return STOCKTAKES.respond(after)


@post(
    "/{stocktake_id:int}/cancel",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409),
)
async def cancel_stocktake(
    conn: Conn, principal: Me, stocktake_id: PathId
) -> Response[StocktakeRead]:
    """Cancel an open count: no results, nothing of the assets changes; its scans stay."""
    async with Write(conn, principal) as write:
        before = await STOCKTAKES.get(conn, principal, stocktake_id, lock=True)
        rules.STATUS.step(before["status"], "cancel", principal.role)
        await queries.cancel(conn, stocktake_id, principal.user_id)
        after = await STOCKTAKES.get(conn, principal, stocktake_id)
        STOCKTAKES.recorded(write, "cancel", before, after)
    return STOCKTAKES.respond(after)


def _require_closed(stocktake: asyncpg.Record) -> None:
    if stocktake["status"] != "closed":
        raise Conflict(
            f"stocktake {stocktake['id']} is {stocktake['status']}: results come with closing it",
            field="status",
        )


def _groups(rows: list[asyncpg.Record]) -> Groups:
    groups = {name: Group() for name in ("own", "surplus", "not_own")}
    for row in rows:
        group = groups[row["ownership"]]
        if row["found"]:
            group.found, group.found_quantity = row["n"], row["quantity"]
        else:
            group.missing, group.missing_quantity = row["n"], row["quantity"]
    return Groups(**groups)


@get(
    "/{stocktake_id:int}/results",
    guards=[allow(*READERS)],
    responses=errors(404, 409),
    dependencies={"listing": filters.RESULTS.provide()},
)
async def results(conn: Conn, principal: Me, stocktake_id: PathId, listing: Listed) -> Results:
    """The results of a closed stocktake: how many of each outcome, the Ministry of
    Finance's three groups (own, surplus, not own), the scans that came late, and a page
    of lines (filter by `outcome`)."""
    stocktake = await STOCKTAKES.get(conn, principal, stocktake_id)
    _require_closed(stocktake)
    query = ListQuery()
    query.add("stocktake_id = {}", stocktake_id)
    rows = await conn.fetch(listing.sql(queries.RESULT_LIST, query), *query.params)
    page = paginate(rows, listing.limit, _read_result)
    counts, groups, late = await queries.summary(conn, stocktake_id)
    return Results(
        status=stocktake["status"],
        counts={o.value: counts.get(o.value, 0) for o in Outcome},
        late_scans=late,
        groups=_groups(groups),
        items=page.items,
        next_cursor=page.next_cursor,
    )


async def _decide(
    conn: asyncpg.Connection, principal: Principal, stocktake_id: int, asset_id: int, move: bool
) -> Decided:
    async with Write(conn, principal) as write:
        stocktake = await STOCKTAKES.get(conn, principal, stocktake_id)
        line = await queries.lock_result(conn, stocktake_id, asset_id)
        if line is None:
            raise NotFound(f"asset {asset_id} is not in the results of stocktake {stocktake_id}")
        if line["outcome"] != Outcome.MISPLACED:
            raise Conflict(
                f"asset {asset_id} was {line['outcome']}: only a misplaced asset is decided",
                field="outcome",
            )
        if line["decision"] is not None:
            raise Conflict(f"asset {asset_id} was already {line['decision']}", field="decision")
        if move:
            asset = await assets.fetch(conn, asset_id, principal.unit_id, lock=True)
            if asset is None:
                raise Conflict(f"asset {asset_id} is no longer held in your scope", field="asset")
            await asset_writes.move(write, asset, None, line["seen_room_id"])
        after = await queries.decide(
            conn, line["id"], "moved" if move else "left", principal.user_id
        )
        write.record(
            "stocktake_result",
            line["id"],
            "move_here" if move else "leave",
            line,
            after,
            unit_id=stocktake["unit_id"],
        )
    return Decided(result=_read_result(after))


@post(
    "/{stocktake_id:int}/results/{asset_id:int}/move-here",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def move_here(conn: Conn, principal: Me, stocktake_id: PathId, asset_id: PathId) -> Decided:
    """A misplaced asset belongs where it was seen: move it to that room (a move in its
    history)."""
    return await _decide(conn, principal, stocktake_id, asset_id, move=True)


@post(
    "/{stocktake_id:int}/results/{asset_id:int}/leave",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409),
)
async def leave(conn: Conn, principal: Me, stocktake_id: PathId, asset_id: PathId) -> Decided:
    """A misplaced asset stays registered where it is (it goes back there)."""
    return await _decide(conn, principal, stocktake_id, asset_id, move=False)


# --- The minutes (PDF) and the result lists (XLSX) ---


async def load_minutes(
    conn: asyncpg.Connection, principal: Principal, stocktake_id: int
) -> minutes.Minutes:
    """Everything the minutes print, of a closed stocktake in the caller's scope (404 for
    another unit's, 409 while it is not closed)."""
    stocktake = await STOCKTAKES.get(conn, principal, stocktake_id)
    _require_closed(stocktake)
    counts, groups, late = await queries.summary(conn, stocktake_id)
    terms, counters, lines = await queries.minutes_data(conn, stocktake_id)
    read = _read(stocktake)
    return minutes.Minutes(
        stocktake={
            "id": read.id,
            "unit_id": read.unit_id,
            "name": read.name,
            "site_name": read.site_name,
            "whole_site": read.whole_site,
            "rooms": [{"id": room.id, "name": room.name} for room in read.rooms],
            "expected": read.expected,
            "opened_at": read.opened_at,
            "closed_at": read.closed_at,
        },
        terms=dict(terms),
        counters=[dict(c) for c in counters],
        counts={o.value: counts.get(o.value, 0) for o in Outcome},
        groups=msgspec.to_builtins(_groups(groups)),
        late_scans=late,
        lines=[dict(line) for line in lines],
        chain=await history.event_place(conn, "stocktake", stocktake_id, "close"),
    )


async def minutes_pdf_response(data: minutes.Minutes) -> Response[bytes]:
    """The minutes drawn in a worker thread (about 2 ms a line), as an attachment."""
    pdf = await anyio.to_thread.run_sync(minutes.render_pdf, data)
    name = f"bien-ban-kiem-ke-{data.stocktake['id']}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def results_xlsx_response(data: minutes.Minutes) -> Stream:
    """The result lists, built in a temporary file by a worker thread, then streamed."""
    file = await anyio.to_thread.run_sync(xlsx_file, minutes.sheets(data))
    name = f"ket-qua-kiem-ke-{data.stocktake['id']}.xlsx"
    return Stream(
        file_chunks(file),
        media_type=XLSX_MEDIA,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _file(media_type: str, what: str) -> dict[int, ResponseSpec]:
    return {
        **errors(404, 409),
        200: ResponseSpec(
            data_container=bytes,
            media_type=media_type,
            generate_examples=False,
            description=f"{what}, sent as an attachment",
        ),
    }


# These take no `conn` (nor `principal`, resolved after it): the rows are read on a
# connection held only for that, and the file is drawn after it went back to the pool.
@get(
    "/{stocktake_id:int}/minutes.pdf",
    guards=[allow(*READERS)],
    responses=_file("application/pdf", "the minutes (biên bản kiểm kê tài sản)"),
)
async def minutes_pdf(request: Request, state: State, stocktake_id: PathId) -> Response[bytes]:
    """The minutes of a closed stocktake as an A4 PDF: the unit, place and time, who
    counted, the counts, the Ministry of Finance's three groups with every asset, the other
    tags, signature blocks, and in the footer the content's SHA-256 and the unit's history
    chain head as the count closed. 409 while the stocktake is not closed."""
    async with connection(state.pool) as conn:
        data = await load_minutes(conn, request.user, stocktake_id)
    return await minutes_pdf_response(data)


@get(
    "/{stocktake_id:int}/results.xlsx",
    guards=[allow(*READERS)],
    responses=_file(XLSX_MEDIA, "a summary sheet and one sheet per outcome"),
)
async def results_xlsx(request: Request, state: State, stocktake_id: PathId) -> Stream:
    """The results of a closed stocktake as XLSX: a summary sheet, then one sheet per
    outcome (in place, misplaced, missing, unknown, blank, other units'), numbers and
    dates as such. 409 while the stocktake is not closed."""
    async with connection(state.pool) as conn:
        data = await load_minutes(conn, request.user, stocktake_id)
    return await results_xlsx_response(data)


@get(
    "/{stocktake_id:int}/results.csv",
    guards=[allow(*READERS)],
    responses=_file(CSV_MEDIA, "every asset's result, its outcome first"),
)
async def results_csv(request: Request, state: State, stocktake_id: PathId) -> Stream:
    """The results of a closed stocktake as CSV: one row per registered asset with its
    outcome (in place, misplaced, missing), as the XLSX's sheets list them; the tags that
    are no asset of the unit are in the XLSX only. 409 while
    the stocktake is not closed."""
    async with connection(state.pool) as conn:
        data = await load_minutes(conn, request.user, stocktake_id)
    name = f"ket-qua-kiem-ke-{data.stocktake['id']}.csv"
    return Stream(
        csv_chunks(minutes.RESULT_LIST, minutes.result_rows(data)),
        media_type=CSV_MEDIA,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


router = Router(
    path="/api/v1/stocktakes",
    route_handlers=[
        list_stocktakes,
        open_stocktake,
        get_stocktake,
        stocktake_history,
        expected,
        list_scans,
        post_scans,
        close_stocktake,
        cancel_stocktake,
        results,
        minutes_pdf,
        results_xlsx,
        results_csv,
        move_here,
        leave,
    ],
    tags=["stocktakes"],
    security=BEARER,
)
