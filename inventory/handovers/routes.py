"""Handover routes: build a draft from a selection, submit it, record what arrived, sign
for each side, and on the second signature pass what was received to the receiving unit;
lists, the items and the history. The parties are told (inventory.notifications) in the
transaction of each submission, dispute and signature. The compliance view and the
auditors' flags are inventory.compliance's."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response, Router, get, patch, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope, require_unit
from inventory.api.exports import export_routes
from inventory.api.records import Records, held
from inventory.assets.filters import ASSETS
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.errors import Conflict, Invalid
from inventory.handovers import export, filters, queries, rules
from inventory.handovers.schemas import (
    Added,
    Deadline,
    Decision,
    Dispute,
    HandoverCreate,
    HandoverDetail,
    HandoverPatch,
    HandoverRead,
    ItemIds,
    ItemRead,
    Party,
    Receipt,
    ReceiptBatch,
    Recorded,
    Removed,
    Selection,
    Signature,
    SignBody,
    SurplusBatch,
)
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.notifications.notify import tell_parties
from inventory.notifications.schemas import NoticeKind
from inventory.openapi import BEARER, IfMatch, errors
from inventory.tagcodes import normalize
from inventory.versioning import etag, expected_version
from inventory.workflow.machine import Forbidden, NotAllowed

ITEM = "handover_item"


class ItemTaken(Conflict):
    """An item already listed in another open handover."""

    def __init__(self, entity: str, entity_id: int, handover_id: int) -> None:
        super().__init__(
            f"{entity} {entity_id} is already in open handover {handover_id}: an item is"
            " in one open handover at a time",
            field="items",
        )
        self.extra = {
            "field": "items",
            "constraint": "handover_open_items_pkey",
            "handover_id": handover_id,
            "entity": entity,
            "entity_id": entity_id,
        }


def _signature(row: asyncpg.Record, side: str) -> Signature | None:
    if row[f"{side}_signed_at"] is None:
        return None
    return Signature(
        user_id=row[f"{side}_signed_by"],
        name=row[f"{side}_signer_name"],
        position=row[f"{side}_signer_position"] or "",
        at=row[f"{side}_signed_at"],
        hash=row[f"{side}_signed_hash"],
    )


def _read(row: asyncpg.Record) -> HandoverRead:
    due: date | None = row["due_date"]
    overdue, late = bool(row["overdue"]), bool(row["completed_late"])
    return HandoverRead(
        id=row["id"],
        kind=row["kind"],
        corrects_id=row["corrects_id"],
        decision=Decision(row["decision_number"], row["decision_date"], row["decision_issuer"]),
        giving_unit_id=row["giving_unit_id"],
        giving_unit_name=row["giving_unit_name"],
        receiving_unit_id=row["receiving_unit_id"],
        receiving_unit_name=row["receiving_unit_name"],
        place=row["place"],
        handover_date=row["handover_date"],
        giver_parties=msgspec.convert(row["giver_parties"], list[Party]),
        receiver_parties=msgspec.convert(row["receiver_parties"], list[Party]),
        witness=msgspec.convert(row["witness"], Party | None),
        notes=row["notes"],
        documents_handed_over=row["documents_handed_over"],
        opinions=row["opinions"],
        status=row["status"],
        flag="completed_late" if late else "overdue" if overdue else None,
        deadline=Deadline(
            days=row["deadline_days"],
            due_date=due,
            days_left=rules.days_left(due, row["today"]) if due is not None else None,
            overdue=overdue,
            completed_late=late,
        ),
        dispute_reason=row["dispute_reason"],
        disputed_by=row["disputed_by"],
        giver_signature=_signature(row, rules.GIVER),
        receiver_signature=_signature(row, rules.RECEIVER),
        completed_at=row["completed_at"],
        items=row["item_count"],
        listed=row["listed_count"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        version=row["version"],
    )


def _read_item(row: asyncpg.Record) -> ItemRead:
    return ItemRead(**{k: row[k] for k in ItemRead.__struct_fields__})


HANDOVERS = Records(
    "handover", _read, queries.GET, queries.GET_FOR_UPDATE, unit_of=held("giving_unit_id")
)


def _sides(row: asyncpg.Record) -> frozenset[str]:
    return rules.sides(row["giver_side"], row["receiver_side"])


def _step(row: asyncpg.Record, principal: Principal, action: str, side: str | None = None) -> str:
    """The state `action` leads to, if the caller (on `side`, or the side it needs) may."""
    held_sides = _sides(row)
    if side is None:
        wanted = {t.sides for t in rules.STATUS.transitions if t.action == action}
        needs = next(iter(wanted), None)
        side = rules.side_for(held_sides, needs)
    elif side not in held_sides:
        raise Forbidden(f"your scope does not hold the {side}'s unit")
    return rules.STATUS.step(row["status"], action, principal.role, side).target


def _require_giver(row: asyncpg.Record) -> None:
    if rules.GIVER not in _sides(row):
        raise Forbidden("only the giving side changes the list")
    if row["status"] not in rules.GIVER_EDITS:
        raise NotAllowed(
            f"the list changes only while draft or disputed; the handover is {row['status']}",
            field="status",
            state=row["status"],
            allowed=rules.STATUS.next_states(row["status"]),
        )


async def _list_selection(
    conn: asyncpg.Connection, write: Write, handover: asyncpg.Record, selection: Selection
) -> int:
    """List what the selection names (held by the giving unit); 422 for what it does not
    hold, 409 naming the open handover that already lists an item. The number listed."""
    giver = handover["giving_unit_id"]
    everything = selection.from_unit_id is not None
    if everything and selection.from_unit_id != giver:
        raise Invalid(
            f"from_unit_id lists what the giving unit {giver} holds: name that unit",
            field="items.from_unit_id",
        )
    site_ids = sorted(set(selection.site_ids))
    room_ids = sorted(set(selection.room_ids))
    asset_ids = sorted(set(selection.asset_ids))
    bad_sites, bad_assets = await queries.not_held(conn, giver, site_ids, asset_ids)
    if bad_sites:
        raise Invalid(f"sites {bad_sites} are not held by unit {giver}", field="items.site_ids")
    if bad_assets:
        raise Invalid(
            f"assets {bad_assets} are not held by unit {giver} (or are disposed)",
            field="items.asset_ids",
        )
    if room_ids:
        alone = await queries.rooms_without_site(
            conn, handover["id"], giver, room_ids, site_ids, everything
        )
        if alone:
            raise Invalid(
                f"rooms {alone}: a room passes with its site; list the site of unit {giver}",
                field="items.room_ids",
            )
    asset_filter = None
    if selection.asset_filter is not None:
        given = {
            k: v for k, v in msgspec.structs.asdict(selection.asset_filter).items() if v is not None
        }
        asset_filter = ASSETS.choices(**given)
    rows = await queries.add_items(
        conn, handover["id"], giver, site_ids, room_ids, asset_ids, everything, asset_filter
    )
    taken = [(r["kind"], r["entity_id"]) for r in rows if not r["claimed"]]
    if taken:
        holder = await queries.holder_of(conn, taken, handover["id"])
        entity, entity_id = taken[0]
        raise ItemTaken(
            holder["entity"] if holder else entity,
            holder["entity_id"] if holder else entity_id,
            holder["handover_id"] if holder else 0,
        )
    write.record_rows(ITEM, "list", ((r["id"], None, r["after"], giver) for r in rows))
    return len(rows)


@get(
    "/",
    guards=[allow(*READERS)],
    responses=errors(),
    dependencies={"listing": filters.HANDOVERS.provide()},
)
async def list_handovers(conn: Conn, principal: Me, listing: Listed) -> Page[HandoverRead]:
    """Handovers whose giving or receiving unit is in your scope, newest first."""
    query = ListQuery()
    unit = query.param(principal.unit_id)
    query.where.append(
        f"({in_scope('h.giving_unit_id', unit)} OR {in_scope('h.receiving_unit_id', unit)})"
    )
    return await listing.page(conn, queries.LIST, query, _read)


@post("/", guards=[allow(*WRITERS)], status_code=HTTP_201_CREATED, responses=errors(409, 422))
async def create_handover(
    conn: Conn, principal: Me, data: JSONBody[HandoverCreate]
) -> Response[HandoverRead]:
    """A draft handover from a unit of your scope (the giving side) to the receiving unit,
    and, in the same call, its items from a selection (`items`): everything the giving
    unit holds (`from_unit_id`), sites with their rooms and assets, an asset-list filter,
    assets by id. An item already in another open handover is a 409 naming it."""
    return HANDOVERS.respond(await open_draft(conn, principal, data), HTTP_201_CREATED)


async def open_draft(
    conn: asyncpg.Connection, principal: Principal, data: HandoverCreate
) -> asyncpg.Record:
    """Make the draft handover `data` describes, items listed, through the write step (the
    API's route, and an accepted reallocation suggestion, make theirs here)."""
    if (data.kind == "supplementary") != (data.corrects_id is not None):
        raise Invalid(
            "a supplementary handover names the completed handover it corrects"
            " (corrects_id), and only it does",
            field="corrects_id",
        )
    if data.giving_unit_id == data.receiving_unit_id:
        raise Invalid("a unit does not hand over to itself", field="receiving_unit_id")
    async with Write(conn, principal) as write:
        await require_unit(conn, principal, data.giving_unit_id, "giving_unit_id")
        if not await queries.unit_exists(conn, data.receiving_unit_id):
            raise Invalid(f"no unit {data.receiving_unit_id}", field="receiving_unit_id")
        if data.corrects_id is not None:
            corrected = await queries.corrected(conn, data.corrects_id, principal.unit_id)
            if corrected is None or corrected["status"] != "completed":
                raise Invalid(
                    f"no completed handover {data.corrects_id} in your scope", field="corrects_id"
                )
        handover_id = await queries.insert(
            conn,
            [
                data.kind.value,
                data.corrects_id,
                data.decision.number,
                data.decision.date,
                data.decision.issuer,
                data.giving_unit_id,
                data.receiving_unit_id,
                data.place,
                data.handover_date,
                data.giver_parties,
                data.receiver_parties,
                data.witness,
                data.notes,
                data.documents_handed_over,
                data.opinions,
                principal.user_id,
            ],
        )
        row = await HANDOVERS.get(conn, principal, handover_id)
        HANDOVERS.recorded(write, "create", None, row)
        if data.items is not None:
            await _list_selection(conn, write, row, data.items)
            row = await HANDOVERS.get(conn, principal, handover_id)
    return row


@get("/{handover_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_handover(conn: Conn, principal: Me, handover_id: PathId) -> Response[HandoverDetail]:
    """One handover with its deadline and its items summed up: count, quantity, cost and
    remaining value by form 02 group (A/B/C/D) and by transfer status."""
    row = await HANDOVERS.get(conn, principal, handover_id)
    summary = rules.summarize(await queries.summary(conn, handover_id))
    detail = HandoverDetail(handover=_read(row), summary=summary)
    return Response(detail, headers={"ETag": etag(row["version"])})


@patch(
    "/{handover_id:int}",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(403, 404, 409, 412, 428),
)
async def update_handover(
    request: Request,
    conn: Conn,
    principal: Me,
    handover_id: PathId,
    data: JSONBody[HandoverPatch],
) -> Response[HandoverRead]:
    """Write the documents handed over (form 02's B.2) and the parties' opinions (B.4) into
    the minutes: the giving side, while the list may change (draft or disputed); needs
    If-Match."""

    async def change(write: Write, before: asyncpg.Record) -> None:
        _require_giver(before)
        documents = data.documents_handed_over
        opinions = data.opinions
        await queries.set_text(
            conn,
            handover_id,
            before["documents_handed_over"] if documents is msgspec.UNSET else documents,
            before["opinions"] if opinions is msgspec.UNSET else opinions,
        )

    return await HANDOVERS.update(conn, principal, handover_id, expected_version(request), change)


@get(
    "/{handover_id:int}/items",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies={"listing": filters.ITEMS.provide()},
)
async def list_items(
    conn: Conn, principal: Me, handover_id: PathId, listing: Listed
) -> Page[ItemRead]:
    """The items as the giver listed them and the receiver recorded them (filter by
    `transfer_status`: `missing` is the shortage)."""
    await HANDOVERS.get(conn, principal, handover_id)
    query = ListQuery()
    query.add("handover_id = {}", handover_id)
    return await listing.page(conn, queries.ITEMS, query, _read_item)


@get(
    "/{handover_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def handover_history(
    conn: Conn, principal: Me, handover_id: PathId, listing: Listed
) -> Page[EventRead]:
    """The handover's recorded steps, oldest first."""
    return await HANDOVERS.history(conn, principal, handover_id, listing)


@post(
    "/{handover_id:int}/items",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def add_items(
    conn: Conn, principal: Me, handover_id: PathId, data: JSONBody[Selection]
) -> Added:
    """List more items (the giving side, while draft or disputed); those already listed
    here are left out."""
    async with Write(conn, principal) as write:
        row = await HANDOVERS.get(conn, principal, handover_id, lock=True)
        _require_giver(row)
        added = await _list_selection(conn, write, row, data)
        after = await HANDOVERS.get(conn, principal, handover_id)
    return Added(added=added, handover=_read(after))


@post(
    "/{handover_id:int}/items/remove",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def remove_items(
    conn: Conn, principal: Me, handover_id: PathId, data: JSONBody[ItemIds]
) -> Removed:
    """Take items off the list (the giving side, while draft or disputed); a site goes
    with its rooms. They may then join another handover. Every item named must be listed
    here, or nothing is removed (422)."""
    item_ids = sorted(set(data.item_ids))
    async with Write(conn, principal) as write:
        row = await HANDOVERS.get(conn, principal, handover_id, lock=True)
        _require_giver(row)
        removed = await queries.remove_items(conn, handover_id, item_ids)
        unknown = sorted(set(item_ids) - {r["id"] for r in removed})
        if unknown:
            raise Invalid(
                f"items {unknown[:20]} are not listed in handover {handover_id}",
                field="item_ids",
            )
        write.record_rows(
            ITEM, "unlist", ((r["id"], r["before"], None, row["giving_unit_id"]) for r in removed)
        )
        after = await HANDOVERS.get(conn, principal, handover_id)
    return Removed(removed=len(removed), handover=_read(after))


async def _change(
    conn: asyncpg.Connection,
    principal: Principal,
    handover_id: int,
    action: str,
    state: State | None = None,
) -> Response[HandoverRead]:
    """Take the step `action`; with `state`, its parties are told (a submission)."""
    async with Write(conn, principal) as write:
        before = await HANDOVERS.get(conn, principal, handover_id, lock=True)
        target = _step(before, principal, action)
        if action in ("submit", "resume") and before["item_count"] == 0:
            raise Invalid(f"list at least one item before you {action}", field="items")
        await queries.set_status(conn, handover_id, target)  # cancelled: its items are free
        after = await HANDOVERS.get(conn, principal, handover_id)
        HANDOVERS.recorded(write, action, before, after)
        if state is not None:
            kind = NoticeKind(target)
            await tell_parties(conn, state.settings, kind, after, principal.user_id)
    return HANDOVERS.respond(after)


@post(
    "/{handover_id:int}/submit",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def submit(
    conn: Conn, principal: Me, state: State, handover_id: PathId
) -> Response[HandoverRead]:
    """The giving side hands the list to the receiver: it no longer changes unless disputed."""
    return await _change(conn, principal, handover_id, "submit", state)


@post(
    "/{handover_id:int}/cancel",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409),
)
async def cancel(conn: Conn, principal: Me, handover_id: PathId) -> Response[HandoverRead]:
    """The giving side drops a draft (or disputed) handover: its items are free again."""
    return await _change(conn, principal, handover_id, "cancel")


@post(
    "/{handover_id:int}/resume",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409),
)
async def resume(conn: Conn, principal: Me, handover_id: PathId) -> Response[HandoverRead]:
    """The giving side, having fixed the list, takes a disputed handover back to verifying."""
    return await _change(conn, principal, handover_id, "resume")


@post(
    "/{handover_id:int}/dispute",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def dispute(
    conn: Conn, principal: Me, state: State, handover_id: PathId, data: JSONBody[Dispute]
) -> Response[HandoverRead]:
    """Either side disputes the handover, with its reason; signatures are voided."""
    async with Write(conn, principal) as write:
        before = await HANDOVERS.get(conn, principal, handover_id, lock=True)
        held_sides = _sides(before)
        side = rules.RECEIVER if rules.RECEIVER in held_sides else rules.GIVER
        _step(before, principal, "dispute", side)
        await queries.dispute(conn, handover_id, data.reason, side)
        after = await HANDOVERS.get(conn, principal, handover_id)
        HANDOVERS.recorded(write, "dispute", before, after)
        await tell_parties(
            conn,
            state.settings,
            NoticeKind.DISPUTED,
            after,
            principal.user_id,
            detail=data.reason,
            extra={"side": side},
        )
    return HANDOVERS.respond(after)


async def _receiving(
    conn: asyncpg.Connection, write: Write, principal: Principal, handover_id: int
) -> asyncpg.Record:
    """The handover locked for the receiver's records: submitted goes to verifying, and a
    signature already given is voided."""
    row = await HANDOVERS.get(conn, principal, handover_id, lock=True)
    if rules.RECEIVER not in _sides(row):
        raise Forbidden("only the receiving side records what arrived")
    if row["status"] not in rules.RECEIVING:
        raise NotAllowed(
            f"what arrived is recorded once submitted, before completion; the handover is"
            f" {row['status']}",
            field="status",
            state=row["status"],
            allowed=rules.STATUS.next_states(row["status"]),
        )
    if row["status"] == "submitted":
        _step(row, principal, "receive", rules.RECEIVER)
        await queries.set_status(conn, handover_id, "verifying")
    elif row["status"] != "verifying":
        _step(row, principal, "void", rules.RECEIVER)
        await queries.void(conn, handover_id)
    return row


@post(
    "/{handover_id:int}/receipts",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(403, 404, 409, 422),
)
async def record_receipts(
    conn: Conn, principal: Me, handover_id: PathId, data: JSONBody[ReceiptBatch]
) -> Recorded:
    """The receiving side records items by id or by scanned tag, up to 500 at once, as
    `received`, `received_damaged` (with the `condition` found and a note) or `missing`.
    Every item or tag named must be in the handover, or nothing is recorded (422)."""
    if not data.item_ids and not data.tags:
        raise Invalid("name items by item_ids or tags", field="item_ids")
    if data.status == Receipt.RECEIVED_DAMAGED and data.condition is None:
        raise Invalid("a damaged item needs the condition found", field="condition")
    condition = data.condition.value if data.status == Receipt.RECEIVED_DAMAGED else None
    item_ids = sorted(set(data.item_ids))
    tags = sorted({normalize(t) for t in data.tags})
    async with Write(conn, principal) as write:
        before = await _receiving(conn, write, principal, handover_id)
        rows = await queries.receive(
            conn,
            handover_id,
            item_ids,
            tags,
            data.status.value,
            condition,
            data.note,
            principal.user_id,
        )
        unknown_ids = sorted(set(item_ids) - {r["id"] for r in rows})
        if unknown_ids:
            raise Invalid(
                f"items {unknown_ids[:20]} are not listed in handover {handover_id}",
                field="item_ids",
            )
        unknown_tags = sorted(set(tags) - {r["tag"] for r in rows})
        if unknown_tags:
            raise Invalid(
                f"tags {unknown_tags[:20]} are not listed in handover {handover_id}",
                field="tags",
            )
        unit = before["giving_unit_id"]
        write.record_rows(ITEM, "receive", ((r["id"], r["before"], r["after"], unit) for r in rows))
        after = await HANDOVERS.get(conn, principal, handover_id)
        if after["status"] != before["status"]:
            HANDOVERS.recorded(write, "receive", before, after)
    return Recorded(recorded=len(rows), handover=_read(after))


@post(
    "/{handover_id:int}/surplus",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(403, 404, 409, 422),
)
async def add_surplus(
    conn: Conn, principal: Me, handover_id: PathId, data: JSONBody[SurplusBatch]
) -> Recorded:
    """The receiving side adds what it found but the giver did not list (surplus)."""
    columns: list[list[Any]] = [[] for _ in range(7)]
    for s in data.items:
        values = (
            normalize(s.tag) if s.tag else None,
            s.name,
            s.form_group.value,
            s.unit_of_measure,
            s.quantity,
            s.condition.value,
            s.note,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    async with Write(conn, principal) as write:
        before = await _receiving(conn, write, principal, handover_id)
        rows = await queries.add_surplus(conn, handover_id, columns, principal.user_id)
        unit = before["giving_unit_id"]
        write.record_rows(ITEM, "surplus", ((r["id"], None, r["after"], unit) for r in rows))
        after = await HANDOVERS.get(conn, principal, handover_id)
        if after["status"] != before["status"]:
            HANDOVERS.recorded(write, "receive", before, after)
    return Recorded(recorded=len(rows), handover=_read(after))


@post(
    "/{handover_id:int}/sign",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(403, 404, 409, 422),
)
async def sign(
    conn: Conn, principal: Me, state: State, handover_id: PathId, data: JSONBody[SignBody]
) -> Response[HandoverRead]:
    """Sign the minutes for your side: the person and position, the time, and the SHA-256
    of the minutes' content (the handover and its items as canonical JSON). Nothing is
    signed while an item is still `listed`. The second signature completes the handover:
    received sites and assets pass to the receiving unit, damaged ones with the condition
    found, missing ones stay with the giver; from then on it never changes."""
    async with Write(conn, principal) as write:
        before = await HANDOVERS.get(conn, principal, handover_id, lock=True)
        held_sides = _sides(before)
        side = data.side.value if data.side is not None else None
        if side is None:
            if len(held_sides) == 1:
                side = next(iter(held_sides))
            elif before["status"] in ("signed_by_giver", "signed_by_receiver"):
                side = rules.RECEIVER if before["status"] == "signed_by_giver" else rules.GIVER
            else:
                raise Invalid(
                    "your scope holds both units: say which side you sign for", field="side"
                )
        target = _step(before, principal, f"{side}_signs", side)
        if before["listed_count"]:
            allowed = [
                t.target
                for t in rules.STATUS.transitions
                if before["status"] in t.sources and not t.action.endswith("_signs")
            ]
            raise NotAllowed(
                f"{before['listed_count']} items are still listed: record each as received,"
                " received_damaged or missing before signing",
                field="status",
                state=before["status"],
                allowed=list(dict.fromkeys(allowed)),
            )
        items = [dict(r) for r in await queries.minutes_items(conn, handover_id)]
        digest = rules.minutes_hash({k: before[k] for k in rules.TERMS}, items)
        if target == "completed":
            receiver = before["receiving_unit_id"]
            sites, assets = await queries.transfer(conn, handover_id, receiver)
            write.record_rows(
                "site", "handover", ((r["id"], r["before"], r["after"], receiver) for r in sites)
            )
            write.record_rows(
                "asset", "handover", ((r["id"], r["before"], r["after"], receiver) for r in assets)
            )
        await queries.sign(
            conn, handover_id, side, target, principal.user_id, data.name, data.position, digest
        )
        after = await HANDOVERS.get(conn, principal, handover_id)
        HANDOVERS.recorded(write, "complete" if target == "completed" else "sign", before, after)
        await tell_parties(
            conn,
            state.settings,
            NoticeKind.COMPLETED if target == "completed" else NoticeKind.SIGNED,
            after,
            principal.user_id,
            extra={"side": side, "signer": data.name},
        )
    return HANDOVERS.respond(after)


router = Router(
    path="/api/v1/handovers",
    route_handlers=[
        *export_routes(export.HANDOVERS, READERS, "The handover list"),
        list_handovers,
        create_handover,
        get_handover,
        update_handover,
        list_items,
        handover_history,
        add_items,
        remove_items,
        submit,
        cancel,
        resume,
        dispute,
        record_receipts,
        add_surplus,
        sign,
    ],
    tags=["handovers"],
    security=BEARER,
)
