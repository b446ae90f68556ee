"""Staffing payloads: a unit's whole list of positions, read and set at once."""

from __future__ import annotations

from typing import Annotated

import msgspec

from inventory.norms.schemas import PositionGroup

Position = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Holders = Annotated[int, msgspec.Meta(ge=0, le=1000)]


class StaffPosition(msgspec.Struct, forbid_unknown_fields=True):
    """A position (`Phó Chủ tịch UBND`), its norm group and how many hold it."""

    position: Position
    norm_group: PositionGroup
    holders: Holders


class StaffingSet(msgspec.Struct, forbid_unknown_fields=True):
    positions: Annotated[list[StaffPosition], msgspec.Meta(max_length=200)]


class StaffingRead(msgspec.Struct):
    unit_id: int
    positions: list[StaffPosition]
    total: int
    by_group: dict[str, int]
    version: int  # 0: never set
