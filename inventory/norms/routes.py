"""Norm routes: every signed-in user reads the figures; only admins change them, with
If-Match, each change recorded in the deployment's history."""

from __future__ import annotations

import asyncpg
import msgspec
from litestar import Request, Response, Router, get, patch
from litestar.params import JSONBody

from inventory.accounts.guards import READERS, Me, allow, deployment_admin
from inventory.accounts.principal import Principal
from inventory.api.records import Records, reader
from inventory.db import crud
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.types import PathId
from inventory.history.filters import OF_RECORD_PAGES
from inventory.history.schemas import EventRead
from inventory.norms import filters, queries
from inventory.norms.schemas import CategoryRef, NormItemRead, NormPatch, NormRead
from inventory.openapi import BEARER, IfMatch, errors
from inventory.versioning import expected_version

NORMS = Records(
    "norm",
    reader(NormRead),
    queries.GET,
    queries.GET_FOR_UPDATE,
    scoped=False,
    unit_of=lambda _row: None,
)
NORM_LIST = {"listing": filters.NORMS.provide()}


@get("/", guards=[allow(*READERS)], responses=errors(), dependencies=NORM_LIST)
async def list_norms(conn: Conn, listing: Listed) -> Page[NormRead]:
    """The norms, with their legal source, confidence, validity and version."""
    return await listing.page(conn, queries.LIST, ListQuery(), NORMS.read)


@get("/items", guards=[allow(*READERS)], responses=errors())
async def list_norm_items(conn: Conn) -> list[NormItemRead]:
    """The equipment items, each with the categories whose assets count toward it (set a
    category's `norm_item` to change the mapping)."""
    return [
        NormItemRead(
            row["code"],
            row["name"],
            msgspec.json.decode(row["categories"], type=list[CategoryRef]),
        )
        for row in await queries.items(conn)
    ]


@get("/{norm_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def get_norm(conn: Conn, norm_id: PathId) -> Response[NormRead]:
    """One norm; its ETag is the version to send back in If-Match."""
    return NORMS.respond(await NORMS.get(conn, None, norm_id))


@get(
    "/{norm_id:int}/history",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies=OF_RECORD_PAGES,
)
async def norm_history(conn: Conn, norm_id: PathId, listing: Listed) -> Page[EventRead]:
    """Every version of the norm, oldest first: who changed what, when, before and after."""
    return await NORMS.history(conn, None, norm_id, listing)


@patch(
    "/{norm_id:int}",
    operation_class=IfMatch,
    guards=[deployment_admin()],
    responses=errors(404, 409, 412, 422, 428),
)
async def update_norm(
    request: Request, conn: Conn, principal: Me, norm_id: PathId, data: JSONBody[NormPatch]
) -> Response[NormRead]:
    """Change a norm's figure or provenance (admin); needs If-Match. The needs computed
    afterwards name the new version."""
    return await change(conn, principal, norm_id, expected_version(request), data)


async def change(
    conn: asyncpg.Connection,
    principal: Principal,
    norm_id: int,
    version: int | None,
    data: NormPatch,
) -> Response[NormRead]:
    """The write path of a norm (this route's and the norms page's): at `version` (412
    otherwise), in history."""
    return await NORMS.update(
        conn,
        principal,
        norm_id,
        version,
        lambda _write, _before: crud.update(conn, "norms", norm_id, crud.given_fields(data)),
    )


router = Router(
    path="/api/v1/norms",
    route_handlers=[list_norms, list_norm_items, get_norm, norm_history, update_norm],
    tags=["norms"],
    security=BEARER,
)
