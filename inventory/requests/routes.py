"""Equipment request routes: a commune's officer drafts a request from its gaps and submits
it, the commune's leader endorses it, a province leader reviews it and decides each line,
and the officer links the assets as they arrive. Another unit's request answers 404."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.records import Records, held
from inventory.assets import queries as assets
from inventory.assets import writes as asset_writes
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.errors import Conflict, Invalid, NotFound
from inventory.handovers import routes as handovers
from inventory.handovers.schemas import HandoverCreate, HandoverRead, Kind, Selection
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.needs import report
from inventory.needs.rules import USABLE_STATUSES
from inventory.needs.schemas import ItemGap
from inventory.norms.schemas import NormSource
from inventory.openapi import BEARER, IfMatch, errors
from inventory.requests import filters, queries, rules
from inventory.requests.schemas import (
    Arrivals,
    Endorsement,
    FromGaps,
    LineCreate,
    LineDecision,
    LinePatch,
    LineRead,
    ReallocationAccept,
    Reallocations,
    RequestRead,
)
from inventory.tags import queries as tags
from inventory.versioning import check_version, expected_version

LINE = "equipment_request_line"


class _Line(msgspec.Struct):
    """A line as `queries.LINES` makes it, in JSON."""

    id: int
    item: str
    item_name: str
    quantity: int
    unit_price: int
    gap: int
    max_price: int | None
    norm_id: int | None
    norm_code: str | None
    norm_version: int | None
    justification: str
    decision: str | None
    approved_quantity: int | None
    decided_by: int | None
    decided_at: datetime | None
    decision_reason: str | None
    version: int
    arrived: int
    asset_ids: list[int]


_LINES = msgspec.json.Decoder(list[_Line])


def _line(row: _Line) -> LineRead:
    norm = None
    if row.norm_id is not None and row.norm_code is not None and row.norm_version is not None:
        norm = NormSource(row.norm_id, row.norm_code, row.norm_version)
    return LineRead(
        id=row.id,
        item=row.item,
        item_name=row.item_name,
        quantity=row.quantity,
        unit_price=row.unit_price,
        estimated_cost=row.quantity * row.unit_price,
        gap=row.gap,
        max_price=row.max_price,
        norm=norm,
        justification=row.justification,
        flags=rules.flags(row.quantity, row.unit_price, row.gap, row.max_price),
        decision=row.decision,
        approved_quantity=row.approved_quantity,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
        arrived=row.arrived,
        asset_ids=row.asset_ids,
        version=row.version,
    )


_COLUMNS = tuple(
    f
    for f in RequestRead.__struct_fields__
    if f not in ("estimated_cost", "approved_cost", "flagged_lines", "lines")
)


def _read(row: asyncpg.Record) -> RequestRead:
    lines = [_line(r) for r in _LINES.decode(row["lines"])]
    return RequestRead(
        **{k: row[k] for k in _COLUMNS},
        estimated_cost=sum(line.estimated_cost for line in lines),
        approved_cost=sum((line.approved_quantity or 0) * line.unit_price for line in lines),
        flagged_lines=sum(1 for line in lines if line.flags),
        lines=lines,
    )


REQUESTS = Records(
    "equipment_request", _read, queries.GET, queries.GET_FOR_UPDATE, unit_of=held("unit_id")
)


def _side(principal: Principal, request: asyncpg.Record) -> str:
    return rules.side(principal.unit_id, request["unit_id"])


@get(
    "/",
    guards=[allow(*READERS)],
    responses=errors(),
    dependencies={"listing": filters.REQUESTS.provide()},
)
async def list_requests(conn: Conn, principal: Me, listing: Listed) -> Page[RequestRead]:
    """Equipment requests of units in your scope (filter by `status`, `unit_id`), newest
    first, each with its lines."""
    query = ListQuery()
    query.add(in_scope("r.unit_id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST, query, REQUESTS.read)


# --- Drafting ---


def _priced(gap: ItemGap | None) -> tuple[int, int | None, NormSource | None, int]:
    """From a unit's gap for one item: the gap, the norm's maximum price where the gap
    falls (or, with no gap, the highest of the item's norms), that norm, and the estimated
    unit price (the gap's cost per piece: never above the maximum)."""
    if gap is None or not gap.lines:
        return (gap.gap if gap else 0), None, None, 0
    lines = [line for line in gap.lines if line.gap > 0] or gap.lines
    top = max(lines, key=lambda line: line.max_price or 0)
    price = gap.estimated_cost // gap.gap if gap.gap else (top.max_price or 0)
    return gap.gap, top.max_price, top.source if top.max_price is not None else None, price


def _require_justified(
    quantity: int, unit_price: int, gap: int, max_price: int | None, justification: str, at: str
) -> None:
    found = rules.flags(quantity, unit_price, gap, max_price)
    if found and not justification.strip():
        why = " and ".join(
            f"above the gap of {gap}" if f == "above_gap" else f"above the maximum of {max_price}"
            for f in found
        )
        raise Invalid(f"this line is {why}: give its justification", field=f"{at}justification")


async def _gaps(conn: asyncpg.Connection, principal: Principal, unit_id: int) -> dict[str, ItemGap]:
    found = await report.needs_of(conn, principal.unit_id, unit_id)
    if not found:
        raise Invalid(f"no commune {unit_id} in your scope", field="unit_id")
    return {g.item: g for g in found[0].equipment}


def _line_values(item: str, gap: ItemGap | None, quantity: int | None, price: int | None, why: str):
    closes, max_price, norm, estimate = _priced(gap)
    return {
        "item": item,
        "quantity": closes if quantity is None else quantity,
        "unit_price": estimate if price is None else price,
        "gap": closes,
        "max_price": max_price,
        "norm_id": norm.norm_id if norm else None,
        "norm_version": norm.version if norm else None,
        "justification": why,
    }


@post(
    "/from-gaps",
    guards=[allow(*WRITERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(422),
)
async def draft_from_gaps(
    conn: Conn, principal: Me, data: JSONBody[FromGaps]
) -> Response[RequestRead]:
    """Draft a request for a commune in your scope: one line per norm item it lacks, the
    quantity its gap, the estimated unit price the gap's cost per piece (never above the
    norm's maximum), the norm and version it came from. Edit the lines while in draft."""
    async with Write(conn, principal) as write:
        await require_unit(conn, principal, data.unit_id, "unit_id")
        gaps = await _gaps(conn, principal, data.unit_id)
        lines = [_line_values(g.item, g, None, None, "") for g in gaps.values() if g.gap > 0]
        if not lines:
            raise Invalid(f"unit {data.unit_id} lacks nothing the norms list", field="unit_id")
        request_id = await queries.insert(conn, data.unit_id, data.title, principal.user_id)
        rows = await queries.insert_lines(conn, request_id, lines)
        row = await REQUESTS.get(conn, principal, request_id)
        REQUESTS.recorded(write, "create", None, row)
        for line in rows:
            write.record(LINE, line["id"], "create", None, line, unit_id=data.unit_id)
    return REQUESTS.respond(row, HTTP_201_CREATED)


@get("/{request_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_request(conn: Conn, principal: Me, request_id: PathId) -> Response[RequestRead]:
    """One request with its lines: each line's gap, maximum price, flags, decision (who,
    when, why) and the assets that arrived for it."""
    return REQUESTS.respond(await REQUESTS.get(conn, principal, request_id))


@get(
    "/{request_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def request_history(
    conn: Conn, principal: Me, request_id: PathId, listing: Listed
) -> Page[EventRead]:
    """The request's recorded steps, oldest first (its lines' changes are events of
    `equipment_request_line`)."""
    return await REQUESTS.history(conn, principal, request_id, listing)


async def _draft(conn: asyncpg.Connection, principal: Principal, request_id: int) -> asyncpg.Record:
    request = await REQUESTS.get(conn, principal, request_id, lock=True)
    if request["status"] != "draft":
        raise Conflict(
            f"request {request_id} is {request['status']}: lines change only in draft",
            field="status",
        )
    return request


async def _changed(write: Write, principal: Principal, before: asyncpg.Record) -> asyncpg.Record:
    """The request after a change to its lines: a new version, recorded."""
    await queries.touch(write.conn, before["id"])
    after = await REQUESTS.get(write.conn, principal, before["id"])
    REQUESTS.recorded(write, "update", before, after)
    return after


@post(
    "/{request_id:int}/lines",
    guards=[allow(*WRITERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(404, 409, 422),
)
async def add_line(
    conn: Conn, principal: Me, request_id: PathId, data: JSONBody[LineCreate]
) -> Response[RequestRead]:
    """Add a line to a draft: its gap (what the unit lacks of the item, less what the
    request's other lines ask) and maximum price come from the unit's needs; above either
    it needs a justification (422 naming `justification` without one)."""
    async with Write(conn, principal) as write:
        before = await _draft(conn, principal, request_id)
        gaps = await _gaps(conn, principal, before["unit_id"])
        values = _line_values(
            data.item, gaps.get(data.item), data.quantity, data.unit_price, data.justification
        )
        # The gap this line closes is what the request's other lines of the item leave.
        values["gap"] = max(0, values["gap"] - await queries.asked(conn, request_id, data.item))
        _require_justified(
            data.quantity,
            data.unit_price,
            values["gap"],
            values["max_price"],
            data.justification,
            "",
        )
        [line] = await queries.insert_lines(conn, request_id, [values])
        write.record(LINE, line["id"], "create", None, line, unit_id=before["unit_id"])
        after = await _changed(write, principal, before)
    return REQUESTS.respond(after, HTTP_201_CREATED)


async def _line_of(conn: asyncpg.Connection, request_id: int, line_id: int) -> asyncpg.Record:
    line = await queries.lock_line(conn, request_id, line_id)
    if line is None:
        raise NotFound(f"no line {line_id} in request {request_id}")
    return line


@patch(
    "/{request_id:int}/lines/{line_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 409, 412, 422, 428),
)
async def patch_line(
    request: Request,
    conn: Conn,
    principal: Me,
    request_id: PathId,
    line_id: PathId,
    data: JSONBody[LinePatch],
) -> Response[RequestRead]:
    """Change a draft's line (If-Match: the line's version); the same justification rule."""
    version = expected_version(request)
    async with Write(conn, principal) as write:
        before = await _draft(conn, principal, request_id)
        line = await _line_of(conn, request_id, line_id)
        check_version(line["version"], version)
        quantity = line["quantity"] if data.quantity is msgspec.UNSET else data.quantity
        price = line["unit_price"] if data.unit_price is msgspec.UNSET else data.unit_price
        why = line["justification"] if data.justification is msgspec.UNSET else data.justification
        _require_justified(quantity, price, line["gap"], line["max_price"], why, "")
        changed = await queries.update_line(conn, line_id, quantity, price, why)
        write.record(LINE, line_id, "update", line, changed, unit_id=before["unit_id"])
        after = await _changed(write, principal, before)
    return REQUESTS.respond(after)


@delete(
    "/{request_id:int}/lines/{line_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 412, 428),
)
async def delete_line(
    request: Request, conn: Conn, principal: Me, request_id: PathId, line_id: PathId
) -> Response[RequestRead]:
    """Remove a line from a draft (If-Match: the line's version); answers the request."""
    version = expected_version(request)
    async with Write(conn, principal) as write:
        before = await _draft(conn, principal, request_id)
        line = await _line_of(conn, request_id, line_id)
        check_version(line["version"], version)
        await queries.delete_line(conn, line_id)
        write.record(LINE, line_id, "delete", line, None, unit_id=before["unit_id"])
        after = await _changed(write, principal, before)
    return REQUESTS.respond(after)


# --- The steps ---


async def _step(
    conn: asyncpg.Connection, principal: Principal, request_id: int, action: str, note: str = ""
) -> Response[RequestRead]:
    async with Write(conn, principal) as write:
        before = await REQUESTS.get(conn, principal, request_id, lock=True)
        transition = rules.STATUS.step(
            before["status"], action, principal.role, _side(principal, before)
        )
        if action == "submit" and not await queries.decisions(conn, request_id):
            raise Invalid("a request needs at least one line", field="lines")
        values = {
            "submit": (principal.user_id,),
            "send_back": (note,),
            "endorse": (principal.user_id, note),
            "review": (principal.user_id,),
        }[action]
        await queries.step(conn, request_id, action, transition.target, *values)
        after = await REQUESTS.get(conn, principal, request_id)
        REQUESTS.recorded(write, action, before, after)
    return REQUESTS.respond(after)


@post(
    "/{request_id:int}/submit",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def submit(conn: Conn, principal: Me, request_id: PathId) -> Response[RequestRead]:
    """Submit a draft (the commune's officer) to the commune's leader."""
    return await _step(conn, principal, request_id, "submit")


@post(
    "/{request_id:int}/endorse",
    guards=[allow(Role.LEADER)],
    status_code=200,
    responses=errors(404, 409),
)
async def endorse(
    conn: Conn, principal: Me, request_id: PathId, data: JSONBody[Endorsement]
) -> Response[RequestRead]:
    """Endorse a submitted request: the leader of its commune only (403 for a leader of
    the province, who decides it next)."""
    return await _step(conn, principal, request_id, "endorse", data.note)


@post(
    "/{request_id:int}/send-back",
    guards=[allow(Role.LEADER)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def send_back(
    conn: Conn, principal: Me, request_id: PathId, data: JSONBody[Endorsement]
) -> Response[RequestRead]:
    """Send a submitted request back to draft, saying why: the leader of its commune."""
    if not data.note.strip():
        raise Invalid("say why the request goes back", field="note")
    return await _step(conn, principal, request_id, "send_back", data.note)


@post(
    "/{request_id:int}/review",
    guards=[allow(Role.LEADER)],
    status_code=200,
    responses=errors(404, 409),
)
async def review(conn: Conn, principal: Me, request_id: PathId) -> Response[RequestRead]:
    """Take an endorsed request under review: a leader of the province (403 for the
    commune's own), who then decides each line."""
    return await _step(conn, principal, request_id, "review")


_CONCLUDE = {"approved": "approve", "partly_approved": "partly_approve", "rejected": "reject"}


@post(
    "/{request_id:int}/lines/{line_id:int}/decision",
    guards=[allow(Role.LEADER)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def decide_line(
    conn: Conn,
    principal: Me,
    request_id: PathId,
    line_id: PathId,
    data: JSONBody[LineDecision],
) -> Response[RequestRead]:
    """Decide one line of a request under review: the quantity approved (0 rejects it)
    and why; who and when are recorded. A decided line never changes (409). When the last
    line is decided the request is approved, partly approved or rejected."""
    async with Write(conn, principal) as write:
        before = await REQUESTS.get(conn, principal, request_id, lock=True)
        side = _side(principal, before)
        rules.STATUS.step(before["status"], rules.DECIDE, principal.role, side)
        line = await _line_of(conn, request_id, line_id)
        if line["decision"] is not None:
            raise Conflict(f"line {line_id} was already {line['decision']}", field="decision")
        if data.approved_quantity > line["quantity"]:
            raise Invalid(
                f"at most the {line['quantity']} asked for can be approved",
                field="approved_quantity",
            )
        if not data.reason.strip():
            raise Invalid("say why: every decision records its reason", field="reason")
        decision = rules.decision(line["quantity"], data.approved_quantity)
        decided = await queries.decide_line(
            conn, line_id, decision, data.approved_quantity, principal.user_id, data.reason
        )
        write.record(LINE, line_id, "decide", line, decided, unit_id=before["unit_id"])
        concluded = rules.conclusion(await queries.decisions(conn, request_id))
        if concluded is None:
            after = await _changed(write, principal, before)
        else:
            action = _CONCLUDE[concluded]
            rules.STATUS.step(before["status"], action, principal.role, side)
            await queries.step(conn, request_id, action, concluded)
            after = await REQUESTS.get(conn, principal, request_id)
            REQUESTS.recorded(write, action, before, after)
    return REQUESTS.respond(after)


@post(
    "/{request_id:int}/lines/{line_id:int}/arrivals",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def arrivals(
    conn: Conn,
    principal: Me,
    state: State,
    request_id: PathId,
    line_id: PathId,
    data: JSONBody[Arrivals],
) -> Response[RequestRead]:
    """Link assets of the unit that arrived for an approved line: each of the line's item
    (by its category), each once, together never more than approved (422). An untagged
    asset gets its tag now, for its label. The request is partly fulfilled until every
    line has all it was approved, then fulfilled."""
    asset_ids = sorted(set(data.asset_ids))
    async with Write(conn, principal) as write:
        before = await REQUESTS.get(conn, principal, request_id, lock=True)
        if before["status"] not in rules.ARRIVING:
            rules.STATUS.step(before["status"], "arrive", principal.role)
        line = await _line_of(conn, request_id, line_id)
        found = {r["id"]: r for r in await queries.arriving(conn, asset_ids, before["unit_id"])}
        for asset_id in asset_ids:
            asset = found.get(asset_id)
            if asset is None:
                raise Invalid(f"no asset {asset_id} held by the unit", field="asset_ids")
            if asset["line_id"] is not None:
                raise Conflict(
                    f"asset {asset_id} already fulfils request line {asset['line_id']}",
                    field="asset_ids",
                )
            if asset["status"] not in USABLE_STATUSES:
                raise Invalid(
                    f"asset {asset_id} is {asset['status']}: what arrives is in use or in storage",
                    field="asset_ids",
                )
            if asset["norm_item"] != line["item"]:
                raise Invalid(
                    f"asset {asset_id} is not a {line['item']} (its category counts toward"
                    f" {asset['norm_item'] or 'no norm item'})",
                    field="asset_ids",
                )
        progress = {r["id"]: r for r in await queries.progress(conn, request_id)}
        arriving = sum(found[a]["quantity"] for a in asset_ids)
        approved, arrived = progress[line_id]["approved"], progress[line_id]["arrived"]
        if arrived + arriving > approved:
            raise Invalid(
                f"{arriving} more would make {arrived + arriving} arrived for {approved} approved",
                field="asset_ids",
            )
        for asset_id in asset_ids:
            if found[asset_id]["tag"] is None:
                untagged = await assets.fetch(conn, asset_id, principal.unit_id, lock=True)
                assert untagged is not None
                code = await tags.next_code(conn, state.settings.tag_prefix)
                await asset_writes.attach_tag(write, untagged, code)
        linked = await queries.link(
            conn, line_id, [(a, found[a]["quantity"]) for a in asset_ids], principal.user_id
        )
        for row in linked:
            write.record(
                "equipment_request_arrival",
                row["asset_id"],
                "link",
                None,
                row,
                unit_id=before["unit_id"],
            )
        done = all(
            r["arrived"] + (arriving if r["id"] == line_id else 0) >= r["approved"]
            for r in progress.values()
        )
        action = "fulfil" if done else "arrive"
        transition = (
            rules.STATUS.step(before["status"], action, principal.role)
            if (done or before["status"] != "partly_fulfilled")
            else None
        )
        if transition is None:
            after = await _changed(write, principal, before)
        else:
            await queries.step(conn, request_id, action, transition.target)
            after = await REQUESTS.get(conn, principal, request_id)
            REQUESTS.recorded(write, action, before, after)
    return REQUESTS.respond(after)


# --- Reallocation suggestions ---


@get("/reallocations", guards=[allow(*READERS)], responses=errors())
async def reallocations(conn: Conn, principal: Me) -> Reallocations:
    """Suggested reallocations within your scope: per norm item, one commune's usable
    surplus against another's gap (largest first), each with what it would save at the
    taker's gap cost per piece. A commune's own scope holds no pair: this is the
    province's view."""
    found = rules.reallocations(await report.needs_of(conn, principal.unit_id))
    return Reallocations(
        suggestions=found,
        quantity=sum(s.quantity for s in found),
        estimated_saving=sum(s.estimated_saving for s in found),
    )


@post(
    "/reallocations",
    guards=[allow(Role.ADMIN)],
    status_code=HTTP_201_CREATED,
    responses=errors(409, 422),
)
async def accept_reallocation(
    conn: Conn, principal: Me, data: JSONBody[ReallocationAccept]
) -> Response[HandoverRead]:
    """Accept a suggestion: a draft reallocation handover from the giving to the receiving
    commune, listing up to `quantity` of the giver's usable assets of the item that no
    open handover lists (good ones first). The handover then goes its own way, as any
    handover does. 422 if the suggestion does not hold (any more) or
    asks more than it offers; 409 if no such asset is free."""
    await require_unit(conn, principal, data.from_unit_id, "from_unit_id")
    await require_unit(conn, principal, data.to_unit_id, "to_unit_id")
    found = rules.reallocations(await report.needs_of(conn, principal.unit_id))
    match = next(
        (
            s
            for s in found
            if (s.item, s.from_unit.id, s.to_unit.id)
            == (data.item, data.from_unit_id, data.to_unit_id)
        ),
        None,
    )
    if match is None:
        raise Invalid(
            f"no suggestion moves {data.item} from unit {data.from_unit_id} to unit"
            f" {data.to_unit_id}: see GET /api/v1/requests/reallocations",
            field="item",
        )
    if data.quantity > match.quantity:
        raise Invalid(f"the suggestion moves at most {match.quantity}", field="quantity")
    chosen = rules.pick(
        await queries.surplus_assets(conn, data.from_unit_id, data.item), data.quantity
    )
    if not chosen:
        raise Conflict(
            f"unit {data.from_unit_id} has no usable {data.item} free of open handovers",
            field="item",
        )
    row = await handovers.open_draft(
        conn,
        principal,
        HandoverCreate(
            kind=Kind.REALLOCATION,
            decision=data.decision,
            giving_unit_id=data.from_unit_id,
            receiving_unit_id=data.to_unit_id,
            place=data.place,
            notes=f"Điều chuyển tài sản thừa theo định mức: {match.item_name}",
            items=Selection(asset_ids=chosen),
        ),
    )
    return handovers.HANDOVERS.respond(row, HTTP_201_CREATED)


router = Router(
    path="/api/v1/requests",
    route_handlers=[
        list_requests,
        draft_from_gaps,
        get_request,
        request_history,
        add_line,
        patch_line,
        delete_line,
        submit,
        endorse,
        send_back,
        review,
        decide_line,
        arrivals,
        reallocations,
        accept_reallocation,
    ],
    tags=["requests"],
    security=BEARER,
)
