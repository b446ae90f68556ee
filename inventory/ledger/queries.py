"""SQL of the books. The domain owns no table: like `needs`, it reads the registry, its
history and the handovers in a few statements, every one limited to the caller's scope."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from inventory.accounts.scope import in_scope

UNIT = f"""
SELECT u.id, u.code, u.name, u.kind, p.name AS parent_name
FROM units u LEFT JOIN units p ON p.id = u.parent_id
WHERE u.id = $1 AND {in_scope("u.id", "$2")}
"""
# An asset's card: its changes, oldest first, with who made them and, for a handover,
# the decision it executed and its parties.
CARD_EVENTS = """
SELECT e.id, e.at, e.action, e.before, e.after,
       coalesce(nullif(u.full_name, ''), u.login) AS actor,
       h.id AS handover_id, h.decision_number, h.decision_date, h.handover_date,
       gu.name AS giving_unit_name, ru.name AS receiving_unit_name
FROM events e
LEFT JOIN users u ON u.id = e.actor_id
LEFT JOIN handovers h ON e.action = 'handover' AND h.id = (e.after ->> 'handover_id')::bigint
LEFT JOIN units gu ON gu.id = h.giving_unit_id
LEFT JOIN units ru ON ru.id = h.receiving_unit_id
WHERE e.entity = 'asset' AND e.entity_id = $1
ORDER BY e.at, e.id
"""
# The assets a unit's books may hold before $2: every asset whose history joined the
# unit's chain (registered, received or changed while it held them), every asset a
# handover of the unit listed (it may have held it since before the registry's history),
# and what it holds now.
_TOUCHED = """
SELECT entity_id AS id FROM events WHERE chain = $1 AND entity = 'asset' AND at < $2
UNION
SELECT i.asset_id FROM handover_items i JOIN handovers h ON h.id = i.handover_id
WHERE h.giving_unit_id = $1 AND i.asset_id IS NOT NULL
UNION
SELECT id FROM assets WHERE holder_unit_id = $1
"""
# Changes that never take an asset onto or off a unit's books, nor change its quantity,
# cost or category: a stocktake's sighting, a photo, a move within the unit, a tag, a
# damage report. Left out, a unit's books read a fraction of its history.
NEUTRAL = ("seen", "photo", "move", "tag", "claim", "report")
BOOK_EVENTS = f"""
WITH touched AS ({_TOUCHED})
SELECT e.entity_id AS asset_id, e.at, e.action, e.before, e.after
FROM events e JOIN touched t ON t.id = e.entity_id
WHERE e.entity = 'asset' AND e.at < $2 AND e.action NOT IN ({", ".join(map(repr, NEUTRAL))})
ORDER BY e.entity_id, e.at, e.id
"""
BOOK_ASSETS = f"""
WITH touched AS ({_TOUCHED})
SELECT a.id, a.created_at, a.holder_unit_id, a.status, a.quantity, a.original_cost,
       a.category_id, a.acquisition_year
FROM assets a JOIN touched t ON t.id = a.id
"""
CATEGORIES = "SELECT id, code, name, form_group, wear_rate FROM categories"


async def unit(conn: asyncpg.Connection, unit_id: int, scope_unit_id: int) -> asyncpg.Record:
    return await conn.fetchrow(UNIT, unit_id, scope_unit_id)


async def card_events(conn: asyncpg.Connection, asset_id: int) -> list[asyncpg.Record]:
    """The asset's events (the caller has read the asset in its scope)."""
    return await conn.fetch(CARD_EVENTS, asset_id)


async def book(
    conn: asyncpg.Connection, unit_id: int, end: datetime
) -> tuple[list[asyncpg.Record], list[asyncpg.Record], list[asyncpg.Record]]:
    """What a unit's books before `end` are made of, read in one snapshot: the events of
    every asset it may have held (by asset, in order), those assets' rows as they are now,
    and the categories."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        events = await conn.fetch(BOOK_EVENTS, unit_id, end)
        assets = await conn.fetch(BOOK_ASSETS, unit_id, end)
        categories = await conn.fetch(CATEGORIES)
    return events, assets, categories


async def form_group(conn: asyncpg.Connection, category_id: int) -> str:
    return await conn.fetchval("SELECT form_group FROM categories WHERE id = $1", category_id)


UNITS_IN_SCOPE = f"""
SELECT u.id, u.code, u.name FROM units u WHERE {in_scope("u.id", "$1")}
ORDER BY u.code, u.id LIMIT 1000
"""


async def units_in_scope(conn: asyncpg.Connection, scope_unit_id: int) -> list[asyncpg.Record]:
    """The units a report may be asked of, by code (a province's: its 100-odd communes)."""
    return await conn.fetch(UNITS_IN_SCOPE, scope_unit_id)
