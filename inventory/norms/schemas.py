"""Norm payloads: the figure as read, and the fields an admin may change.

What a norm is about (its code, kind, position groups, item or room purpose, basis) is
fixed by the migration that seeds it: the needs arithmetic reads those. An admin edits the
figures and their provenance: value, per (the N of "1 per N staff"), maximum price, unit,
legal source, confidence and validity.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated

import msgspec


class Kind(StrEnum):
    HANDOVER = "handover"
    AREA = "area"  # m² per person of a position group
    SHARED_AREA = "shared_area"  # the shared-area allowance, a fraction of the position area
    ROOM = "room"  # rooms a headquarters must have
    EQUIPMENT = "equipment"  # an equipment item per person, per N staff or per office room


class Basis(StrEnum):
    """What a figure is counted per."""

    PERSON = "person"  # each holder of a position in the norm's groups
    STAFF = "staff"  # 1 per `per` staff of the norm's groups
    OFFICE_ROOM = "office_room"  # each office room of the norm's groups
    UNIT = "unit"  # once per unit


class PositionGroup(StrEnum):
    """The norm groups of commune positions (Decree 155/2025 for area, Decision 15/2025 for
    equipment: secretary = group VI, leader = VII, head and staff = VIII)."""

    SECRETARY = "secretary"  # commune Party secretary
    LEADER = "leader"  # deputy secretary; chairs, vice-chairs of council and committee; Front
    HEAD = "head"  # heads and deputy heads of commune departments
    STAFF = "staff"  # specialists, civil servants, contract staff


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM_HIGH = "medium_high"
    MEDIUM = "medium"
    LOW_MEDIUM = "low_medium"
    LOW = "low"


Value = Annotated[float, msgspec.Meta(ge=0, le=1_000_000, description="the figure")]
Per = Annotated[int, msgspec.Meta(ge=1, le=10_000, description="N in '1 per N staff'")]
Price = Annotated[int, msgspec.Meta(ge=0, le=100_000_000_000, description="VND, taxes included")]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Short = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class NormPatch(msgspec.Struct, forbid_unknown_fields=True):
    value: Value | msgspec.UnsetType = msgspec.UNSET
    per: Per | msgspec.UnsetType = msgspec.UNSET
    max_price: Price | None | msgspec.UnsetType = msgspec.UNSET
    unit: Short | msgspec.UnsetType = msgspec.UNSET
    name: Text | msgspec.UnsetType = msgspec.UNSET
    legal_source: Text | msgspec.UnsetType = msgspec.UNSET
    confidence: Confidence | msgspec.UnsetType = msgspec.UNSET
    valid_from: datetime.date | None | msgspec.UnsetType = msgspec.UNSET
    valid_to: datetime.date | None | msgspec.UnsetType = msgspec.UNSET


class NormRead(msgspec.Struct):
    id: int
    code: str
    kind: Kind
    name: str
    value: float
    unit: str
    position_groups: list[PositionGroup]
    item: str | None  # the equipment item (norm_items)
    purpose: str | None  # the room purpose a room norm asks for
    basis: Basis
    per: int
    max_price: int | None
    legal_source: str
    confidence: Confidence
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    version: int
    updated_at: datetime.datetime


class CategoryRef(msgspec.Struct):
    id: int
    code: str
    name: str


class NormItemRead(msgspec.Struct):
    """An equipment item, and the categories whose assets count toward it."""

    code: str
    name: str
    categories: list[CategoryRef]


class NormSource(msgspec.Struct, frozen=True):
    """The norm, and the version of it, that a computed figure used."""

    norm_id: int
    code: str
    version: int
