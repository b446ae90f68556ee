"""SQL of an import: the rows COPYed into a temporary table, matched against the register
in three set-based statements, their new tags COPYed beside them, and the new ones inserted
in one statement, whatever their number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from inventory.accounts.scope import in_scope

ROWS = "import_rows"
CREATE_ROWS = f"""
CREATE TEMPORARY TABLE {ROWS} (
    row_no integer PRIMARY KEY, tag text NOT NULL, serial text NOT NULL, key text NOT NULL,
    name text NOT NULL, category_id bigint NOT NULL, model text NOT NULL,
    unit_of_measure text NOT NULL, quantity integer NOT NULL, acquisition_year integer,
    original_cost bigint NOT NULL, remaining_value bigint, funding_source text NOT NULL,
    condition text NOT NULL, custodian text NOT NULL,
    asset_id bigint, matched_by text, new_tag text
) ON COMMIT DROP
"""
COPY_COLUMNS = (
    "row_no",
    "tag",
    "serial",
    "key",
    "name",
    "category_id",
    "model",
    "unit_of_measure",
    "quantity",
    "acquisition_year",
    "original_cost",
    "remaining_value",
    "funding_source",
    "condition",
    "custodian",
)
# A tag names an asset anywhere in the scope ($1: its root unit), as tags are unique; a
# serial or an import key an asset of the holder ($1).
MATCH_TAG = f"""
UPDATE {ROWS} r SET asset_id = a.id, matched_by = 'tag'
FROM assets a WHERE r.tag <> '' AND a.tag = r.tag AND {in_scope("a.holder_unit_id", "$1")}
"""
MATCH_SERIAL = f"""
UPDATE {ROWS} r SET asset_id = a.id, matched_by = 'serial'
FROM assets a
WHERE r.asset_id IS NULL AND r.tag = '' AND r.serial <> '' AND a.holder_unit_id = $1
  AND a.serial = r.serial
"""
MATCH_KEY = f"""
UPDATE {ROWS} r SET asset_id = k.asset_id, matched_by = 'key'
FROM asset_import_keys k
WHERE r.asset_id IS NULL AND r.tag = '' AND r.serial = '' AND k.holder_unit_id = $1
  AND k.key = r.key
"""
UNKNOWN_TAGS = f"SELECT row_no, tag FROM {ROWS} WHERE tag <> '' AND asset_id IS NULL ORDER BY 1"
COUNTS = f"SELECT matched_by, count(*) AS n FROM {ROWS} GROUP BY 1"
TAGS = "import_tags"
CREATE_TAGS = f"""
CREATE TEMPORARY TABLE {TAGS} (row_no integer PRIMARY KEY, tag text NOT NULL) ON COMMIT DROP
"""
NEW_ROWS = f"""
SELECT row_no FROM {ROWS} WHERE asset_id IS NULL AND row_no > $1 ORDER BY row_no LIMIT $2
"""
# The unmatched rows inserted with their new tags, and the import keys of those without tag
# or serial kept from what the insert returns (joining the new assets back by tag cost a
# tenth of an import).
INSERT = f"""
WITH added AS (
    INSERT INTO assets (tag, name, category_id, model, serial, unit_of_measure, quantity,
        acquisition_year, original_cost, remaining_value, funding_source, condition,
        custodian, holder_unit_id)
    SELECT t.tag, name, category_id, model, serial, unit_of_measure, quantity,
        acquisition_year, original_cost, remaining_value, funding_source, condition,
        custodian, $1
    FROM {ROWS} r JOIN {TAGS} t USING (row_no) ORDER BY row_no
    RETURNING id, tag
), kept AS (
    INSERT INTO asset_import_keys (holder_unit_id, key, asset_id)
    SELECT $1, r.key, added.id
    FROM added JOIN {TAGS} t USING (tag) JOIN {ROWS} r USING (row_no)
    WHERE r.tag = '' AND r.serial = ''
)
SELECT count(*) FROM added
"""
# The new assets' events, read by the write step as it appends them (id, before, after).
ADDED = f"""
SELECT a.id, NULL::text, (to_jsonb(a) - 'search' - 'sort_name')::text
FROM {TAGS} t JOIN assets a ON a.tag = t.tag ORDER BY a.id
"""
CATEGORIES = "SELECT id, code, name, form_group FROM categories"


# Imports into one unit run one at a time (till commit), so that two imports of the same
# file, started together, cannot both find its rows new.
LOCK_UNIT = "SELECT pg_advisory_xact_lock(hashtext('inventory.imports'), $1::bigint::integer)"


async def lock_unit(conn: asyncpg.Connection, unit_id: int) -> None:
    await conn.execute(LOCK_UNIT, unit_id)


async def categories(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(CATEGORIES)


async def create_rows(conn: asyncpg.Connection) -> None:
    await conn.execute(CREATE_ROWS)


async def copy_rows(conn: asyncpg.Connection, records: Sequence[Sequence[Any]]) -> None:
    await conn.copy_records_to_table(ROWS, records=records, columns=COPY_COLUMNS)


async def match(conn: asyncpg.Connection, unit_id: int, scope_unit_id: int) -> None:
    # A temporary table has no statistics until analysed: without them the joins below
    # may be planned as nested loops over every row.
    await conn.execute(f"ANALYZE {ROWS}")
    await conn.execute(MATCH_TAG, scope_unit_id)
    await conn.execute(MATCH_SERIAL, unit_id)
    await conn.execute(MATCH_KEY, unit_id)


async def unknown_tags(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(UNKNOWN_TAGS)


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    return {row["matched_by"] or "new": row["n"] for row in await conn.fetch(COUNTS)}


async def new_rows(conn: asyncpg.Connection, after: int, limit: int) -> list[int]:
    """The next `limit` unmatched rows after row `after`."""
    return [row["row_no"] for row in await conn.fetch(NEW_ROWS, after, limit)]


async def create_tags(conn: asyncpg.Connection) -> None:
    await conn.execute(CREATE_TAGS)


async def copy_tags(conn: asyncpg.Connection, tags: Sequence[tuple[int, str]]) -> None:
    await conn.copy_records_to_table(TAGS, records=tags, columns=("row_no", "tag"))


async def insert(conn: asyncpg.Connection, unit_id: int) -> int:
    """Insert the unmatched rows with their new tags, and keep their import keys; how many."""
    await conn.execute(f"ANALYZE {TAGS}")
    return await conn.fetchval(INSERT, unit_id)


async def holder_in_scope(conn: asyncpg.Connection, unit_id: int, scope_unit_id: int) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM unit_scope WHERE ancestor_id = $1 AND unit_id = $2", scope_unit_id, unit_id
    )
    return found is not None


async def owner(conn: asyncpg.Connection, user_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT id, login, role, unit_id FROM users WHERE id = $1", user_id)


async def keep_upload(conn: asyncpg.Connection, job_id: int, name: str, content: bytes) -> None:
    await conn.execute(
        "INSERT INTO import_files (job_id, file_name, content) VALUES ($1, $2, $3)",
        job_id,
        name,
        content,
    )


async def upload(conn: asyncpg.Connection, job_id: int) -> bytes | None:
    return await conn.fetchval("SELECT content FROM import_files WHERE job_id = $1", job_id)


async def copy_upload(conn: asyncpg.Connection, from_job: int, to_job: int) -> None:
    """The file of one import job kept again for another (a dry run imported for real)."""
    await conn.execute(
        "INSERT INTO import_files (job_id, file_name, content)"
        " SELECT $2, file_name, content FROM import_files WHERE job_id = $1",
        from_job,
        to_job,
    )


async def file_name(conn: asyncpg.Connection, job_id: int) -> str | None:
    return await conn.fetchval("SELECT file_name FROM import_files WHERE job_id = $1", job_id)
