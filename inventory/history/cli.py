"""`inventory history verify [--unit CODE]`: walk the chains, name the first bad event."""

from __future__ import annotations

from inventory.db.pool import connect
from inventory.history import queries


async def verify(url: str, unit_code: str | None) -> bool:
    """Print what verifying found; True when every event matches."""
    conn = await connect(url)
    try:
        if unit_code is None:
            chains = await queries.all_chains(conn)
        else:
            unit_id = await conn.fetchval("SELECT id FROM units WHERE code = $1", unit_code)
            if unit_id is None:
                raise SystemExit(f"no unit with code {unit_code}")
            chains = await queries.scope_chains(conn, unit_id)
        found = await queries.verify(conn, chains)
    finally:
        await conn.close()
    bad = found.first_mismatch
    if bad is None:
        print(f"history verified: {found.events} events in {found.chains} chains match")
        return True
    which = (
        f"event {bad.event_id} (chain {bad.chain}, #{bad.seq})"
        if bad.event_id
        else (f"chain {bad.chain} after #{bad.seq}")
    )
    print(f"history does NOT verify: {which}: {bad.problem}")
    return False
