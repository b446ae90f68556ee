"""`inventory base-url [set URL]`: the public base URL of the deployment's labels."""

from __future__ import annotations

from inventory.console import Failure
from inventory.db.pool import connect
from inventory.deployment.base_url import change, resolve
from inventory.settings import Settings


async def show_or_set(url: str, settings: Settings, new: str | None) -> None:
    conn = await connect(url)
    try:
        if new is None:
            print(await resolve(conn, settings))
            return
        try:
            stored = await change(conn, new)
        except ValueError as exc:
            raise Failure(str(exc), status=2) from None
    finally:
        await conn.close()
    print(f"labels printed from now on carry {stored}; labels already stuck on keep theirs")
