"""Room payloads: one Struct per direction. Area is m² as a JSON number (2 decimals kept)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.db.types import BigInt

RoomName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, description="name or number on the door")
]
Floor = Annotated[int, msgspec.Meta(ge=-10, le=200)]
RoomArea = Annotated[float, msgspec.Meta(ge=0, le=99_999_999, description="m²")]
Seats = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class RoomPurpose(StrEnum):
    OFFICE = "office"
    MEETING = "meeting"
    RECEPTION = "reception"  # reception / one-stop desk
    ARCHIVE = "archive"
    STORAGE = "storage"
    SERVER = "server"
    OTHER = "other"


class RoomCreate(msgspec.Struct, forbid_unknown_fields=True):
    site_id: BigInt
    name: RoomName
    floor: Floor | None = None
    area_m2: RoomArea | None = None
    purpose: RoomPurpose = RoomPurpose.OFFICE
    seats: Seats | None = None


class RoomPatch(msgspec.Struct, forbid_unknown_fields=True):
    site_id: BigInt | msgspec.UnsetType = msgspec.UNSET
    name: RoomName | msgspec.UnsetType = msgspec.UNSET
    floor: Floor | None | msgspec.UnsetType = msgspec.UNSET
    area_m2: RoomArea | None | msgspec.UnsetType = msgspec.UNSET
    purpose: RoomPurpose | msgspec.UnsetType = msgspec.UNSET
    seats: Seats | None | msgspec.UnsetType = msgspec.UNSET


class RoomRead(msgspec.Struct):
    id: int
    site_id: int
    site_name: str
    holder_unit_id: int
    name: str
    floor: int | None
    area_m2: float | None
    purpose: RoomPurpose
    seats: int | None
    tag: str | None  # the room label's code for life; None only for a room made outside the app
    version: int
