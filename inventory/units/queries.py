"""SQL for units, every read limited to the caller's scope."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope

COLUMNS = "id, code, name, kind, parent_id, merged_into_id, valid_from, valid_to, version"

GET = f"SELECT {COLUMNS} FROM units WHERE id = $1 AND {in_scope('id', '$2')}"
GET_FOR_UPDATE = GET + " FOR NO KEY UPDATE"

# Is unit $2 unit $1 or under it (as a part or a former unit)?
IN_SCOPE_OF = "SELECT 1 FROM unit_scope WHERE ancestor_id = $1 AND unit_id = $2"
# One change of parent or merger at a time, until commit: two checked side by side could
# each pass and close a cycle between them. Creating a unit cannot, and takes no part.
LOCK_HIERARCHY = "SELECT pg_advisory_xact_lock(hashtext('inventory.units.hierarchy'))"

LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM units WHERE {{where}}"
BY_CODE = "SELECT id FROM units WHERE code = $1"

# The database's last line of defence, in the API's words.
CONSTRAINTS = {"units_code_key": ("code", "a unit with this code already exists")}

# Former units merged into this one, and theirs in turn (a former district's
# communes), depth-first so the lineage reads like the resolution.
FORMED_FROM = f"""
WITH RECURSIVE sources AS (
    SELECT id, code, name, kind, 1 AS depth FROM units WHERE merged_into_id = $1
    UNION ALL
    SELECT u.id, u.code, u.name, u.kind, s.depth + 1
    FROM units u JOIN sources s ON u.merged_into_id = s.id WHERE s.depth < 8
)
SELECT id, code, name, kind FROM sources WHERE {in_scope("id", "$2")}
ORDER BY depth, inventory_sort_key(name) COLLATE "C"
"""

MERGED_INTO = f"""
SELECT t.id, t.code, t.name, t.kind FROM units u JOIN units t ON t.id = u.merged_into_id
WHERE u.id = $1 AND {in_scope("t.id", "$2")}
"""

# The admin's start page: the units of a scope, those in use and those merged away.
COUNTS = f"""
SELECT count(*) AS units, count(*) FILTER (WHERE merged_into_id IS NOT NULL) AS merged
FROM units WHERE {in_scope("id", "$1")}
"""


async def counts(conn: asyncpg.Connection, scope_unit_id: int) -> asyncpg.Record:
    return await conn.fetchrow(COUNTS, scope_unit_id)


# A form's choice of unit: the scope's, in Vietnamese order.
CHOICES = f"""
SELECT id, code, name FROM units WHERE {in_scope("id", "$1")}
ORDER BY sort_name COLLATE "C", id
"""


async def choices(conn: asyncpg.Connection, scope_unit_id: int) -> list[asyncpg.Record]:
    """The units of a scope, for a form's choice (a parent, a holder, a user's unit)."""
    return await conn.fetch(CHOICES, scope_unit_id)
