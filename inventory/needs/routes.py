"""Needs routes: leaders, auditors and admins read the needs of the communes in their scope,
officers their own unit's; another unit's answers 404."""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromPath

from inventory.accounts.guards import READERS, Me, allow
from inventory.db.dependencies import Conn
from inventory.errors import NotFound
from inventory.needs import report
from inventory.needs.schemas import Overview, UnitNeeds
from inventory.openapi import BEARER, errors


@get("/", guards=[allow(*READERS)], responses=errors())
async def province_needs(conn: Conn, principal: Me) -> Overview:
    """Every commune of your scope ranked by room shortfall (m², then %), and the
    equipment gap's estimated cost by item and by commune."""
    return report.overview(await report.needs_of(conn, principal.unit_id))


@get("/units/{unit_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def unit_needs(conn: Conn, principal: Me, unit_id: FromPath[int]) -> UnitNeeds:
    """One commune's room shortfall and equipment gap, each figure with its norm and
    version."""
    found = await report.needs_of(conn, principal.unit_id, unit_id)
    if not found:
        raise NotFound(f"no commune {unit_id}")
    return found[0]


router = Router(
    path="/api/v1/needs",
    route_handlers=[province_needs, unit_needs],
    tags=["needs"],
    security=BEARER,
)
