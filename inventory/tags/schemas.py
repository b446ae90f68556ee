"""Tag payloads: one Struct per direction."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from inventory.db.types import BigInt

MAX_BATCH = 1000  # 48 A4 sheets of 21: more than a commune prints in one go
BatchSize = Annotated[int, msgspec.Meta(ge=1, le=MAX_BATCH)]


class BatchCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Reserve `size` blank tags for a unit, to print now and claim by scanning later."""

    unit_id: BigInt
    size: BatchSize


class BatchRead(msgspec.Struct):
    id: int
    unit_id: int
    unit_name: str
    size: int
    claimed: int
    created_by: int | None
    created_at: datetime


class BatchTag(msgspec.Struct):
    code: str
    asset_id: int | None
    claimed_at: datetime | None
    claimed_by: int | None


class BatchDetail(BatchRead):
    """A batch and its tags, in printing order."""

    tags: list[BatchTag]
