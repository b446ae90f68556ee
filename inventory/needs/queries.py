"""SQL for needs. Needs own no table: they are derived from staffing, rooms of sites in use
and usable assets, counted for every commune of a scope in one set-based statement.

Assets are counted from `asset_counts` (kept by triggers on `assets`: holder, category,
status, condition, summed quantity), so the statement reads a few rows per unit and
category whatever the number of assets. Usable means status in use or in storage and
condition good or fair (needs.rules.USABLE_*); a category counts toward the norm item its
`norm_item` names.
"""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.needs.rules import USABLE_CONDITIONS, USABLE_STATUSES

COMMUNE_KINDS = ("commune", "ward", "special_zone")


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# $1: the caller's scope unit; $2: one unit, or NULL for every commune of the scope.
COUNTS = f"""
WITH chosen AS (
    SELECT u.id, u.code, u.name, u.kind FROM units u
    WHERE u.kind IN ({_list(COMMUNE_KINDS)}) AND {in_scope("u.id", "$1")}
      AND ($2::bigint IS NULL OR u.id = $2)
),
staff AS (
    SELECT unit_id, json_object_agg(norm_group, holders) AS staff
    FROM (
        SELECT p.unit_id, p.norm_group, sum(p.holders) AS holders
        FROM staff_positions p JOIN chosen ON chosen.id = p.unit_id
        GROUP BY 1, 2
    ) g
    GROUP BY unit_id
),
rooms AS (
    SELECT unit_id, json_object_agg(purpose, json_build_array(n, area)) AS rooms,
        sum(without_area) AS without_area
    FROM (
        SELECT s.holder_unit_id AS unit_id, r.purpose, count(*) AS n,
            coalesce(sum(r.area_m2), 0)::float8 AS area,
            count(*) FILTER (WHERE r.area_m2 IS NULL) AS without_area
        FROM sites s JOIN chosen ON chosen.id = s.holder_unit_id
        JOIN rooms r ON r.site_id = s.id
        WHERE s.status = 'in_use'
        GROUP BY 1, 2
    ) g
    GROUP BY unit_id
),
held AS (
    SELECT unit_id, json_object_agg(norm_item, quantity) AS held
    FROM (
        SELECT c.holder_unit_id AS unit_id, k.norm_item, sum(c.quantity) AS quantity
        FROM asset_counts c JOIN chosen ON chosen.id = c.holder_unit_id
        JOIN categories k ON k.id = c.category_id
        WHERE k.norm_item IS NOT NULL
          AND c.status IN ({_list(USABLE_STATUSES)})
          AND c.condition IN ({_list(USABLE_CONDITIONS)})
        GROUP BY 1, 2
        HAVING sum(c.quantity) > 0
    ) g
    GROUP BY unit_id
)
SELECT chosen.id, chosen.code, chosen.name, chosen.kind,
    EXISTS (SELECT 1 FROM staffing f WHERE f.unit_id = chosen.id) AS staffing_set,
    coalesce(staff.staff, '{{}}')::text AS staff,
    coalesce(rooms.rooms, '{{}}')::text AS rooms,
    coalesce(rooms.without_area, 0)::int AS rooms_without_area,
    coalesce(held.held, '{{}}')::text AS held
FROM chosen
LEFT JOIN staff ON staff.unit_id = chosen.id
LEFT JOIN rooms ON rooms.unit_id = chosen.id
LEFT JOIN held ON held.unit_id = chosen.id
ORDER BY chosen.code
"""
# In the order the norms list them (desk set, cabinet, computer, ...).
ITEM_NAMES = """
SELECT code, name FROM norm_items i
ORDER BY (SELECT min(n.id) FROM norms n WHERE n.item = i.code) NULLS LAST, code
"""


async def counts(
    conn: asyncpg.Connection, scope_unit_id: int, unit_id: int | None = None
) -> list[asyncpg.Record]:
    """Per commune of the scope (or the one asked for): staffing, rooms and usable assets."""
    return await conn.fetch(COUNTS, scope_unit_id, unit_id)


async def item_names(conn: asyncpg.Connection) -> dict[str, str]:
    return {r["code"]: r["name"] for r in await conn.fetch(ITEM_NAMES)}


UNIT_NAME = "SELECT name FROM units WHERE id = $1"


async def unit_name(conn: asyncpg.Connection, unit_id: int) -> str | None:
    return await conn.fetchval(UNIT_NAME, unit_id)
