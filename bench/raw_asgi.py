"""Baseline: the same tag lookup as the service, as a bare ASGI app with an asyncpg pool.

No framework, no auth, no validation: the floor the service is compared with.
It uses the service's own pool set-up, so only the framework differs.
"""

from __future__ import annotations

import os
from typing import Any

import asyncpg
import msgspec

from inventory.assets.queries import BY_TAG
from inventory.db.pool import create_pool

_pool: asyncpg.Pool | None = None
_SCOPE = int(os.environ.get("BENCH_SCOPE_UNIT", "0"))


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _pool = await create_pool(
                    os.environ["BENCH_DATABASE_URL"],
                    min_size=int(os.environ.get("INVENTORY_POOL_MIN", "2")),
                    max_size=int(os.environ.get("INVENTORY_POOL_MAX", "10")),
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _pool is not None:
                    await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    assert _pool is not None
    tag = scope["path"].rsplit("/", 1)[-1]
    async with _pool.acquire() as conn:
        row = await conn.fetchrow(BY_TAG, tag, _SCOPE)
    status = 200 if row is not None else 404
    body = msgspec.json.encode(dict(row) if row is not None else {"status": 404})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
