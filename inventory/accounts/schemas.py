"""Authentication payloads."""

from __future__ import annotations

from typing import Annotated

import msgspec


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class TokenRead(msgspec.Struct):
    access_token: str
    token_type: str
    expires_at: int
