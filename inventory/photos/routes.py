"""Photo routes: an asset's photos, listed, added (multipart) and served as JPEG.

A photo is its asset's: read in the asset's scope (another unit's is a 404, an auditor's
scope is the province), always under its asset's URL, and served as the JPEG the server
made, whatever was sent.
"""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Body
from litestar.status_codes import HTTP_201_CREATED, HTTP_304_NOT_MODIFIED

from inventory.accounts.guards import READERS, WRITERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.db.dependencies import Conn
from inventory.db.listing import Listed, ListQuery, Page
from inventory.db.pool import connection
from inventory.db.types import PathId
from inventory.errors import NotFound
from inventory.history.write import Write
from inventory.openapi import BEARER, errors
from inventory.photos import filters, queries, uploads, writes
from inventory.photos.schemas import PhotoRead, PhotoUpload

BASE = "/api/v1/assets"
# A photo never changes under its id, but it is private: kept by the browser, not by proxies.
CACHE = "private, max-age=86400"
TOO_LARGE = {RequestEntityTooLarge: lambda request, _exc: uploads.too_large().to_response(request)}
"""A photo route's answer to a body past its bound: the 413 that names `photo`."""
# Photo routes admit the photo's body (the rest of the app keeps its own bound), and leave
# JPEGs uncompressed (they do not shrink).
PHOTO_ROUTE = {"request_max_body_size": uploads.MAX_BODY, "exception_handlers": TOO_LARGE}
NO_GZIP = {"skip_compression": True}


def read(row: asyncpg.Record) -> PhotoRead:
    url = f"{BASE}/{row['asset_id']}/photos/{row['id']}"
    return PhotoRead(
        id=row["id"],
        asset_id=row["asset_id"],
        width=row["width"],
        height=row["height"],
        bytes=row["bytes"],
        thumbnail_bytes=row["thumbnail_bytes"],
        sha256=row["sha256"].hex(),
        added_by=row["added_by"],
        created_at=row["created_at"],
        url=url,
        thumbnail_url=f"{url}/thumbnail",
    )


def no_photo(photo_id: int) -> NotFound:
    return NotFound(f"no photo {photo_id} of this asset")


def no_asset(asset_id: int) -> NotFound:
    return NotFound(f"no asset {asset_id}")


def serve(request: Request, row: asyncpg.Record) -> Response[bytes]:
    """A photo's bytes as the one type they are, never sniffed as another; 304 when the
    browser already has them."""
    tag = f'"{row["sha256"].hex()}"'
    headers = {
        "ETag": tag,
        "Cache-Control": CACHE,
        "X-Content-Type-Options": "nosniff",
        # Opened on its own, it is an image and nothing else: no script, no form, no frame.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Content-Disposition": "inline",
    }
    if request.headers.get("if-none-match") == tag:
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(row["image"], media_type="image/jpeg", headers=headers)


async def photo_of(
    conn: asyncpg.Connection, principal: Principal, asset_id: int, photo_id: int, *, small: bool
) -> asyncpg.Record:
    row = await queries.image(conn, photo_id, principal.unit_id, asset_id, small=small)
    if row is None:
        raise no_photo(photo_id)
    return row


@get(
    "/{asset_id:int}/photos",
    guards=[allow(*READERS)],
    responses=errors(404),
    dependencies={"listing": filters.PHOTOS.provide()},
)
async def list_photos(
    conn: Conn, principal: Me, asset_id: PathId, listing: Listed
) -> Page[PhotoRead]:
    """The photos of an asset in your scope, newest first (their bytes at `url`)."""
    if await queries.asset(conn, asset_id, principal.unit_id) is None:
        raise no_asset(asset_id)
    query = ListQuery()
    query.add("p.asset_id = {}", asset_id)
    query.add(in_scope("a.holder_unit_id", "{}"), principal.unit_id)
    return await listing.page(conn, queries.LIST, query, read)


@post(
    "/{asset_id:int}/photos",
    guards=[allow(*WRITERS)],
    status_code=HTTP_201_CREATED,
    responses=errors(404, 413, 422),
    **PHOTO_ROUTE,
)
async def add_photo(
    request: Request,
    principal: Me,
    asset_id: PathId,
    data: Annotated[PhotoUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[PhotoRead]:
    """Add a photo to an asset in your scope: a multipart form whose `photo` is a JPEG, PNG
    or WebP of at most 10 MB (413 above). The server decodes it (422 for anything else, or
    more than 50 million pixels), turns it upright, strips its metadata (place, camera,
    time) and keeps a JPEG of at most 1600 px a side; in the asset's history."""
    photo = await uploads.prepare(await data.photo.read())
    # The upload is read and re-encoded: only now is a pooled connection taken.
    async with connection(request.app.state.pool) as conn, Write(conn, principal) as write:
        asset = await queries.asset(conn, asset_id, principal.unit_id, lock=True)
        if asset is None:
            raise no_asset(asset_id)
        row = await writes.add(write, asset, photo)
    return Response(read(row), status_code=HTTP_201_CREATED)


@get(
    "/{asset_id:int}/photos/{photo_id:int}",
    guards=[allow(*READERS)],
    responses=errors(404),
    media_type="image/jpeg",
    opt=NO_GZIP,
)
async def get_photo(
    request: Request, conn: Conn, principal: Me, asset_id: PathId, photo_id: PathId
) -> Response[bytes]:
    """The photo, as the JPEG the server made (at most 1600 px a side, about 300 KB)."""
    return serve(request, await photo_of(conn, principal, asset_id, photo_id, small=False))


@get(
    "/{asset_id:int}/photos/{photo_id:int}/thumbnail",
    guards=[allow(*READERS)],
    responses=errors(404),
    media_type="image/jpeg",
    opt=NO_GZIP,
)
async def get_thumbnail(
    request: Request, conn: Conn, principal: Me, asset_id: PathId, photo_id: PathId
) -> Response[bytes]:
    """The photo's thumbnail (a JPEG of at most 320 px a side, under 20 KB)."""
    return serve(request, await photo_of(conn, principal, asset_id, photo_id, small=True))


router = Router(
    path=BASE,
    route_handlers=[list_photos, add_photo, get_photo, get_thumbnail],
    tags=["photos"],
    security=BEARER,
)
