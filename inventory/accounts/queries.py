"""SQL for signing in, and for re-checking a caller before every write."""

from __future__ import annotations

import asyncpg
import msgspec

from inventory.accounts.principal import Principal, Role
from inventory.errors import Forbidden, Unauthorized

BY_LOGIN = """
SELECT id, login, role, unit_id, password_hash, active FROM users WHERE lower(login) = lower($1)
"""
ACCOUNT = "SELECT active, role, unit_id FROM users WHERE id = $1"
# A unit at the top of the hierarchy: no parent, merged into none (a province).
AT_TOP = "SELECT parent_id IS NULL AND merged_into_id IS NULL FROM units WHERE id = $1"

# Counts in a window per key (`throttle`): failed sign-ins per login ("login:...") and per
# address ("address:..."), and labels rendered per account ("labels:<user id>"). A use is
# reserved before the work it pays for: one statement adds $3 to each key and returns the
# counts, so requests sent at once cannot all pass a count read before any of them was
# added. Rows are taken in the order of `who` by every statement here, so two never wait
# on each other.
RESERVE = """
INSERT INTO sign_in_failures (who, failures, window_ends)
SELECT who, $3::integer, now() + make_interval(secs => $2)
FROM unnest($1::text[]) AS w(who) ORDER BY who
ON CONFLICT (who) DO UPDATE SET
    failures = CASE WHEN sign_in_failures.window_ends > now()
                    THEN sign_in_failures.failures + excluded.failures ELSE excluded.failures END,
    window_ends = CASE WHEN sign_in_failures.window_ends > now()
                       THEN sign_in_failures.window_ends ELSE excluded.window_ends END
RETURNING who, failures, window_ends
"""
# Give $3 back to each key of $1 (a use refused, or a password that was right), and clear
# the counts of $2.
RELEASE = """
UPDATE sign_in_failures f
SET failures = CASE WHEN f.who = ANY($2::text[]) THEN 0
                    ELSE greatest(f.failures - $3::integer, 0) END
FROM (SELECT who FROM sign_in_failures WHERE who = ANY($1::text[]) ORDER BY who FOR UPDATE) mine
WHERE f.who = mine.who
"""
SWEEP_FAILURES = "DELETE FROM sign_in_failures WHERE window_ends <= now()"

SESSIONS = "sessions"
"""The namespace of browser sessions in `kv_store` (the app's session store)."""
SESSION_ROWS = "SELECT key, value FROM kv_store WHERE namespace = $1"
DELETE_SESSIONS = "DELETE FROM kv_store WHERE namespace = $1 AND key = ANY($2::text[])"


class _Session(msgspec.Struct):
    class _Principal(msgspec.Struct):
        user_id: int

    principal: _Principal | None = None


_session = msgspec.json.Decoder(_Session)


def _user_of(value: bytes) -> int | None:
    try:
        session = _session.decode(value)
    except msgspec.DecodeError:
        return None  # not a signed-in session (the store holds only what the app wrote)
    return session.principal.user_id if session.principal else None


async def end_sessions(conn: asyncpg.Connection, user_id: int) -> int:
    """Sign the user out of every browser, in the caller's transaction: how many ended.

    It reads every session row, decoded here rather than cast to JSON in SQL, where one
    malformed row would fail the user's change; it runs when an account is disabled or
    moved, never on a page view."""
    rows = await conn.fetch(SESSION_ROWS, SESSIONS)
    keys = [row["key"] for row in rows if _user_of(row["value"]) == user_id]
    if keys:
        await conn.execute(DELETE_SESSIONS, SESSIONS, keys)
    return len(keys)


async def by_login(conn: asyncpg.Connection, login: str) -> asyncpg.Record | None:
    """The account signing in as `login` (any case), with its password hash."""
    return await conn.fetchrow(BY_LOGIN, login)


def principal_of(account: asyncpg.Record) -> Principal:
    return Principal(
        user_id=account["id"],
        login=account["login"],
        role=Role(account["role"]),
        unit_id=account["unit_id"],
    )


async def recheck(conn: asyncpg.Connection, principal: Principal) -> None:
    """Refuse writes from an account disabled, or given another role or scope, since its
    token or session was issued: both carry the role and unit they were issued with."""
    user = await conn.fetchrow(ACCOUNT, principal.user_id)
    if user is None or not user["active"]:
        raise Unauthorized("this account is disabled")
    if user["role"] != principal.role or user["unit_id"] != principal.unit_id:
        raise Unauthorized("your account changed: sign in again")


DEPLOYMENT_ONLY = (
    "only an admin of the province (a unit at the top) may change what every unit shares"
)


async def at_top(conn: asyncpg.Connection, unit_id: int) -> bool:
    """Whether the unit heads a hierarchy: its admins' scope is the whole province."""
    return bool(await conn.fetchval(AT_TOP, unit_id))


async def require_deployment_admin(conn: asyncpg.Connection, principal: Principal) -> None:
    """Refuse a change to the deployment's own data (categories, norms, settings) from
    anyone but an admin of a unit at the top: that data is every unit's, so an admin of one
    commune changing a wear rate would revalue the assets of every other."""
    if principal.role != Role.ADMIN or not await at_top(conn, principal.unit_id):
        raise Forbidden(DEPLOYMENT_ONLY)
