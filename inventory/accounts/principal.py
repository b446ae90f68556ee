"""Who is calling: the signed-in user with role and scope unit."""

from __future__ import annotations

from enum import StrEnum

import msgspec


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    AUDITOR = "auditor"
    LEADER = "leader"


class Principal(msgspec.Struct, frozen=True):
    """The caller. `unit_id` is the root of their scope: that unit and all below it."""

    user_id: int
    login: str
    role: Role
    unit_id: int
    exp: int = 0
