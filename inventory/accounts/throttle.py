"""Sign-in throttling: failed attempts, per login and per client address.

Only failures count, so an office behind one NAT address signing in all morning never
locks itself out; a guesser is stopped per login (INVENTORY_SIGN_IN_FAILURES in 15
minutes) and per address (ten times as many, for one machine trying many logins).
Counted in PostgreSQL with one statement per attempt, so every worker and machine
shares the counts; the API token route and the sign-in page share them too.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import asyncpg

from inventory.accounts import queries
from inventory.accounts.principal import Principal
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


async def refuse_if_blocked(
    conn: asyncpg.Connection, login: str, address: str | None, limit: int
) -> None:
    """429 with Retry-After while the login or the address has failed too often."""
    for row in await conn.fetch(queries.FAILURES, _keys(login, address)):
        allowed = limit * PER_ADDRESS if row["who"].startswith("address:") else limit
        if row["failures"] >= allowed:
            wait = math.ceil((row["window_ends"] - datetime.now(UTC)).total_seconds())
            raise TooManyAttempts(
                "too many failed sign-ins: wait before trying again",
                headers={"Retry-After": str(max(wait, 1))},
            )


async def failed(conn: asyncpg.Connection, login: str, address: str | None) -> None:
    await conn.execute(queries.FAILED, _keys(login, address), WINDOW_SECONDS)


async def succeeded(conn: asyncpg.Connection, login: str) -> None:
    """A right password clears the login's count (not the address's)."""
    await conn.execute(queries.FORGET_FAILURES, _keys(login, None))


async def authenticate(
    conn: asyncpg.Connection, login: str, password: str, address: str | None, limit: int
) -> Principal | None:
    """Sign in, counting a failure against the login and the address (429 once blocked)."""
    await refuse_if_blocked(conn, login, address, limit)
    principal = await queries.authenticate(conn, login, password)
    if principal is None:
        await failed(conn, login, address)
    else:
        await succeeded(conn, login)
    return principal
