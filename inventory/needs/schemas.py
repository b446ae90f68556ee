"""Needs as the API answers them: every figure with the norm (and its version) it used."""

from __future__ import annotations

import msgspec

from inventory.norms.schemas import NormSource


class AreaLine(msgspec.Struct):
    """Office area of one position group: holders × m² per person."""

    norm_group: str
    holders: int
    m2_per_person: float
    required_m2: float
    source: NormSource


class RoomLine(msgspec.Struct):
    """A room a headquarters must have (meeting, reception / one-stop, archive)."""

    purpose: str
    required: int
    present: int
    missing: int
    source: NormSource


class RoomShortfall(msgspec.Struct):
    """Working area required by the norms against the rooms of the unit's sites in use.

    position_m2 = Σ holders × m² per person; shared_m2 = allowance × position_m2;
    required_m2 = position_m2 + shared_m2; present_m2 = office_m2 + shared_rooms_m2
    (meeting, reception and archive rooms); shortfall_m2 = max(0, required - present)."""

    position_lines: list[AreaLine]
    position_m2: float
    shared_allowance: float
    shared_m2: float
    shared_source: NormSource | None
    required_m2: float
    office_m2: float
    shared_rooms_m2: float
    present_m2: float
    shortfall_m2: float
    shortfall_pct: float
    office_rooms: int
    rooms_without_area: int
    rooms: list[RoomLine]
    has_meeting_room: bool
    has_reception_room: bool
    has_archive: bool


class GapLine(msgspec.Struct):
    """One norm's share of an item: what it requires, what held assets cover, what lacks."""

    source: NormSource
    position_groups: list[str]
    basis: str
    per: int
    count: int  # the persons, staff or office rooms it is counted on
    required: int
    covered: int
    gap: int
    max_price: int | None
    estimated_cost: int


class ItemGap(msgspec.Struct):
    """An equipment item: required by the norms against usable assets held."""

    item: str
    name: str
    required: int
    held: int
    gap: int
    surplus: int
    estimated_cost: int
    lines: list[GapLine]


class UnitBrief(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: str


class UnitNeeds(msgspec.Struct):
    """One commune's needs."""

    unit: UnitBrief
    staffing_set: bool
    staff: dict[str, int]
    total_staff: int
    rooms: RoomShortfall
    equipment: list[ItemGap]
    equipment_cost: int
    norms: list[NormSource]  # every norm the figures used


class CommuneSummary(msgspec.Struct):
    unit: UnitBrief
    staffing_set: bool
    total_staff: int
    required_m2: float
    present_m2: float
    shortfall_m2: float
    shortfall_pct: float
    missing_rooms: list[str]
    equipment_gap: int
    equipment_surplus: int
    equipment_cost: int


class ItemTotal(msgspec.Struct):
    item: str
    name: str
    required: int
    held: int
    gap: int
    surplus: int
    estimated_cost: int
    sources: list[NormSource]


class Overview(msgspec.Struct):
    """Every commune in the caller's scope, ranked by room shortfall (m², then %); the gap
    cost by item and by commune."""

    communes: list[CommuneSummary]
    items: list[ItemTotal]
    shortfall_m2: float
    equipment_cost: int
    norms: list[NormSource]
