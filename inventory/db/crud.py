"""SQL builders for the plain INSERT and UPDATE every registry table needs.

Column names come from the msgspec Struct fields of the request schema, never
from the request itself, so they are safe to interpolate.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec


def given_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields of a patch that were given (not UNSET)."""
    return {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if getattr(data, name) is not msgspec.UNSET
    }


async def insert(conn: asyncpg.Connection, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    params = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    return await conn.fetchval(
        f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id", *values.values()
    )


async def update(conn: asyncpg.Connection, table: str, row_id: int, values: dict[str, Any]) -> None:
    """Write `values` and bump the version, unless the row holds them already: then it
    is left as it is, version and all, so that a change of nothing is no new version."""
    placeholders = [f"${i}" for i in range(2, len(values) + 2)]
    assignments = "".join(f"{c} = {p}, " for c, p in zip(values, placeholders, strict=True))
    differs = (
        f"({', '.join(values)}) IS DISTINCT FROM ({', '.join(placeholders)})" if values else "false"
    )
    await conn.execute(
        f"UPDATE {table} SET {assignments}version = version + 1, updated_at = now()"
        f" WHERE id = $1 AND {differs}",
        row_id,
        *values.values(),
    )
