"""Site payloads: one Struct per direction. Areas are m² as JSON numbers (2 decimals kept)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.db.types import BigInt
from inventory.units.schemas import Name

Address = Annotated[str, msgspec.Meta(max_length=500)]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
SiteArea = Annotated[float, msgspec.Meta(ge=0, le=9_999_999_999, description="m²")]
Year = Annotated[int, msgspec.Meta(ge=1800, le=2100)]


class Condition(StrEnum):
    """Physical condition, shared by sites and assets."""

    GOOD = "good"
    FAIR = "fair"
    NEEDS_REPAIR = "needs_repair"
    BROKEN = "broken"


class SiteRole(StrEnum):
    MAIN_HQ = "main_hq"
    SECONDARY_HQ = "secondary_hq"
    SERVICE_CENTER = "service_center"
    OTHER = "other"


class SiteStatus(StrEnum):
    IN_USE = "in_use"
    IDLE = "idle"
    TO_REASSIGN = "to_reassign"
    TO_DISPOSE = "to_dispose"


class SiteCreate(msgspec.Struct, forbid_unknown_fields=True):
    holder_unit_id: BigInt
    name: Name
    origin_unit_id: BigInt | None = None
    address: Address = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    land_area_m2: SiteArea | None = None
    floor_area_m2: SiteArea | None = None
    year_built: Year | None = None
    condition: Condition = Condition.GOOD
    role: SiteRole = SiteRole.OTHER
    status: SiteStatus = SiteStatus.IN_USE


class SitePatch(msgspec.Struct, forbid_unknown_fields=True):
    holder_unit_id: BigInt | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    origin_unit_id: BigInt | None | msgspec.UnsetType = msgspec.UNSET
    address: Address | msgspec.UnsetType = msgspec.UNSET
    latitude: Latitude | None | msgspec.UnsetType = msgspec.UNSET
    longitude: Longitude | None | msgspec.UnsetType = msgspec.UNSET
    land_area_m2: SiteArea | None | msgspec.UnsetType = msgspec.UNSET
    floor_area_m2: SiteArea | None | msgspec.UnsetType = msgspec.UNSET
    year_built: Year | None | msgspec.UnsetType = msgspec.UNSET
    condition: Condition | msgspec.UnsetType = msgspec.UNSET
    role: SiteRole | msgspec.UnsetType = msgspec.UNSET
    status: SiteStatus | msgspec.UnsetType = msgspec.UNSET


class SiteRead(msgspec.Struct):
    id: int
    holder_unit_id: int
    origin_unit_id: int | None
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    land_area_m2: float | None
    floor_area_m2: float | None
    year_built: int | None
    condition: Condition
    role: SiteRole
    status: SiteStatus
    version: int
