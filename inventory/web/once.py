"""An Idempotency-Key for a page's form that makes something: what the API's header is to
a phone's script.

A browser cannot send a header with a form, so the form carries its key in a hidden field
(`FIELD`), drawn when the form is drawn. The key is claimed in `idempotency_keys` (the
API's table, swept with it) inside the create's own transaction: a form sent twice (a
double click, a reload, a lost answer) makes one record, and the second sending goes to
where the first went. A refused create rolls its claim back with it, so the corrected
form is sent under the same key. The same key with other values (the form reopened with
the back button and changed) is told apart, and nothing is made.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping

import asyncpg
from litestar.exceptions import ValidationException

from inventory.api.idempotency import CLAIM, EARLIER, KEEP_ANSWER, MAX_KEY

FIELD = "idempotency_key"
_PREFIX = "page:"
"""Page keys apart from the API's own keys of the same user."""
_NOT_VALUES = frozenset({FIELD, "_csrf_token"})


class SentBefore(Exception):
    """The key was used already: `location` is where its first sending went, or None when
    it was used for other values."""

    def __init__(self, location: str | None) -> None:
        super().__init__(location)
        self.location = location


def new_key() -> str:
    return secrets.token_urlsafe(18)


def _fingerprint(path: str, form: Mapping[str, str]) -> bytes:
    values = sorted((k, v) for k, v in form.items() if k not in _NOT_VALUES)
    return hashlib.sha256(repr((path, values)).encode()).digest()


async def claim(conn: asyncpg.Connection, user_id: int, path: str, form: Mapping[str, str]) -> str:
    """Claim the form's key (inside the create's transaction); SentBefore if it was used.
    A form without a key is refused (400), as the API refuses a bad header."""
    key = form.get(FIELD, "").strip()
    if not key or len(key) > MAX_KEY - len(_PREFIX) or not key.isprintable():
        raise ValidationException("the form has no Idempotency-Key: reload it")
    key = _PREFIX + key
    fingerprint = _fingerprint(path, form)
    if await conn.fetchval(CLAIM, user_id, key, fingerprint, None):
        return key
    earlier = await conn.fetchrow(EARLIER, user_id, key)
    same = earlier is not None and earlier["fingerprint"] == fingerprint
    headers = dict(earlier["headers"] or []) if same else {}
    raise SentBefore(headers.get("location"))


async def claim_sent(
    conn: asyncpg.Connection, user_id: int, path: str, form: Mapping[str, str]
) -> str | None:
    """`claim` for a phone's form, which may have been drawn before its forms carried keys
    (a page left open, or kept by the phone offline): one without a key runs as sent."""
    return await claim(conn, user_id, path, form) if form.get(FIELD, "").strip() else None


async def keep(conn: asyncpg.Connection, user_id: int, key: str | None, location: str) -> None:
    """Remember where the create went, for the form sent again."""
    if key is not None:
        await conn.execute(KEEP_ANSWER, user_id, key, 303, [["location", location]], b"")
