"""Compliance routes under /api/v1/handovers: the summary per commune with the province
total and merger coverage (auditors, admins, leaders of their scope), its XLSX export,
the coverage drill-down of one former unit, and auditors' flags on a handover.

A flag is an auditor's (or admin's) remark on a handover, with a comment, open until
cleared. It changes nothing of the handover (its status, version, signatures): it is
recorded in the handover's history and told to the handover's parties, who read the
flags like the handover itself (a third unit gets 404).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from litestar import Response, Router, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Role
from inventory.clock import VIETNAM
from inventory.compliance import export, filters, queries, report
from inventory.compliance.schemas import (
    Compliance,
    FlagClear,
    FlagCreate,
    FlagRead,
    Flags,
    Uncovered,
)
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.documents.xlsx import XLSX_MEDIA, xlsx_bytes
from inventory.errors import Conflict, NotFound
from inventory.handovers.routes import HANDOVERS
from inventory.history.write import Write
from inventory.jobs.routes import attachment
from inventory.notifications.notify import tell_parties
from inventory.notifications.schemas import NoticeKind
from inventory.openapi import BEARER, errors

COMPLIANCE_READERS = (Role.ADMIN, Role.AUDITOR, Role.LEADER)
WORKBOOK = {
    **errors(),
    200: ResponseSpec(
        data_container=bytes,
        media_type=XLSX_MEDIA,
        generate_examples=False,
        description="three sheets (communes, coverage, totals), sent as an attachment",
    ),
}
FLAGGERS = (Role.ADMIN, Role.AUDITOR)


def _flag(row: asyncpg.Record) -> FlagRead:
    return FlagRead(**{k: row[k] for k in FlagRead.__struct_fields__})


def _uncovered(row: asyncpg.Record) -> Uncovered:
    return Uncovered(
        kind=row["kind"],
        id=row["entity_id"],
        name=row["name"],
        tag=row["tag"],
        quantity=row["quantity"],
        original_cost=row["original_cost"],
        remaining_value=row["remaining_value"],
        open_handover_id=row["open_handover_id"],
    )


@get("/compliance", guards=[allow(*COMPLIANCE_READERS)], responses=errors())
async def compliance(conn: Conn, principal: Me) -> Compliance:
    """Per commune of your scope (and any other receiving unit): handovers by status, open
    ones due and overdue, completed on time and late, flagged; items and value by
    transfer status; the coverage of its former units. `province` totals the rows (for
    your scope); `coverage` lists every former unit with what it still holds outside a
    completed merger handover."""
    return await report.build(conn, principal.unit_id)


@get(
    "/compliance.xlsx",
    guards=[allow(*COMPLIANCE_READERS)],
    responses=WORKBOOK,
    media_type=XLSX_MEDIA,
)
async def compliance_xlsx(conn: Conn, principal: Me) -> Response[bytes]:
    """The compliance view as a workbook: a sheet of the communes with the total row, one
    of merger coverage (a row per former unit), one of the totals."""
    data = await report.build(conn, principal.unit_id)
    content = await asyncio.to_thread(xlsx_bytes, export.sheets(data))
    day = datetime.now(UTC).astimezone(VIETNAM).date().isoformat()
    name = f"tuan-thu-ban-giao-{data.province.unit_code}-{day}.xlsx"
    return Response(
        content, media_type=XLSX_MEDIA, headers={"Content-Disposition": attachment(name)}
    )


@get(
    "/coverage/{unit_id:int}",
    guards=[allow(*COMPLIANCE_READERS)],
    responses=errors(404),
    dependencies={"listing": filters.UNCOVERED.provide()},
)
async def coverage_items(
    conn: Conn, principal: Me, unit_id: PathId, listing: Listed
) -> Page[Uncovered]:
    """The sites and assets former unit `unit_id` still holds outside any completed merger
    handover, with the open handover listing each, if any."""
    if not await queries.former_unit(conn, unit_id, principal.unit_id):
        raise NotFound(f"no former unit {unit_id} in your scope")
    query = ListQuery()
    query.params.append(unit_id)  # $1 of the select
    return await listing.page(conn, queries.UNCOVERED_LIST, query, _uncovered)


@get("/{handover_id:int}/flags", guards=[allow(*READERS)], responses=errors(404))
async def list_flags(conn: Conn, principal: Me, handover_id: PathId) -> Flags:
    """The auditors' flags on a handover, oldest first, with their comments (its parties,
    auditors and leaders of its scope read them)."""
    await HANDOVERS.get(conn, principal, handover_id)
    rows = [_flag(r) for r in await queries.flags(conn, handover_id)]
    return Flags(open=sum(f.cleared_at is None for f in rows), items=rows)


@post(
    "/{handover_id:int}/flags",
    guards=[allow(*FLAGGERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(404, 422),
)
async def flag_handover(
    conn: Conn, principal: Me, state: State, handover_id: PathId, data: JSONBody[FlagCreate]
) -> Response[FlagRead]:
    """Flag a handover with a comment (auditors, admins): its parties are told. Its status
    does not change. Send an Idempotency-Key: sent again, it flags once."""
    async with Write(conn, principal) as write:
        handover = await HANDOVERS.get(conn, principal, handover_id, lock=True)
        flag_id = await queries.insert_flag(conn, handover_id, data.comment, principal.user_id)
        write.record_json(
            "handover",
            handover_id,
            "flag",
            None,
            await queries.flag_json(conn, flag_id),
            handover["giving_unit_id"],
        )
        await tell_parties(
            conn,
            state.settings,
            NoticeKind.FLAGGED,
            handover,
            principal.user_id,
            detail=data.comment,
        )
        row = await queries.flag(conn, flag_id, handover_id)
    return Response(_flag(row), status_code=HTTP_201_CREATED)


@post(
    "/{handover_id:int}/flags/{flag_id:int}/clear",
    guards=[allow(*FLAGGERS)],
    status_code=200,
    responses=errors(404, 409, 422),
)
async def clear_flag(
    conn: Conn,
    principal: Me,
    handover_id: PathId,
    flag_id: PathId,
    data: JSONBody[FlagClear],
) -> FlagRead:
    """Clear a flag (auditors, admins), with an optional comment; clearing one already
    cleared is a 409."""
    async with Write(conn, principal) as write:
        handover = await HANDOVERS.get(conn, principal, handover_id, lock=True)
        if not await queries.lock_flag(conn, flag_id, handover_id):
            raise NotFound(f"no flag {flag_id} on handover {handover_id}")
        before = await queries.flag_json(conn, flag_id)
        if not await queries.clear_flag(conn, flag_id, principal.user_id, data.comment):
            raise Conflict(f"flag {flag_id} is cleared already", field="flag_id")
        write.record_json(
            "handover",
            handover_id,
            "clear_flag",
            before,
            await queries.flag_json(conn, flag_id),
            handover["giving_unit_id"],
        )
        row = await queries.flag(conn, flag_id, handover_id)
    return _flag(row)


router = Router(
    path="/api/v1/handovers",
    route_handlers=[
        compliance,
        compliance_xlsx,
        coverage_items,
        list_flags,
        flag_handover,
        clear_flag,
    ],
    tags=["handovers"],
    security=BEARER,
)
