"""The norm arithmetic, pure: from staffing, rooms and usable assets held to room shortfall
and equipment gap. The figures come from the norms (data), never from here.

- Area: each position group's holders × its m² per person; the shared allowance (a
  fraction, 70% by default) of that on top; against the office rooms plus the meeting,
  reception and archive rooms of the unit's sites in use.
- Rooms: each room norm asks for so many rooms of a purpose.
- Equipment: a norm counts per person of its groups, per N staff of its groups, or per
  office room of its groups (the office rooms less one for each holder of another group,
  who has a room of their own); quantities round up. Usable assets of an item cover the
  norms in order of rank (the secretary's first, then the leaders', then the staff's,
  then shared equipment), so the gap falls on the last ones and is priced at their
  maximum. What is held above the total required is surplus.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

from inventory.needs.schemas import (
    AreaLine,
    CommuneSummary,
    GapLine,
    ItemGap,
    ItemTotal,
    RoomLine,
    RoomShortfall,
    UnitBrief,
    UnitNeeds,
)
from inventory.norms.schemas import NormSource

GROUP_RANK = {"secretary": 0, "leader": 1, "head": 2, "staff": 3}
BASIS_RANK = {"person": 0, "office_room": 1, "staff": 2, "unit": 3}
SHARED_PURPOSES = ("meeting", "reception", "archive")
"""Rooms whose area counts toward the shared allowance."""
USABLE_STATUSES = ("in_use", "in_storage")
USABLE_CONDITIONS = ("good", "fair")


@dataclasses.dataclass(frozen=True, slots=True)
class Norm:
    id: int
    code: str
    version: int
    kind: str
    value: float
    position_groups: tuple[str, ...] = ()
    item: str | None = None
    purpose: str | None = None
    basis: str = "unit"
    per: int = 1
    max_price: int | None = None

    @property
    def source(self) -> NormSource:
        return NormSource(self.id, self.code, self.version)

    @property
    def rank(self) -> tuple[int, int, int]:
        groups = [GROUP_RANK.get(g, len(GROUP_RANK)) for g in self.position_groups]
        return (min(groups, default=len(GROUP_RANK)), BASIS_RANK.get(self.basis, 9), self.id)


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """The norms in force, sorted out once for every unit of a request."""

    area: tuple[Norm, ...]  # by rank
    shared: Norm | None
    rooms: tuple[Norm, ...]
    equipment: Mapping[str, tuple[Norm, ...]]  # item -> its norms, by rank
    sources: tuple[NormSource, ...]  # every norm, by id


def plan(norms: Iterable[Norm]) -> Plan:
    ranked = sorted(norms, key=lambda n: n.rank)
    equipment: dict[str, list[Norm]] = {}
    for n in ranked:
        if n.kind == "equipment" and n.item:
            equipment.setdefault(n.item, []).append(n)
    return Plan(
        area=tuple(n for n in ranked if n.kind == "area"),
        shared=next((n for n in ranked if n.kind == "shared_area"), None),
        rooms=tuple(sorted((n for n in ranked if n.kind == "room"), key=lambda n: n.id)),
        equipment={item: tuple(ns) for item, ns in equipment.items()},
        sources=tuple(n.source for n in sorted(ranked, key=lambda n: n.id)),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Counts:
    """What one unit has, as the per-unit query counts it."""

    staff: Mapping[str, int]  # norm group -> holders
    rooms: Mapping[str, int]  # purpose -> rooms at sites in use
    room_area: Mapping[str, float]  # purpose -> m² of those rooms
    rooms_without_area: int
    held: Mapping[str, int]  # norm item -> usable quantity held


def _m2(value: float) -> float:
    """Square metres to the centimetre: sums of a few hundred figures of two decimals stay
    far inside the rounding (0.7 × 549 is 384.29999999999995, shown 384.3)."""
    return round(value, 2)


def round_up(value: float, count: int, per: int = 1) -> int:
    """value × count / per, rounded up; exact, so 0.7 × 10 is 7, never 8."""
    if float(value).is_integer():
        return -(-int(value) * count // per)
    return math.ceil(Fraction(str(value)) * count / per)


def room_shortfall(norms: Plan, counts: Counts) -> RoomShortfall:
    lines = [
        AreaLine(
            norm_group=group,
            holders=counts.staff.get(group, 0),
            m2_per_person=n.value,
            required_m2=_m2(n.value * counts.staff.get(group, 0)),
            source=n.source,
        )
        for n in norms.area
        for group in n.position_groups
    ]
    position = sum(line.m2_per_person * line.holders for line in lines)
    shared_norm = norms.shared
    allowance = shared_norm.value if shared_norm else 0.0
    shared = position * allowance
    required = position + shared
    office = counts.room_area.get("office", 0.0)
    shared_rooms = sum(counts.room_area.get(p, 0.0) for p in SHARED_PURPOSES)
    present = office + shared_rooms
    shortfall = max(0.0, _m2(required) - _m2(present))
    rooms = []
    for n in norms.rooms:
        want = round_up(n.value, 1)
        have = counts.rooms.get(n.purpose or "", 0)
        rooms.append(RoomLine(n.purpose or "", want, have, max(0, want - have), n.source))
    present_purposes = {p for p, n in counts.rooms.items() if n > 0}
    return RoomShortfall(
        position_lines=lines,
        position_m2=_m2(position),
        shared_allowance=allowance,
        shared_m2=_m2(shared),
        shared_source=shared_norm.source if shared_norm else None,
        required_m2=_m2(required),
        office_m2=_m2(office),
        shared_rooms_m2=_m2(shared_rooms),
        present_m2=_m2(present),
        shortfall_m2=_m2(shortfall),
        shortfall_pct=round(shortfall / _m2(required) * 100, 1) if _m2(required) else 0.0,
        office_rooms=counts.rooms.get("office", 0),
        rooms_without_area=counts.rooms_without_area,
        rooms=rooms,
        has_meeting_room="meeting" in present_purposes,
        has_reception_room="reception" in present_purposes,
        has_archive="archive" in present_purposes,
    )


def counted_on(norm: Norm, counts: Counts) -> int:
    """The persons, staff or office rooms an equipment norm is counted on."""
    if norm.basis == "unit":
        return 1
    members = sum(counts.staff.get(g, 0) for g in norm.position_groups)
    if norm.basis == "office_room":
        others = sum(counts.staff.values()) - members
        return max(0, counts.rooms.get("office", 0) - others) if members else 0
    return members


def equipment_gap(norms: Plan, counts: Counts, names: Mapping[str, str]) -> list[ItemGap]:
    """Per item (in `names` order, then any other item held): required, held, gap,
    surplus and estimated cost, with each norm's line."""
    by_item = norms.equipment
    order = list(names) + sorted((set(by_item) | set(counts.held)) - set(names))
    gaps = []
    for item in order:
        if item not in by_item and not counts.held.get(item):
            continue
        held = counts.held.get(item, 0)
        left = held
        lines = []
        for n in by_item.get(item, ()):
            count = counted_on(n, counts)
            required = round_up(n.value, count, n.per)
            covered = min(required, left)
            left -= covered
            gap = required - covered
            lines.append(
                GapLine(
                    source=n.source,
                    position_groups=list(n.position_groups),
                    basis=n.basis,
                    per=n.per,
                    count=count,
                    required=required,
                    covered=covered,
                    gap=gap,
                    max_price=n.max_price,
                    estimated_cost=gap * (n.max_price or 0),
                )
            )
        required = sum(line.required for line in lines)
        gaps.append(
            ItemGap(
                item=item,
                name=names.get(item, item),
                required=required,
                held=held,
                gap=sum(line.gap for line in lines),
                surplus=max(0, held - required),
                estimated_cost=sum(line.estimated_cost for line in lines),
                lines=lines,
            )
        )
    return gaps


def unit_needs(
    unit: UnitBrief,
    staffing_set: bool,
    norms: Plan,
    counts: Counts,
    names: Mapping[str, str],
) -> UnitNeeds:
    rooms = room_shortfall(norms, counts)
    equipment = equipment_gap(norms, counts, names)
    return UnitNeeds(
        unit=unit,
        staffing_set=staffing_set,
        staff=dict(counts.staff),
        total_staff=sum(counts.staff.values()),
        rooms=rooms,
        equipment=equipment,
        equipment_cost=sum(i.estimated_cost for i in equipment),
        norms=list(norms.sources),
    )


def summary(needs: UnitNeeds) -> CommuneSummary:
    return CommuneSummary(
        unit=needs.unit,
        staffing_set=needs.staffing_set,
        total_staff=needs.total_staff,
        required_m2=needs.rooms.required_m2,
        present_m2=needs.rooms.present_m2,
        shortfall_m2=needs.rooms.shortfall_m2,
        shortfall_pct=needs.rooms.shortfall_pct,
        missing_rooms=[r.purpose for r in needs.rooms.rooms if r.missing],
        equipment_gap=sum(i.gap for i in needs.equipment),
        equipment_surplus=sum(i.surplus for i in needs.equipment),
        equipment_cost=needs.equipment_cost,
    )


def ranked(summaries: Iterable[CommuneSummary]) -> list[CommuneSummary]:
    """Largest room shortfall first (m², then %), then by code."""
    return sorted(summaries, key=lambda s: (-s.shortfall_m2, -s.shortfall_pct, s.unit.code))


def item_totals(all_needs: Iterable[UnitNeeds]) -> list[ItemTotal]:
    """The province's gap by item: each item's figures summed over the communes."""
    totals: dict[str, ItemTotal] = {}
    for needs in all_needs:
        for gap in needs.equipment:
            total = totals.setdefault(gap.item, ItemTotal(gap.item, gap.name, 0, 0, 0, 0, 0, []))
            total.required += gap.required
            total.held += gap.held
            total.gap += gap.gap
            total.surplus += gap.surplus
            total.estimated_cost += gap.estimated_cost
            for line in gap.lines:
                if line.source not in total.sources:
                    total.sources.append(line.source)
    return list(totals.values())
