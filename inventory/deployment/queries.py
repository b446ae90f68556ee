"""SQL for the deployment's own settings (one row per key)."""

from __future__ import annotations

import asyncpg

BASE_URL = "public_base_url"

GET = "SELECT value FROM deployment_settings WHERE key = $1"
# The first to ask sets it; every later one reads what the first set.
SEED = """
INSERT INTO deployment_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING
"""
SET = """
INSERT INTO deployment_settings (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
"""


async def get(conn: asyncpg.Connection, key: str) -> str | None:
    return await conn.fetchval(GET, key)


async def seed(conn: asyncpg.Connection, key: str, value: str) -> str:
    """The stored value, storing `value` if there is none yet."""
    await conn.execute(SEED, key, value)
    stored = await get(conn, key)
    assert stored is not None
    return stored


async def put(conn: asyncpg.Connection, key: str, value: str) -> None:
    await conn.execute(SET, key, value)
