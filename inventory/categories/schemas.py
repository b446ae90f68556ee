"""Category payloads: one Struct per direction.

`wear_rate` travels as a JSON number (a float): the yearly wear as a fraction,
0.1429 for 14.29 % a year. PostgreSQL keeps four decimals (numeric(6, 4)).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from inventory.units.schemas import Code, Name

WearRate = Annotated[
    float,
    msgspec.Meta(
        ge=0, le=1, description="yearly wear as a fraction (0.1429 = 14.29 % a year), 4 decimals"
    ),
]
NormItem = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class FormGroup(StrEnum):
    """The item groups of form 02/TSC-BBGN."""

    BUILDINGS = "A"
    CARS = "B"
    MACHINERY = "C"
    OTHER = "D"


class CategoryCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    form_group: FormGroup
    wear_rate: WearRate = 0.0
    norm_item: NormItem | None = None


class CategoryPatch(msgspec.Struct, forbid_unknown_fields=True):
    code: Code | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    form_group: FormGroup | msgspec.UnsetType = msgspec.UNSET
    wear_rate: WearRate | msgspec.UnsetType = msgspec.UNSET
    norm_item: NormItem | None | msgspec.UnsetType = msgspec.UNSET


class CategoryRead(msgspec.Struct):
    id: int
    code: str
    name: str
    form_group: FormGroup
    wear_rate: float
    norm_item: str | None
    version: int
