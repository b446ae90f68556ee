"""Whether a bearer token's account still stands as the token says: active, with its role
and unit.

A token is checked with one HMAC and carries the role and unit it was issued with; the
write step re-reads the account (`queries.recheck`), but reads would go on until the
token expires (INVENTORY_TOKEN_TTL, hours). A database round trip on every API read
would double the cost of a scan, so each worker keeps what it last read of an account
for FRESH_SECONDS: a token of an account disabled, or given another role or unit, is
refused everywhere within that time.
"""

from __future__ import annotations

import time

import asyncpg

from inventory.accounts import queries
from inventory.accounts.principal import Principal
from inventory.db.pool import connection

FRESH_SECONDS = 5.0


class Standing:
    """Each account's standing as this worker last read it (a cache of the database, so
    the app stays stateless: every worker reads the same rows)."""

    def __init__(self) -> None:
        self._read: dict[int, tuple[float, bool, str, int]] = {}

    async def holds(self, pool: asyncpg.Pool, principal: Principal) -> bool:
        """Whether the account is active with the role and unit `principal` carries. Only a
        match is taken from what was read before: a token issued since (signed in again
        after a move) is checked against the database, not against its old standing."""
        now = time.monotonic()
        read = self._read.get(principal.user_id)
        if read is not None and read[0] > now and _matches(read, principal):
            return True
        async with connection(pool) as conn:
            row = await conn.fetchrow(queries.ACCOUNT, principal.user_id)
        read = (
            (now + FRESH_SECONDS, row["active"], row["role"], row["unit_id"])
            if row is not None
            else (now + FRESH_SECONDS, False, "", 0)
        )
        self._read[principal.user_id] = read
        return _matches(read, principal)


def _matches(read: tuple[float, bool, str, int], principal: Principal) -> bool:
    _, active, role, unit_id = read
    return active and role == principal.role and unit_id == principal.unit_id
