"""History routes for auditors and admins: the events of their scope, even of records
deleted since, and verifying that no event was altered."""

from __future__ import annotations

from litestar import Router, get

from inventory.accounts.guards import Me, allow
from inventory.accounts.principal import Role
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, Page
from inventory.history import filters, queries
from inventory.history.schemas import EventRead, Verification
from inventory.openapi import BEARER, errors

AUDITORS = (Role.ADMIN, Role.AUDITOR)


@get("/", guards=[allow(*AUDITORS)], responses=errors())
async def list_events(conn: Conn, principal: Me, listing: Listed) -> Page[EventRead]:
    """Events of the units in your scope and of the deployment's reference data, newest
    first; filter by `entity` and `entity_id` for one record's, deleted or not."""
    return await queries.in_scope_of(conn, principal.unit_id, listing)


@get("/verify", guards=[allow(*AUDITORS)], responses=errors())
async def verify(conn: Conn, principal: Me) -> Verification:
    """Recompute every hash of the chains of your scope; the first event that does not
    match is named (`ok` false)."""
    return await queries.verify(conn, await queries.scope_chains(conn, principal.unit_id))


router = Router(
    path="/api/v1/history",
    route_handlers=[list_events, verify],
    dependencies={"listing": filters.EVENTS.provide()},
    tags=["history"],
    security=BEARER,
)
