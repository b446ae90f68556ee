"""Claim payloads: one Struct per direction."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from inventory.db.types import BigInt
from inventory.sites.schemas import Condition
from inventory.units.schemas import Name


class TagState(StrEnum):
    BLANK = "blank"  # reserved in a batch, waiting to be claimed
    BOUND = "bound"  # on an asset, for life
    RETIRED = "retired"  # claimed, and its asset was deleted since: never handed out again


class NewAsset(msgspec.Struct, forbid_unknown_fields=True):
    """An asset made on the spot for a blank tag, held by the tag's unit."""

    name: Name
    category_id: BigInt
    room_id: BigInt | None = None
    condition: Condition = Condition.GOOD


class Claim(msgspec.Struct, forbid_unknown_fields=True):
    """Bind a blank tag: to an untagged asset of its unit (`asset_id`), or to a new one."""

    asset_id: BigInt | None = None
    asset: NewAsset | None = None

    def __post_init__(self) -> None:
        if (self.asset_id is None) == (self.asset is None):
            raise ValueError("give either asset_id or asset")


class TagRead(msgspec.Struct):
    """Where a tag stands. `unit_id` is the unit holding the asset, or the batch's unit."""

    code: str
    state: TagState
    unit_id: int
    unit_name: str
    asset_id: int | None
    asset_name: str | None
    batch_id: int | None
    claimed_at: datetime | None
    claimed_by: int | None
