"""Stocktake payloads: one Struct per direction. A scan is kept small: a phone sends
hundreds at once over a weak connection."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.db.types import BigInt
from inventory.sites.schemas import Condition

Label = Annotated[str, msgspec.Meta(max_length=200)]
Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Seen = Annotated[datetime, msgspec.Meta(tz=True, description="when the phone saw it")]


class StocktakeStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ScanKind(StrEnum):
    FOUND = "found"  # an asset of the stocktake's unit
    NOT_OURS = "not_ours"  # another unit's asset: counted, never named
    UNKNOWN = "unknown"  # no asset or blank tag of the unit bears it
    BLANK = "blank"  # a pre-printed tag of the unit, not yet claimed


class Outcome(StrEnum):
    IN_PLACE = "in_place"
    MISPLACED = "misplaced"
    MISSING = "missing"
    UNKNOWN = "unknown"
    BLANK = "blank"
    NOT_OURS = "not_ours"


class StocktakeCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A count over a site of `unit_id`, or only the rooms named (of that site)."""

    unit_id: BigInt
    site_id: BigInt
    room_ids: Annotated[list[BigInt], msgspec.Meta(max_length=500)] = []
    name: Label = ""


class RoomRef(msgspec.Struct):
    id: int
    name: str


class StocktakeRead(msgspec.Struct):
    """A stocktake; `rooms` are where its scans may be seen (the site's, or those chosen)."""

    id: int
    unit_id: int
    site_id: int
    site_name: str
    name: str
    status: StocktakeStatus
    whole_site: bool
    rooms: list[RoomRef]
    expected: int
    scans: int
    opened_by: int | None
    opened_at: datetime
    closed_by: int | None
    closed_at: datetime | None
    version: int


class ExpectedRead(msgspec.Struct):
    """An asset the unit held there when the count opened."""

    asset_id: int
    tag: str | None
    name: str
    room_id: int | None
    quantity: int
    ownership: str


class Scan(msgspec.Struct, forbid_unknown_fields=True):
    """One reading: its id made on the phone (a UUID, sent again with a retry), the tag as
    scanned, the room where it was seen, when; for a counted lot the count."""

    id: uuid.UUID
    tag: Annotated[str, msgspec.Meta(max_length=200)]
    room_id: BigInt
    seen_at: Seen
    condition: Condition | None = None
    quantity: Count | None = None


class ScanBatch(msgspec.Struct, forbid_unknown_fields=True):
    scans: list[Scan]


class ScanAnswer(msgspec.Struct, omit_defaults=True):
    """`accepted` false: a scan with this id was already received (nothing added); `late`
    (only when true): it arrived after the stocktake closed, the first time it came."""

    id: uuid.UUID
    accepted: bool
    kind: ScanKind
    asset_id: int | None = None
    late: bool = False


class BatchAnswer(msgspec.Struct):
    accepted: int
    duplicates: int
    late: bool
    scans: list[ScanAnswer]


class ScanRead(msgspec.Struct):
    id: uuid.UUID
    tag: str
    kind: ScanKind
    asset_id: int | None
    room_id: int
    seen_at: datetime
    condition: Condition | None
    quantity: int | None
    scanned_by: int
    received_at: datetime
    late: bool


class ResultRead(msgspec.Struct):
    """A line of the results: an asset (found in place, misplaced, missing) or a tag."""

    id: int
    outcome: Outcome
    asset_id: int | None
    tag: str | None
    name: str
    ownership: str | None
    expected: bool
    quantity: int | None
    counted_quantity: int | None
    recorded_room_id: int | None
    seen_room_id: int | None
    seen_at: datetime | None
    seen_by: int | None
    sightings: int
    decision: str | None


class Group(msgspec.Struct):
    """One of the Ministry of Finance's groups: assets found and missing, as lines and
    as quantities (a counted lot counts its units)."""

    found: int = 0
    missing: int = 0
    found_quantity: int = 0
    missing_quantity: int = 0


class Groups(msgspec.Struct):
    own: Group  # the unit's own
    surplus: Group  # surplus found by an inventory
    not_own: Group  # not the unit's own: borrowed, rented or held for others


class Results(msgspec.Struct):
    """Counts of every outcome, the three groups, and one page of lines."""

    status: StocktakeStatus
    counts: dict[str, int]
    late_scans: int
    groups: Groups
    items: list[ResultRead]
    next_cursor: str | None = None


class Decided(msgspec.Struct):
    result: ResultRead
