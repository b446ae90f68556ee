"""`inventory users create`: accounts without the demo data."""

from __future__ import annotations

from inventory.accounts.passwords import hash_password
from inventory.accounts.principal import Role
from inventory.accounts.queries import create_user as insert_user
from inventory.db.pool import connect
from inventory.history.record import record


async def create_user(
    url: str, login: str, password: str, role: str, unit_code: str, full_name: str = ""
) -> int:
    if len(password) < 8:
        raise SystemExit("the password must have at least 8 characters")
    conn = await connect(url)
    try:
        async with conn.transaction():
            unit_id = await conn.fetchval("SELECT id FROM units WHERE code = $1", unit_code)
            if unit_id is None:
                raise SystemExit(f"no unit with code {unit_code}")
            if await conn.fetchval("SELECT 1 FROM users WHERE lower(login) = lower($1)", login):
                raise SystemExit(f"the login {login} is taken")
            user_id = await insert_user(
                conn, login, hash_password(password), Role(role), unit_id, full_name
            )
            row = await conn.fetchrow(
                "SELECT id, login, full_name, role, unit_id, active, version FROM users"
                " WHERE id = $1",
                user_id,
            )
            await record(conn, None, "user", user_id, "create", None, row)
    finally:
        await conn.close()
    print(f"created {role} {login} for unit {unit_code}")
    return user_id
