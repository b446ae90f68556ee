"""Unit payloads: one Struct per direction."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.db.types import BigInt

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=16, pattern=r"^[0-9A-Za-z._-]+$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class UnitKind(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    WARD = "ward"
    SPECIAL_ZONE = "special_zone"
    FORMER_COMMUNE = "former_commune"
    FORMER_DISTRICT = "former_district"
    AGENCY = "agency"


class UnitCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: UnitKind
    parent_id: BigInt | None = None
    merged_into_id: BigInt | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class UnitPatch(msgspec.Struct, forbid_unknown_fields=True):
    code: Code | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: UnitKind | msgspec.UnsetType = msgspec.UNSET
    parent_id: BigInt | None | msgspec.UnsetType = msgspec.UNSET
    merged_into_id: BigInt | None | msgspec.UnsetType = msgspec.UNSET
    valid_from: date | None | msgspec.UnsetType = msgspec.UNSET
    valid_to: date | None | msgspec.UnsetType = msgspec.UNSET


class UnitRead(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None
    merged_into_id: int | None
    valid_from: date | None
    valid_to: date | None
    version: int


class UnitBrief(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: UnitKind


class Lineage(msgspec.Struct):
    """What a unit was formed from (recursively), and what it was merged into."""

    unit: UnitBrief
    formed_from: list[UnitBrief]
    merged_into: UnitBrief | None
