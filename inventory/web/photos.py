"""An asset's photos for its phone page: the JPEG and its thumbnail, signed in by session.

Under the asset's tag, so another unit's asset (and its photos) is the not-found page as
everywhere; a photo of another asset is not found either.
"""

from __future__ import annotations

from litestar import Request, Response, Router, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.photos import queries as photos
from inventory.photos.routes import NO_GZIP, no_photo, serve
from inventory.web.tags import asset_of


async def _photo(
    request: Request, conn: Conn, tag: str, photo_id: int, *, small: bool
) -> Response | Template | Redirect:
    found = await asset_of(request, conn, tag, None)
    if not isinstance(found, tuple):
        return found
    principal, asset = found
    row = await photos.image(conn, photo_id, principal.unit_id, asset["id"], small=small)
    if row is None:
        raise no_photo(photo_id)  # the not-found page
    return serve(request, row)


@get("/t/{tag:str}/photos/{photo_id:int}", include_in_schema=False, opt=NO_GZIP)
async def photo_page(
    request: Request, conn: Conn, tag: FromPath[str], photo_id: PathId
) -> Response | Template | Redirect:
    return await _photo(request, conn, tag, photo_id, small=False)


@get("/t/{tag:str}/photos/{photo_id:int}/thumbnail", include_in_schema=False, opt=NO_GZIP)
async def thumbnail_page(
    request: Request, conn: Conn, tag: FromPath[str], photo_id: PathId
) -> Response | Template | Redirect:
    return await _photo(request, conn, tag, photo_id, small=True)


router = Router(path="/", route_handlers=[photo_page, thumbnail_page])
