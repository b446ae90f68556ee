"""`inventory users create`: accounts without the demo data."""

from __future__ import annotations

import re

from inventory.accounts.passwords import hash_password
from inventory.accounts.principal import Role
from inventory.db.pool import connect
from inventory.history.write import Write
from inventory.units.queries import BY_CODE
from inventory.users.queries import GET_UNSCOPED, LOGIN_TAKEN
from inventory.users.queries import create_user as insert_user


async def create_user(
    url: str,
    login: str,
    password: str,
    role: str,
    unit_code: str,
    full_name: str = "",
    email: str | None = None,
) -> int:
    if len(password) < 8:
        raise SystemExit("the password must have at least 8 characters")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        raise SystemExit(f"{email!r} is not an e-mail address")
    conn = await connect(url)
    try:
        async with Write(conn, None) as write:
            unit_id = await conn.fetchval(BY_CODE, unit_code)
            if unit_id is None:
                raise SystemExit(f"no unit with code {unit_code}")
            if await conn.fetchval(LOGIN_TAKEN, login):
                raise SystemExit(f"the login {login} is taken")
            user_id = await insert_user(
                conn, login, hash_password(password), Role(role), unit_id, full_name, email
            )
            row = await conn.fetchrow(GET_UNSCOPED, user_id)
            write.record("user", user_id, "create", None, row, unit_id=unit_id)
    finally:
        await conn.close()
    print(f"created {role} {login} for unit {unit_code}")
    return user_id
