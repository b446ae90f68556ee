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

`spend` counts anything else in the same table with the same statements, by a key of its
own: the labels an account renders a minute (`printing.routes`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import asyncpg

from inventory.accounts import passwords, queries
from inventory.accounts.principal import Principal
from inventory.db.pool import connection
from inventory.errors import TooMany

WINDOW_SECONDS = 15 * 60
PER_ADDRESS = 10
"""An address may fail this many times the per-login limit."""


class TooManyAttempts(TooMany):
    """Too many failed sign-ins (the sign-in page answers it with its own form)."""


def _keys(login: str, address: str | None) -> list[str]:
    keys = [f"login:{login.strip().lower()}"]
    if address:
        keys.append(f"address:{address}")
    return keys


def _retry_after(window_ends: datetime) -> dict[str, str]:
    """The Retry-After of a count whose window ends at `window_ends`: at least a second."""
    wait = math.ceil((window_ends - datetime.now(UTC)).total_seconds())
    return {"Retry-After": str(max(wait, 1))}


async def spend(
    conn: asyncpg.Connection, key: str, amount: int, limit: int, window: int, refused: str
) -> None:
    """Count `amount` against `key` for `window` seconds, or give it back and refuse it (429
    with Retry-After, `refused` its detail) when the window's count would pass `limit`."""
    (row,) = await conn.fetch(queries.RESERVE, [key], window, amount)
    if row["failures"] > limit:
        await conn.execute(queries.RELEASE, [key], [], amount)
        raise TooMany(refused, headers=_retry_after(row["window_ends"]))


async def _reserve(conn: asyncpg.Connection, keys: list[str], limit: int) -> None:
    """Count the attempt, or give it back and refuse it (429 with Retry-After) while the
    login or the address has failed too often."""
    over = [
        row
        for row in await conn.fetch(queries.RESERVE, keys, WINDOW_SECONDS, 1)
        if row["failures"] > (limit * PER_ADDRESS if row["who"].startswith("address:") else limit)
    ]
    if over:
        await conn.execute(queries.RELEASE, keys, [], 1)
        raise TooManyAttempts(
            "too many failed sign-ins: wait before trying again",
            headers=_retry_after(max(row["window_ends"] for row in over)),
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
        await conn.execute(queries.RELEASE, keys, keys[:1], 1)  # the login's count is cleared
    return queries.principal_of(account)
