"""User payloads: one Struct per direction."""

from __future__ import annotations

from typing import Annotated

import msgspec

from inventory.accounts.principal import Role
from inventory.db.types import BigInt

Login = Annotated[str, msgspec.Meta(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=256)]
FullName = Annotated[str, msgspec.Meta(max_length=200)]
Email = Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    login: Login
    password: Password
    role: Role
    unit_id: BigInt
    full_name: FullName = ""
    email: Email | None = None  # where notifications are e-mailed (if SMTP is configured)


class UserPatch(msgspec.Struct, forbid_unknown_fields=True):
    full_name: FullName | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    unit_id: BigInt | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    password: Password | msgspec.UnsetType = msgspec.UNSET
    email: Email | None | msgspec.UnsetType = msgspec.UNSET


class UserRead(msgspec.Struct):
    id: int
    login: str
    full_name: str
    role: Role
    unit_id: int
    active: bool
    email: str | None
    version: int
