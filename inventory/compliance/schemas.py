"""Compliance payloads: the summary rows, merger coverage, and auditors' flags."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.handovers.schemas import Tally

Comment = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class UnitCompliance(msgspec.Struct):
    """One commune's (receiving unit's) handovers: how many in each status, open ones due
    and overdue, completed on time and late, flagged by an auditor; their items and value
    by transfer status; and the merger coverage of the former units merged into it."""

    unit_id: int | None  # None: the province total row
    unit_code: str
    unit_name: str
    handovers: int
    by_status: dict[str, int]
    open_due: int
    open_overdue: int
    completed_on_time: int
    completed_late: int
    flagged: int
    items_by_transfer_status: dict[str, Tally]
    former_units: int = 0
    former_units_uncovered: int = 0
    uncovered_sites: int = 0
    uncovered_assets: int = 0
    uncovered_original_cost: int = 0


class Coverage(msgspec.Struct):
    """A former unit: what it still holds outside any completed merger handover (sites,
    assets not disposed, their quantity and value), how much of it is in an open
    handover, and `covered` when nothing is left."""

    unit_id: int
    unit_code: str
    unit_name: str
    merged_into_id: int
    merged_into_name: str
    sites: int
    assets: int
    quantity: int
    original_cost: int
    remaining_value: int
    in_open_handover: int
    covered: bool


class Compliance(msgspec.Struct):
    units: list[UnitCompliance]
    province: UnitCompliance  # the total of the rows of `units`
    coverage: list[Coverage]


class HeldKind(StrEnum):
    SITE = "site"
    ASSET = "asset"


class Uncovered(msgspec.Struct):
    """A site or asset a former unit holds outside any completed merger handover;
    `open_handover_id` names the open handover listing it, if any."""

    kind: HeldKind
    id: int
    name: str
    tag: str | None
    quantity: int
    original_cost: int
    remaining_value: int
    open_handover_id: int | None


class FlagCreate(msgspec.Struct, forbid_unknown_fields=True):
    comment: Comment


class FlagClear(msgspec.Struct, forbid_unknown_fields=True):
    comment: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class FlagRead(msgspec.Struct):
    """An auditor's flag on a handover, open until cleared."""

    id: int
    handover_id: int
    comment: str
    flagged_by: int
    flagged_by_name: str
    flagged_at: datetime
    cleared_by: int | None
    cleared_by_name: str | None
    cleared_at: datetime | None
    clear_comment: str
    version: int


class Flags(msgspec.Struct):
    """A handover's flags, oldest first, and how many are open."""

    open: int
    items: list[FlagRead]
