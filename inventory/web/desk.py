"""The desktop start page: what each role looks at first after signing in, in brief,
each figure from the same query (and the same role and scope) as its API route.

An officer: the unit's assets by condition and status, what still waits for a label,
the open stocktakes. An auditor: the handover compliance of the scope and the history
chains' state (the cheap check; the full recomputation on demand). A leader: the needs
of the communes, and the compliance too. An admin: units, users and the latest jobs.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope
from inventory.assets import queries as assets
from inventory.compliance import report as compliance
from inventory.compliance.routes import COMPLIANCE_READERS
from inventory.db.listing import ListQuery
from inventory.history import queries as history
from inventory.history.routes import AUDITORS
from inventory.jobs import queries as jobs
from inventory.needs import report as needs
from inventory.stocktakes import filters as stocktakes
from inventory.stocktakes import queries as stocktake_queries
from inventory.units import queries as units
from inventory.users import queries as users
from inventory.web.pages import when

SHOWN = 5
"""Rows of each brief list (the worst communes, the open stocktakes, the latest jobs)."""


async def _officer(conn: asyncpg.Connection, principal: Principal) -> dict[str, Any]:
    rows = await assets.tally(conn, principal.unit_id)
    by_condition: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for r in rows:
        by_condition[r["condition"]] = by_condition.get(r["condition"], 0) + r["assets"]
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["assets"]
    query = ListQuery()
    query.add(in_scope("s.unit_id", "{}"), principal.unit_id)
    listing = stocktakes.STOCKTAKES.choices(status="open", limit=SHOWN)
    found = await listing.page(conn, stocktake_queries.LIST, query, lambda r: r)
    return {
        "assets": sum(r["assets"] for r in rows),
        "original_cost": sum(r["original_cost"] for r in rows),
        "by_condition": sorted(by_condition.items(), key=lambda kv: -kv[1]),
        "by_status": sorted(by_status.items(), key=lambda kv: -kv[1]),
        "untagged": await assets.untagged_count(conn, principal.unit_id),
        "stocktakes": [{**dict(r), "opened": when(r["opened_at"])} for r in found.items],
        "more_stocktakes": found.next_cursor is not None,
    }


async def _auditor(conn: asyncpg.Connection, principal: Principal, verify: bool) -> dict[str, Any]:
    brief: dict[str, Any] = {}
    if principal.role in COMPLIANCE_READERS:
        built = await compliance.build(conn, principal.unit_id)
        brief["compliance"] = built.province
        brief["uncovered"] = sum(1 for c in built.coverage if not c.covered)
    if principal.role in AUDITORS:
        chains = await history.scope_chains(conn, principal.unit_id)
        count, events, heads_ok = await history.heads_check(conn, chains)
        brief["chain"] = {"chains": count, "events": events, "heads_ok": heads_ok}
        if verify:
            brief["verified"] = await history.verify(conn, chains)
    return brief


async def _leader(conn: asyncpg.Connection, principal: Principal) -> dict[str, Any]:
    overview = needs.overview(await needs.needs_of(conn, principal.unit_id))
    return {
        "needs": overview,
        "worst": [c for c in overview.communes if c.shortfall_m2 > 0 or c.equipment_gap][:SHOWN],
    }


async def _admin(conn: asyncpg.Connection, principal: Principal) -> dict[str, Any]:
    return {
        "units": await units.counts(conn, principal.unit_id),
        "users": await users.by_role(conn, principal.unit_id),
        "jobs": [
            {**dict(j), "created": when(j["created_at"])}
            for j in await jobs.recent(conn, principal, SHOWN)
        ],
    }


async def start(conn: asyncpg.Connection, principal: Principal, *, verify: bool) -> dict[str, Any]:
    """The start page's brief for the principal's role (`verify`: recompute the chains)."""
    role = principal.role
    if role == Role.OFFICER:
        return {"officer": await _officer(conn, principal)}
    if role == Role.AUDITOR:
        return {"auditor": await _auditor(conn, principal, verify)}
    if role == Role.LEADER:
        return {
            "leader": await _leader(conn, principal),
            "auditor": await _auditor(conn, principal, verify),
        }
    return {
        "admin": await _admin(conn, principal),
        "auditor": await _auditor(conn, principal, verify),
    }
