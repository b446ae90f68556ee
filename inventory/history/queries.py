"""Reading events. Callers check first that the entity is in the caller's scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec


class EventRead(msgspec.Struct):
    id: int
    at: datetime
    actor_id: int | None
    actor_login: str | None
    entity: str
    entity_id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def for_entity(conn: asyncpg.Connection, entity: str, entity_id: int) -> list[EventRead]:
    rows = await conn.fetch(
        """
        SELECT e.id, e.at, e.actor_id, u.login AS actor_login, e.entity, e.entity_id,
               e.action, e.before, e.after
        FROM events e LEFT JOIN users u ON u.id = e.actor_id
        WHERE e.entity = $1 AND e.entity_id = $2
        ORDER BY e.id
        """,
        entity,
        entity_id,
    )
    return [EventRead(**dict(row)) for row in rows]
