"""What history settles: a registered record keeps its holder until a handover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from inventory.errors import Conflict
from inventory.history.queries import has_history


async def require_no_history_for_holder(
    conn: asyncpg.Connection, entity: str, before: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Refuse a new holder for a record with history: that is a handover between units.
    A record not changed since its creation may still be corrected (made by mistake)."""
    holder = values.get("holder_unit_id", before["holder_unit_id"])
    if holder != before["holder_unit_id"] and await has_history(conn, entity, before["id"]):
        raise Conflict(
            f"{entity} {before['id']} is registered with unit {before['holder_unit_id']}:"
            " a change of holder is a handover between the two units",
            field="holder_unit_id",
        )
