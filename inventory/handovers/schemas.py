"""Handover payloads: one Struct per direction, unknown fields refused."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.assets.schemas import AssetStatus, Ownership
from inventory.db.types import BigInt
from inventory.sites.schemas import Condition

Text = Annotated[str, msgspec.Meta(max_length=500)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Ids = Annotated[list[BigInt], msgspec.Meta(max_length=10_000)]
LongText = Annotated[str, msgspec.Meta(max_length=4000)]


class Kind(StrEnum):
    MERGER = "merger"
    REALLOCATION = "reallocation"
    SUPPLEMENTARY = "supplementary"  # corrects a completed handover


class HandoverStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFYING = "verifying"
    SIGNED_BY_GIVER = "signed_by_giver"
    SIGNED_BY_RECEIVER = "signed_by_receiver"
    COMPLETED = "completed"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"


class TransferStatus(StrEnum):
    LISTED = "listed"
    RECEIVED = "received"
    RECEIVED_DAMAGED = "received_damaged"
    MISSING = "missing"
    SURPLUS = "surplus"


class Receipt(StrEnum):
    """What the receiver records of a listed item."""

    RECEIVED = "received"
    RECEIVED_DAMAGED = "received_damaged"
    MISSING = "missing"


class ItemKind(StrEnum):
    SITE = "site"
    ROOM = "room"
    ASSET = "asset"
    SURPLUS = "surplus"


class Group(StrEnum):
    """Form 02's groups: A headquarters and facilities, B cars, C machinery, D other."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Side(StrEnum):
    GIVER = "giver"
    RECEIVER = "receiver"


class Party(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    position: Annotated[str, msgspec.Meta(max_length=200)] = ""


class Decision(msgspec.Struct, forbid_unknown_fields=True):
    """The transfer decision the handover executes."""

    number: Name
    date: date
    issuer: Name


class AssetFilter(msgspec.Struct, forbid_unknown_fields=True):
    """The asset list's filters (GET /api/v1/assets), within the giving unit's holdings."""

    site_id: BigInt | None = None
    room_id: BigInt | None = None
    category_id: BigInt | None = None
    origin_unit_id: BigInt | None = None
    status: AssetStatus | None = None
    condition: Condition | None = None
    ownership: Ownership | None = None
    q: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class Selection(msgspec.Struct, forbid_unknown_fields=True):
    """What to list, all held by the giving unit: everything it holds (`from_unit_id`, the
    giving unit), sites with their rooms and the assets in them, rooms of sites listed,
    the assets an asset-list filter selects, and assets by id. Disposed assets are left
    out of a selection; naming one is refused."""

    from_unit_id: BigInt | None = None
    site_ids: Ids = []
    room_ids: Ids = []
    asset_ids: Ids = []
    asset_filter: AssetFilter | None = None


class HandoverCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: Kind
    decision: Decision
    giving_unit_id: BigInt
    receiving_unit_id: BigInt
    corrects_id: BigInt | None = None
    place: Text = ""
    handover_date: date | None = None
    giver_parties: Annotated[list[Party], msgspec.Meta(max_length=20)] = []
    receiver_parties: Annotated[list[Party], msgspec.Meta(max_length=20)] = []
    witness: Party | None = None
    notes: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    documents_handed_over: LongText = ""
    opinions: LongText = ""
    items: Selection | None = None


class HandoverPatch(msgspec.Struct, forbid_unknown_fields=True):
    """What the giving side may still write into the minutes while the list may change:
    the documents handed over (form 02's B.2) and the parties' opinions (B.4)."""

    documents_handed_over: LongText | msgspec.UnsetType = msgspec.UNSET
    opinions: LongText | msgspec.UnsetType = msgspec.UNSET


class Signature(msgspec.Struct):
    user_id: int
    name: str
    position: str
    at: datetime
    hash: str


class Deadline(msgspec.Struct):
    """Due `days` after the decision (the norms row `handover.deadline_days`)."""

    days: int | None
    due_date: date | None
    days_left: int | None
    overdue: bool
    completed_late: bool


class HandoverRead(msgspec.Struct):
    id: int
    kind: Kind
    corrects_id: int | None
    decision: Decision
    giving_unit_id: int
    giving_unit_name: str
    receiving_unit_id: int
    receiving_unit_name: str
    place: str
    handover_date: date | None
    giver_parties: list[Party]
    receiver_parties: list[Party]
    witness: Party | None
    notes: str
    documents_handed_over: str
    opinions: str
    status: HandoverStatus
    flag: str | None  # "completed_late", "overdue" or None
    deadline: Deadline
    dispute_reason: str | None
    disputed_by: str | None
    giver_signature: Signature | None
    receiver_signature: Signature | None
    completed_at: datetime | None
    items: int
    listed: int
    created_by: int | None
    created_at: datetime
    version: int


class Tally(msgspec.Struct):
    items: int = 0
    quantity: int = 0
    original_cost: int = 0
    remaining_value: int = 0


class Summary(msgspec.Struct):
    """Items, quantity and value by form 02 group and by transfer status."""

    total: Tally
    by_group: dict[str, Tally]
    by_transfer_status: dict[str, Tally]


class HandoverDetail(msgspec.Struct):
    handover: HandoverRead
    summary: Summary


class ItemRead(msgspec.Struct):
    id: int
    kind: ItemKind
    site_id: int | None
    room_id: int | None
    asset_id: int | None
    tag: str | None
    name: str
    form_group: Group
    unit_of_measure: str
    quantity: int
    original_cost: int
    remaining_value: int | None
    condition: Condition
    notes: str
    transfer_status: TransferStatus
    received_condition: Condition | None
    receipt_note: str
    recorded_by: int | None
    recorded_at: datetime | None


class ItemIds(msgspec.Struct, forbid_unknown_fields=True):
    item_ids: Annotated[list[BigInt], msgspec.Meta(min_length=1, max_length=10_000)]


class Added(msgspec.Struct):
    """How many items were listed, and the handover as it is."""

    added: int
    handover: HandoverRead


class Removed(msgspec.Struct):
    """How many items were taken off the list (a site with its rooms), and the handover."""

    removed: int
    handover: HandoverRead


class ReceiptBatch(msgspec.Struct, forbid_unknown_fields=True):
    """What arrived: items by id or assets by tag (scanned), up to 500 at once."""

    status: Receipt
    item_ids: Annotated[list[BigInt], msgspec.Meta(max_length=500)] = []
    tags: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=500)
    ] = []
    condition: Condition | None = None  # for received_damaged: the condition found
    note: Text = ""


class Recorded(msgspec.Struct):
    recorded: int
    handover: HandoverRead


class SurplusItem(msgspec.Struct, forbid_unknown_fields=True):
    """Found but not listed: added by the receiver."""

    name: Name
    form_group: Group = Group.D
    unit_of_measure: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] = "cái"
    quantity: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 1
    condition: Condition = Condition.GOOD
    tag: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    note: Text = ""


class SurplusBatch(msgspec.Struct, forbid_unknown_fields=True):
    items: Annotated[list[SurplusItem], msgspec.Meta(min_length=1, max_length=500)]


class Dispute(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class SignBody(msgspec.Struct, forbid_unknown_fields=True):
    """Who signs for a side: the person and position printed on the minutes. `side` is
    needed only by a caller holding both sides (an admin, a commune over its former unit)."""

    name: Name
    position: Annotated[str, msgspec.Meta(max_length=200)] = ""
    side: Side | None = None
