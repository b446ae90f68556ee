"""SQL for users; reads limited to the caller's scope like every other table."""

from __future__ import annotations

import asyncpg

from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope

COLUMNS = "id, login, full_name, role, unit_id, active, version"

GET = f"SELECT {COLUMNS} FROM users WHERE id = $1 AND {in_scope('unit_id', '$2')}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE"
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM users WHERE {{where}}"
SORT_KEYS = {"login": ("lower(login)", "text"), "id": ("id", "bigint")}

BY_LOGIN = """
SELECT id, login, role, unit_id, password_hash, active FROM users WHERE lower(login) = lower($1)
"""


async def create_user(
    conn: asyncpg.Connection,
    login: str,
    password_hash: str,
    role: Role,
    unit_id: int,
    full_name: str = "",
) -> int:
    return await conn.fetchval(
        "INSERT INTO users (login, password_hash, role, unit_id, full_name)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING id",
        login,
        password_hash,
        role.value,
        unit_id,
        full_name,
    )


async def authenticate(conn: asyncpg.Connection, login: str, password: str) -> Principal | None:
    """The principal for a login and password, or None (same cost either way)."""
    from inventory.accounts.passwords import verify_password

    row = await conn.fetchrow(BY_LOGIN, login)
    ok = verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None or not row["active"]:
        return None
    return Principal(
        user_id=row["id"], login=row["login"], role=Role(row["role"]), unit_id=row["unit_id"]
    )
