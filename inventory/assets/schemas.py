"""Asset payloads: one Struct per direction. Money is whole VND (integers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from litestar.openapi.spec import OpenAPIMediaType, Operation, Reference, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from inventory.db.types import BigInt
from inventory.sites.schemas import Condition, Year
from inventory.units.schemas import Name

Short = Annotated[str, msgspec.Meta(max_length=100)]
Text = Annotated[str, msgspec.Meta(max_length=200)]
Measure = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
Money = Annotated[int, msgspec.Meta(ge=0, le=10**15, description="VND")]


class AssetStatus(StrEnum):
    IN_USE = "in_use"
    IN_STORAGE = "in_storage"
    UNDER_REPAIR = "under_repair"
    LOST = "lost"
    TO_DISPOSE = "to_dispose"
    DISPOSED = "disposed"


class Ownership(StrEnum):
    OWN = "own"
    SURPLUS = "surplus"  # found by an inventory count, not on the books
    NOT_OWN = "not_own"  # borrowed, rented or held for others


class AssetCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new asset. Naming a room alone puts the asset in the room's site.

    Leave `remaining_value` out to have it derived from the original cost, the
    acquisition year and the category's wear rate. The server issues the asset's
    tag; `issue_tag: false` leaves it untagged, to claim a pre-printed tag later.
    """

    name: Name
    category_id: BigInt
    holder_unit_id: BigInt
    issue_tag: bool = True
    model: Short = ""
    serial: Short = ""
    unit_of_measure: Measure = "cái"
    quantity: Quantity = 1
    acquisition_year: Year | None = None
    original_cost: Money = 0
    remaining_value: Money | None = None
    funding_source: Text = ""
    condition: Condition = Condition.GOOD
    status: AssetStatus = AssetStatus.IN_USE
    site_id: BigInt | None = None
    room_id: BigInt | None = None
    origin_unit_id: BigInt | None = None
    ownership: Ownership = Ownership.OWN
    custodian: Text = ""


class AssetPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to an asset; `remaining_value: null` goes back to the derived value.

    The tag is not here: it is the server's to issue and the asset's for life.
    """

    name: Name | msgspec.UnsetType = msgspec.UNSET
    category_id: BigInt | msgspec.UnsetType = msgspec.UNSET
    holder_unit_id: BigInt | msgspec.UnsetType = msgspec.UNSET
    model: Short | msgspec.UnsetType = msgspec.UNSET
    serial: Short | msgspec.UnsetType = msgspec.UNSET
    unit_of_measure: Measure | msgspec.UnsetType = msgspec.UNSET
    quantity: Quantity | msgspec.UnsetType = msgspec.UNSET
    acquisition_year: Year | None | msgspec.UnsetType = msgspec.UNSET
    original_cost: Money | msgspec.UnsetType = msgspec.UNSET
    remaining_value: Money | None | msgspec.UnsetType = msgspec.UNSET
    funding_source: Text | msgspec.UnsetType = msgspec.UNSET
    condition: Condition | msgspec.UnsetType = msgspec.UNSET
    status: AssetStatus | msgspec.UnsetType = msgspec.UNSET
    site_id: BigInt | None | msgspec.UnsetType = msgspec.UNSET
    room_id: BigInt | None | msgspec.UnsetType = msgspec.UNSET
    origin_unit_id: BigInt | None | msgspec.UnsetType = msgspec.UNSET
    ownership: Ownership | msgspec.UnsetType = msgspec.UNSET
    custodian: Text | msgspec.UnsetType = msgspec.UNSET


class AssetMove(msgspec.Struct, forbid_unknown_fields=True):
    """Where an asset now stands: a room (its site comes along), or a site and no room;
    a room or site of the asset's holder."""

    room_id: BigInt | None = None
    site_id: BigInt | None = None


Note = Annotated[str, msgspec.Meta(max_length=1000)]


class AssetReport(msgspec.Struct, forbid_unknown_fields=True):
    """A problem seen on an asset: its condition now, and what was seen."""

    condition: Condition
    note: Note = ""


class AssetRead(msgspec.Struct):
    """An asset with the names of what it refers to.

    `remaining_value` is the one to use: as given when `remaining_value_given`,
    otherwise derived (null when there is no acquisition year to derive from).
    `last_seen_*` are set by scans and stocktakes, not by this API.
    """

    id: int
    tag: str | None
    name: str
    category_id: int
    category_name: str
    model: str
    serial: str
    unit_of_measure: str
    quantity: int
    acquisition_year: int | None
    original_cost: int
    remaining_value: int | None
    remaining_value_given: bool
    funding_source: str
    condition: Condition
    status: AssetStatus
    holder_unit_id: int
    holder_unit_name: str
    site_id: int | None
    site_name: str | None
    room_id: int | None
    room_name: str | None
    origin_unit_id: int | None
    ownership: Ownership
    custodian: str
    last_seen_at: datetime | None
    last_seen_room_id: int | None
    last_seen_by: int | None
    version: int


_REPORT_FIELDS: dict[str, Schema | Reference] = {
    "condition": Schema(type=OpenAPIType.STRING, enum=[c.value for c in Condition]),
    "note": Schema(type=OpenAPIType.STRING, max_length=1000),
}
_PHOTO = Schema(
    type=OpenAPIType.STRING,
    format=OpenAPIFormat.BINARY,
    description="optional: a JPEG, PNG or WebP of at most 10 MB",
)


@dataclass
class ReportOperation(Operation):
    """The report route's body, which it reads itself: JSON (`AssetReport`), or a
    multipart form with the same fields and a photo."""

    def __post_init__(self) -> None:
        def body(fields: dict[str, Schema | Reference], closed: bool) -> OpenAPIMediaType:
            return OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.OBJECT,
                    properties=fields,
                    required=["condition"],
                    additional_properties=False if closed else None,
                )
            )

        self.request_body = RequestBody(
            required=True,
            content={
                # JSON is decoded as an AssetReport; the form's other fields are not read.
                "application/json": body(
                    _REPORT_FIELDS, AssetReport.__struct_config__.forbid_unknown_fields
                ),
                "multipart/form-data": body({**_REPORT_FIELDS, "photo": _PHOTO}, closed=False),
            },
        )
