"""Unit scope in SQL: a caller sees their scope unit and everything below it."""

from __future__ import annotations

import asyncpg

from inventory.accounts.principal import Principal
from inventory.errors import Invalid


def in_scope(column: str, param: str) -> str:
    """A WHERE clause keeping rows whose `column` unit is in the scope rooted at `param`."""
    return f"{column} IN (SELECT unit_id FROM unit_scope WHERE ancestor_id = {param})"


async def require_unit(
    conn: asyncpg.Connection, principal: Principal, unit_id: int | None, field: str
) -> None:
    """Refuse a body naming a unit outside the caller's scope, exactly as an unknown one."""
    if unit_id is None:
        return
    found = await conn.fetchval(
        "SELECT 1 FROM unit_scope WHERE ancestor_id = $1 AND unit_id = $2",
        principal.unit_id,
        unit_id,
    )
    if not found:
        raise Invalid(f"no unit {unit_id} in your scope", field=field)
