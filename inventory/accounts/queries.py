"""SQL for signing in, and for re-checking a caller before every write."""

from __future__ import annotations

import asyncpg

from inventory.accounts.passwords import verify_password
from inventory.accounts.principal import Principal, Role
from inventory.errors import Unauthorized

BY_LOGIN = """
SELECT id, login, role, unit_id, password_hash, active FROM users WHERE lower(login) = lower($1)
"""
ACCOUNT = "SELECT active, role, unit_id FROM users WHERE id = $1"

FAILURES = """
SELECT who, failures, window_ends FROM sign_in_failures
WHERE who = ANY($1::text[]) AND window_ends > now()
"""
FAILED = """
INSERT INTO sign_in_failures (who, failures, window_ends)
SELECT who, 1, now() + make_interval(secs => $2) FROM unnest($1::text[]) AS w(who)
ON CONFLICT (who) DO UPDATE SET
    failures = CASE WHEN sign_in_failures.window_ends > now()
                    THEN sign_in_failures.failures + 1 ELSE 1 END,
    window_ends = CASE WHEN sign_in_failures.window_ends > now()
                       THEN sign_in_failures.window_ends ELSE excluded.window_ends END
"""
FORGET_FAILURES = "DELETE FROM sign_in_failures WHERE who = ANY($1::text[])"
SWEEP_FAILURES = "DELETE FROM sign_in_failures WHERE window_ends <= now()"


async def authenticate(conn: asyncpg.Connection, login: str, password: str) -> Principal | None:
    """The principal for a login and password, or None (same cost either way)."""
    row = await conn.fetchrow(BY_LOGIN, login)
    ok = verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None or not row["active"]:
        return None
    return Principal(
        user_id=row["id"], login=row["login"], role=Role(row["role"]), unit_id=row["unit_id"]
    )


async def recheck(conn: asyncpg.Connection, principal: Principal) -> None:
    """Refuse writes from an account disabled, or given another role or scope, since its
    token or session was issued: both carry the role and unit they were issued with."""
    user = await conn.fetchrow(ACCOUNT, principal.user_id)
    if user is None or not user["active"]:
        raise Unauthorized("this account is disabled")
    if user["role"] != principal.role or user["unit_id"] != principal.unit_id:
        raise Unauthorized("your account changed: sign in again")
