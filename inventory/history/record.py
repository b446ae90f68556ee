"""Writing events, in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from inventory.accounts.principal import Principal
from inventory.errors import Unauthorized


def snapshot(row: asyncpg.Record | None) -> dict[str, Any] | None:
    """A row as JSON-ready values (dates as ISO text, numerics as text)."""
    if row is None:
        return None
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "search":
            continue
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


async def begin_write(conn: asyncpg.Connection, principal: Principal) -> None:
    """Refuse writes from an account disabled, or given another role or scope, since its
    token or session was issued: both carry the role and unit they were issued with."""
    user = await conn.fetchrow(
        "SELECT active, role, unit_id FROM users WHERE id = $1", principal.user_id
    )
    if user is None or not user["active"]:
        raise Unauthorized("this account is disabled")
    if user["role"] != principal.role or user["unit_id"] != principal.unit_id:
        raise Unauthorized("your account changed: sign in again")


async def record(
    conn: asyncpg.Connection,
    principal: Principal | None,
    entity: str,
    entity_id: int,
    action: str,
    before: asyncpg.Record | None,
    after: asyncpg.Record | None,
) -> None:
    await conn.execute(
        "INSERT INTO events (actor_id, entity, entity_id, action, before, after)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        principal.user_id if principal else None,
        entity,
        entity_id,
        action,
        snapshot(before),
        snapshot(after),
    )
