"""SQL for photos, every read limited to photos of assets held in the caller's scope."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.photos.rules import Encoded

SCOPE = in_scope("a.holder_unit_id", "$2")
COLUMNS = """
p.id, p.asset_id, p.width, p.height, octet_length(p.image) AS bytes,
octet_length(p.thumbnail) AS thumbnail_bytes, p.sha256, p.added_by, p.created_at
"""
# The asset a photo is added to, locked as any change to an asset locks it.
ASSET = f"""
SELECT a.id, a.holder_unit_id FROM assets a WHERE a.id = $1 AND {SCOPE} FOR NO KEY UPDATE OF a
"""
ASSET_SEEN = f"SELECT 1 FROM assets a WHERE a.id = $1 AND {SCOPE}"
LIST = f"""
SELECT {COLUMNS}, {{sort_key}} AS sort_key
FROM asset_photos p JOIN assets a ON a.id = p.asset_id WHERE {{where}}
"""
# The bytes of one size; the asset is named too, so a photo is only ever its own asset's.
IMAGE = f"""
SELECT p.image, p.sha256 FROM asset_photos p JOIN assets a ON a.id = p.asset_id
WHERE p.id = $1 AND {SCOPE} AND p.asset_id = $3
"""
THUMBNAIL = IMAGE.replace("p.image,", "p.thumbnail AS image,", 1)
INSERT = f"""
WITH added AS (
    INSERT INTO asset_photos (asset_id, image, thumbnail, width, height, sha256, added_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *
)
SELECT {COLUMNS} FROM added p
"""

CONSTRAINTS = {
    "asset_photos_asset_id_fkey": ("asset_id", "no such asset"),
    "asset_photos_image_check": ("photo", "the photo as kept is too large"),
    "asset_photos_keep": ("id", "a photo of an asset is never changed or removed"),
    "assets_latest_photo_id_fkey": ("latest_photo_id", "no such photo"),
}


async def asset(
    conn: asyncpg.Connection, asset_id: int, scope_unit_id: int, *, lock: bool = False
) -> asyncpg.Record | None:
    """The asset (id, holder) if the caller's scope holds it; locked to add a photo."""
    if lock:
        return await conn.fetchrow(ASSET, asset_id, scope_unit_id)
    return await conn.fetchrow(ASSET_SEEN, asset_id, scope_unit_id)


async def insert(
    conn: asyncpg.Connection, asset_id: int, photo: Encoded, added_by: int | None
) -> asyncpg.Record:
    """Keep a photo (a trigger makes it the asset's latest); the row as the API reads it."""
    row = await conn.fetchrow(
        INSERT,
        asset_id,
        photo.image,
        photo.thumbnail,
        photo.width,
        photo.height,
        photo.sha256,
        added_by,
    )
    assert row is not None
    return row


async def image(
    conn: asyncpg.Connection, photo_id: int, scope_unit_id: int, asset_id: int, *, small: bool
) -> asyncpg.Record | None:
    """The JPEG (or its thumbnail) and its digest, if the photo is the asset's and in scope."""
    sql = THUMBNAIL if small else IMAGE
    return await conn.fetchrow(sql, photo_id, scope_unit_id, asset_id)
