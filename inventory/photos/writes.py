"""Adding a photo to an asset, inside the caller's write step: in the asset's history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from inventory.history.write import Write
from inventory.photos import queries
from inventory.photos.rules import Encoded

ENTITY = "asset"
"""A photo's event joins its asset's history (the entity `assets.writes.ENTITY` names)."""
ACTION = "photo"


async def add(write: Write, asset: Mapping[str, Any], photo: Encoded) -> asyncpg.Record:
    """Keep `photo` of `asset` (id, holder_unit_id; read with its lock in scope). Its event
    names the photo, its size and digest: the bytes are in the photo's row, not in history."""
    actor = write.principal.user_id if write.principal else None
    row = await queries.insert(write.conn, asset["id"], photo, actor)
    write.record(
        ENTITY,
        asset["id"],
        ACTION,
        None,
        {
            "photo_id": row["id"],
            "bytes": row["bytes"],
            "sha256": photo.sha256.hex(),
            "width": photo.width,
            "height": photo.height,
        },
        unit_id=asset["holder_unit_id"],
    )
    return row
