"""Equipment request payloads: one Struct per direction; a request is read with its lines."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.db.types import BigInt
from inventory.handovers.schemas import Decision
from inventory.needs.schemas import UnitBrief
from inventory.norms.schemas import NormSource

Text = Annotated[str, msgspec.Meta(max_length=2000)]
Title = Annotated[str, msgspec.Meta(max_length=200)]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
Price = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000_000, description="VND")]


class RequestStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ENDORSED = "endorsed"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    REJECTED = "rejected"
    PARTLY_FULFILLED = "partly_fulfilled"
    FULFILLED = "fulfilled"


class FromGaps(msgspec.Struct, forbid_unknown_fields=True):
    """Draft a request for `unit_id` with one line per norm item it lacks."""

    unit_id: BigInt
    title: Title = ""


class LineCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A line of a draft: a norm item (`GET /api/v1/norms/items`), how many, at what price.
    Above the unit's gap for the item or the norm's maximum price it needs a justification."""

    item: str
    quantity: Quantity
    unit_price: Price
    justification: Text = ""


class LinePatch(msgspec.Struct, forbid_unknown_fields=True):
    quantity: Quantity | msgspec.UnsetType = msgspec.UNSET
    unit_price: Price | msgspec.UnsetType = msgspec.UNSET
    justification: Text | msgspec.UnsetType = msgspec.UNSET


class Endorsement(msgspec.Struct, forbid_unknown_fields=True):
    """The commune leader's word on a submitted request (endorsing or sending it back)."""

    note: Text = ""


class LineDecision(msgspec.Struct, forbid_unknown_fields=True):
    """A province leader's decision on one line: the quantity approved (0 rejects it, the
    whole quantity approves it, anything between approves it in part), and why."""

    approved_quantity: Annotated[int, msgspec.Meta(ge=0, le=100_000)]
    reason: Text


class Arrivals(msgspec.Struct, forbid_unknown_fields=True):
    """Assets of the unit that arrived for an approved line (untagged ones get their tag)."""

    asset_ids: Annotated[list[BigInt], msgspec.Meta(min_length=1, max_length=500)]


class LineRead(msgspec.Struct):
    id: int
    item: str
    item_name: str
    quantity: int
    unit_price: int
    estimated_cost: int
    gap: int  # the unit's gap for the item when the line was drafted
    max_price: int | None  # the norm's maximum then
    norm: NormSource | None
    justification: str
    flags: list[str]  # above_gap, above_max_price: why it needs its justification
    decision: str | None
    approved_quantity: int | None
    decided_by: int | None
    decided_at: datetime | None
    decision_reason: str | None
    arrived: int  # quantity of the assets linked so far
    asset_ids: list[int]
    version: int


class RequestRead(msgspec.Struct):
    id: int
    unit_id: int
    unit_name: str
    title: str
    status: str
    created_by: int | None
    created_at: datetime
    submitted_by: int | None
    submitted_at: datetime | None
    endorsed_by: int | None
    endorsed_at: datetime | None
    endorsement_note: str
    reviewed_by: int | None
    reviewed_at: datetime | None
    decided_at: datetime | None
    fulfilled_at: datetime | None
    estimated_cost: int
    approved_cost: int
    flagged_lines: int
    lines: list[LineRead]
    version: int


class Reallocation(msgspec.Struct):
    """One commune's usable surplus of an item against another's gap, in one province:
    `quantity` pieces could pass from `from_unit` to `to_unit` instead of being bought,
    saving about `estimated_saving` VND (the taker's gap cost per piece)."""

    item: str
    item_name: str
    from_unit: UnitBrief
    to_unit: UnitBrief
    quantity: int
    surplus: int  # the giver's, before this suggestion
    gap: int  # the taker's, before this suggestion
    estimated_saving: int


class Reallocations(msgspec.Struct):
    suggestions: list[Reallocation]
    quantity: int
    estimated_saving: int


class ReallocationAccept(msgspec.Struct, forbid_unknown_fields=True):
    """Accept a suggestion: a draft reallocation handover from `from_unit_id` to
    `to_unit_id` of up to `quantity` usable assets of the item, under the decision given."""

    item: str
    from_unit_id: BigInt
    to_unit_id: BigInt
    quantity: Quantity
    decision: Decision
    place: Title = ""
