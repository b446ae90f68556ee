"""Sign-in throttling: failed attempts, per login and per client address.

Only failures count, so an office behind one NAT address signing in all morning never
locks itself out; a guesser is stopped per login (INVENTORY_SIGN_IN_FAILURES in 15
minutes) and per address (ten times as many, for one machine trying many logins).

Counted in PostgreSQL, so every worker and machine shares the counts, and the API token
route and the sign-in page share them too. Each attempt is counted before its password
is checked, in one statement that adds it and returns the counts: attempts sent at once
cannot all pass a count read before any had failed. An attempt over the limit is given
back and refused (429); one whose password was right gives its count back and clears
the login's; a wrong one stays counted. No connection is held while the password is
checked (about 200 ms, `passwords.verified`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import asyncpg

from inventory.accounts import passwords, queries
from inventory.accounts.principal import Principal
from inventory.db.pool import connection
from inventory.errors import Problem

WINDOW_SECONDS = 15 * 60
PER_ADDRESS = 10
"""An address may fail this many times the per-login limit."""


class TooManyAttempts(Problem):
    status = 429
    default_title = "Too many requests"


def _keys(login: str, address: str | None) -> list[str]:
    keys = [f"login:{login.strip().lower()}"]
    if address:
        keys.append(f"address:{address}")
    return keys


async def _reserve(conn: asyncpg.Connection, keys: list[str], limit: int) -> None:
    """Count the attempt, or give it back and refuse it (429 with Retry-After) while the
    login or the address has failed too often."""
    over = [
        row
        for row in await conn.fetch(queries.RESERVE, keys, WINDOW_SECONDS)
        if row["failures"] > (limit * PER_ADDRESS if row["who"].startswith("address:") else limit)
    ]
    if over:
        await conn.execute(queries.RELEASE, keys, [])
        ends = max(row["window_ends"] for row in over)
        wait = math.ceil((ends - datetime.now(UTC)).total_seconds())
        raise TooManyAttempts(
            "too many failed sign-ins: wait before trying again",
            headers={"Retry-After": str(max(wait, 1))},
        )


async def authenticate(
    pool: asyncpg.Pool, login: str, password: str, address: str | None, limit: int
) -> Principal | None:
    """The principal for a login and password, or None (the same cost either way); a
    failure counts against the login and the address, and past the limit it is 429."""
    keys = _keys(login, address)
    async with connection(pool) as conn:
        await _reserve(conn, keys, limit)
        account = await queries.by_login(conn, login)
    ok = await passwords.verified(account["password_hash"] if account else None, password)
    if not ok or account is None or not account["active"]:
        return None
    async with connection(pool) as conn:
        await conn.execute(queries.RELEASE, keys, keys[:1])  # the login's count is cleared
    return queries.principal_of(account)
