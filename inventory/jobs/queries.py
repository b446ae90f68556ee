"""SQL for jobs: who sees which, progress and outcome as the worker writes them.

A job is visible to its owner and to the admins and auditors whose scope holds the
job's scope unit; to anyone else, and to its owner once the unit left their scope, it
does not exist. The result file (`result_content`) is read only by the download.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from inventory.accounts.principal import Principal, Role
from inventory.accounts.scope import in_scope
from inventory.db.listing import ListQuery, SortKeys

OVERSEERS = (Role.ADMIN, Role.AUDITOR)
"""Roles that see every job of their scope, not only their own."""

COLUMNS = """
j.id, j.kind, j.status, j.owner_id, j.scope_unit_id, j.params, j.progress_done,
j.progress_total, j.attempts, j.created_at, j.started_at, j.finished_at, j.error,
j.result_media_type, j.result_file_name, octet_length(j.result_content) AS result_size
"""
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM jobs j WHERE {{where}}"
SORT_KEYS: SortKeys = {"created": ("j.created_at", "timestamptz")}
DEFAULT_SORT = "-created"

INSERT = """
INSERT INTO jobs (kind, owner_id, scope_unit_id, params) VALUES ($1, $2, $3, $4) RETURNING id
"""
# An owner's jobs of one kind are counted and queued one transaction at a time, so that a
# cap on how many may wait or run (`live`) holds for requests sent at once. The lock
# is taken in a statement of its own: a statement's snapshot is taken as it starts, so a
# count in the same statement would miss a job committed while it waited for the lock.
LOCK_OWNER = """
SELECT pg_advisory_xact_lock(hashtext('inventory.jobs:' || $2), $1::bigint::integer)
"""
LIVE = """
SELECT id FROM jobs WHERE owner_id = $1 AND kind = $2 AND status IN ('queued', 'running')
ORDER BY id
"""
GET_FOR_WORKER = "SELECT id, kind, owner_id, scope_unit_id, params, status FROM jobs WHERE id = $1"
START = """
UPDATE jobs SET status = 'running', started_at = now(), attempts = attempts + 1,
    progress_done = 0, progress_total = NULL
WHERE id = $1 AND status IN ('queued', 'running')
RETURNING attempts
"""
PROGRESS = """
UPDATE jobs SET progress_done = $2, progress_total = $3 WHERE id = $1 AND status = 'running'
"""
DONE = """
UPDATE jobs SET status = 'done', finished_at = now(),
    progress_total = greatest(progress_total, progress_done, 1),
    progress_done = greatest(progress_total, progress_done, 1),
    result_content = $2, result_media_type = $3, result_file_name = $4
WHERE id = $1 AND status = 'running'
"""
FAILED = """
UPDATE jobs SET status = 'failed', finished_at = now(), error = $2
WHERE id = $1 AND status IN ('queued', 'running')
"""
RESULT = """
SELECT j.status, j.result_content, j.result_media_type, j.result_file_name FROM jobs j
WHERE {where}
"""


def visible(query: ListQuery, principal: Principal) -> None:
    """Keep the jobs `principal` may see (see the module's docstring)."""
    query.add(in_scope("j.scope_unit_id", "{}"), principal.unit_id)
    if principal.role not in OVERSEERS:
        query.add("j.owner_id = {}", principal.user_id)


async def fetch(
    conn: asyncpg.Connection, principal: Principal, job_id: int
) -> asyncpg.Record | None:
    query = ListQuery()
    query.add("j.id = {}", job_id)
    visible(query, principal)
    return await conn.fetchrow(
        f"SELECT {COLUMNS} FROM jobs j WHERE {query.where_sql()}", *query.params
    )


async def result(
    conn: asyncpg.Connection, principal: Principal, job_id: int
) -> asyncpg.Record | None:
    query = ListQuery()
    query.add("j.id = {}", job_id)
    visible(query, principal)
    return await conn.fetchrow(RESULT.format(where=query.where_sql()), *query.params)


async def fetch_any(conn: asyncpg.Connection, job_id: int) -> asyncpg.Record | None:
    """A job whoever may see it (the command line, which has the database itself)."""
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM jobs j WHERE j.id = $1", job_id)


async def insert(
    conn: asyncpg.Connection, kind: str, owner_id: int, scope_unit_id: int, params: dict[str, Any]
) -> int:
    return await conn.fetchval(INSERT, kind, owner_id, scope_unit_id, params)


async def live(conn: asyncpg.Connection, kind: str, owner_id: int) -> list[int]:
    """The owner's jobs of `kind` queued or running, oldest first, with the owner's jobs of
    that kind locked until the caller's transaction ends: call it in the transaction that
    queues the next one (outside one, the lock would end with its statement)."""
    await conn.execute(LOCK_OWNER, owner_id, kind)
    return [row["id"] for row in await conn.fetch(LIVE, owner_id, kind)]


SAME = """
SELECT id FROM jobs WHERE kind = $1 AND owner_id = $2 AND scope_unit_id = $3
    AND params = $4::jsonb AND status <> 'failed'
ORDER BY id DESC LIMIT 1
"""


async def same(
    conn: asyncpg.Connection, kind: str, owner_id: int, scope_unit_id: int, params: dict[str, Any]
) -> int | None:
    """The caller's job of `kind` with exactly these params, not failed: asking again for
    the same document follows that job rather than starting another."""
    return await conn.fetchval(SAME, kind, owner_id, scope_unit_id, params)


async def recent(
    conn: asyncpg.Connection, principal: Principal, limit: int
) -> list[asyncpg.Record]:
    """The latest jobs `principal` may see, newest first."""
    query = ListQuery()
    visible(query, principal)
    return await conn.fetch(
        f"SELECT {COLUMNS} FROM jobs j WHERE {query.where_sql()}"
        f" ORDER BY j.created_at DESC, j.id DESC LIMIT {query.param(limit)}",
        *query.params,
    )
