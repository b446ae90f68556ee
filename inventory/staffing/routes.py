"""Staffing routes: everyone who sees a unit reads its staffing; its officers and admins
set it, the whole list at once with If-Match, recorded in the unit's history."""

from __future__ import annotations

from collections import Counter

import msgspec
from litestar import Request, Response, Router, get, put
from litestar.params import JSONBody

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, Page
from inventory.db.types import PathId
from inventory.errors import Invalid, NotFound
from inventory.history import queries as history
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.history.write import Write
from inventory.openapi import BEARER, IfMatch, errors
from inventory.staffing import queries
from inventory.staffing.schemas import StaffingRead, StaffingSet, StaffPosition
from inventory.versioning import check_version, etag, expected_version

ENTITY = "staffing"


def _read(unit_id: int, version: int, positions: list[StaffPosition]) -> StaffingRead:
    groups: Counter[str] = Counter()
    for p in positions:
        groups[str(p.norm_group)] += p.holders
    return StaffingRead(
        unit_id=unit_id,
        positions=positions,
        total=sum(groups.values()),
        by_group=dict(groups),
        version=version,
    )


def _snapshot(staffing: StaffingRead) -> dict[str, object]:
    return msgspec.to_builtins(staffing)


async def _visible(conn: Conn, principal: Principal, unit_id: int) -> None:
    if not await queries.in_scope_unit(conn, unit_id, principal.unit_id):
        raise NotFound(f"no unit {unit_id}")


@get("/{unit_id:int}/staffing", guards=[allow(*READERS)], responses=errors(404))
async def get_staffing(conn: Conn, principal: Me, unit_id: PathId) -> Response[StaffingRead]:
    """The unit's positions and how many hold each; its ETag is the version for If-Match
    ("0" until it is first set)."""
    await _visible(conn, principal, unit_id)
    staffing = _read(unit_id, *await queries.read(conn, unit_id))
    return Response(staffing, headers={"ETag": etag(staffing.version)})


@put(
    "/{unit_id:int}/staffing",
    operation_class=IfMatch,
    guards=[allow(*WRITERS)],
    responses=errors(404, 412, 422, 428),
)
async def set_staffing(
    request: Request,
    conn: Conn,
    principal: Me,
    unit_id: PathId,
    data: JSONBody[StaffingSet],
) -> Response[StaffingRead]:
    """Replace the unit's positions (its officers, admins); needs If-Match. The same list
    again changes nothing and records nothing."""
    expected = expected_version(request)
    seen: set[str] = set()
    for index, p in enumerate(data.positions):
        if p.position in seen:
            raise Invalid(f"position {p.position!r} is listed twice", field=f"positions[{index}]")
        seen.add(p.position)
    await _visible(conn, principal, unit_id)
    async with Write(conn, principal) as write:
        check_version(await queries.lock(conn, unit_id), expected)
        before = _read(unit_id, *await queries.read(conn, unit_id))
        if before.positions != data.positions:
            await queries.replace(conn, unit_id, data.positions)
            after = _read(unit_id, *await queries.read(conn, unit_id))
            write.record(
                ENTITY,
                unit_id,
                "update" if before.version else "create",
                _snapshot(before) if before.version else None,
                _snapshot(after),
                unit_id=unit_id,
            )
        else:
            after = before
    return Response(after, headers={"ETag": etag(after.version)})


@get(
    "/{unit_id:int}/staffing/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def staffing_history(
    conn: Conn, principal: Me, unit_id: PathId, listing: Listed
) -> Page[EventRead]:
    """Every change to the unit's staffing, oldest first."""
    await _visible(conn, principal, unit_id)
    return await history.of_entity(conn, ENTITY, unit_id, listing)


router = Router(
    path="/api/v1/units",
    route_handlers=[get_staffing, set_staffing, staffing_history],
    tags=["staffing"],
    security=BEARER,
)
