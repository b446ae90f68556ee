"""SQL for users; reads limited to the caller's scope like every other table."""

from __future__ import annotations

import asyncpg

from inventory.accounts.principal import Role
from inventory.accounts.scope import in_scope

COLUMNS = "id, login, full_name, role, unit_id, active, email, version"

GET = f"SELECT {COLUMNS} FROM users WHERE id = $1 AND {in_scope('unit_id', '$2')}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE"
GET_UNSCOPED = f"SELECT {COLUMNS} FROM users WHERE id = $1"
LOGIN_TAKEN = "SELECT 1 FROM users WHERE lower(login) = lower($1)"
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM users WHERE {{where}}"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {
    "users_login_key": ("login", "this login is taken"),
    "users_email_check": ("email", "not an e-mail address"),
}


async def create_user(
    conn: asyncpg.Connection,
    login: str,
    password_hash: str,
    role: Role,
    unit_id: int,
    full_name: str = "",
    email: str | None = None,
) -> int:
    return await conn.fetchval(
        "INSERT INTO users (login, password_hash, role, unit_id, full_name, email)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        login,
        password_hash,
        role.value,
        unit_id,
        full_name,
        email,
    )


GREETING = """
SELECT u.full_name, u.login, n.name AS unit_name FROM users u JOIN units n ON n.id = u.unit_id
WHERE u.id = $1
"""


async def greeting(conn: asyncpg.Connection, user_id: int) -> asyncpg.Record | None:
    """Who is signed in, as the start page greets them."""
    return await conn.fetchrow(GREETING, user_id)


BY_ROLE = f"""
SELECT role, count(*) FILTER (WHERE active) AS active, count(*) AS users FROM users
WHERE {in_scope("unit_id", "$1")} GROUP BY role ORDER BY role
"""


async def by_role(conn: asyncpg.Connection, scope_unit_id: int) -> list[asyncpg.Record]:
    """The users of a scope by role, active and in all."""
    return await conn.fetch(BY_ROLE, scope_unit_id)
