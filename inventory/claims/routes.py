"""Claim routes: where a tag stands, and binding a blank tag of your unit to an asset."""

from __future__ import annotations

from litestar import Router, get, post
from litestar.params import FromPath, JSONBody

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.claims import binding
from inventory.claims.schemas import Claim, TagRead
from inventory.db.dependencies import Conn
from inventory.openapi import BEARER, errors
from inventory.tagcodes import normalize


@get("/{code:str}", guards=[allow(*READERS)], responses=errors(404))
async def get_tag(conn: Conn, principal: Me, code: FromPath[str]) -> TagRead:
    """Where a tag stands, as typed or scanned (case and look-alikes forgiven)."""
    return await binding.lookup(conn, principal, normalize(code))


@post(
    "/{code:str}/claim",
    guards=[allow(*WRITERS)],
    status_code=200,
    responses=errors(404, 409, 413, 422),
)
async def claim_tag(
    conn: Conn, principal: Me, code: FromPath[str], data: JSONBody[Claim]
) -> TagRead:
    """Bind a blank tag of your unit: to an untagged asset of that unit, or to a new asset."""
    return await binding.claim(conn, principal, normalize(code), data)


router = Router(
    path="/api/v1/tags", route_handlers=[get_tag, claim_tag], tags=["tags"], security=BEARER
)
