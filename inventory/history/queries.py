"""Reading and verifying history. Reads are scoped through the chain: the unit whose
records an event describes."""

from __future__ import annotations

import asyncpg

from inventory.accounts.scope import in_scope
from inventory.db.listing import ListParams, ListQuery, Page
from inventory.history.chain import DEPLOYMENT_CHAIN, GENESIS
from inventory.history.schemas import EventRead, Mismatch, Verification

LIST = """
SELECT e.id, e.chain, e.seq, e.at, e.actor_id, u.login AS actor_login, u.full_name AS actor_name,
       e.entity, e.entity_id, e.action, e.before, e.after, e.prev_hash, e.hash,
       {sort_key} AS sort_key
FROM events e LEFT JOIN users u ON u.id = e.actor_id
WHERE {where}
"""
# The chains of a scope: its units', and the deployment's (reference data everyone reads).
SCOPE_CHAINS = f"""
SELECT array_agg(unit_id ORDER BY unit_id) || {DEPLOYMENT_CHAIN}::bigint FROM unit_scope
WHERE ancestor_id = $1
"""
ALL_CHAINS = "SELECT array_agg(chain ORDER BY chain) FROM event_heads"

# Each event checked against itself (its hash), its predecessor (the hash it carries)
# and its place (no gap): one scan with a window, no recursion.
CHECKED = """
WITH checked AS (
    SELECT chain, seq, id,
           hash = inventory_event_hash(prev_hash, chain, seq, at, actor_id, entity, entity_id,
                                       action, before, after) AS own_ok,
           prev_hash = coalesce(lag(hash) OVER w, $2) AS link_ok,
           seq = coalesce(lag(seq) OVER w, 0) + 1 AS place_ok
    FROM events WHERE chain = ANY($1::bigint[])
    WINDOW w AS (PARTITION BY chain ORDER BY seq)
)
SELECT (SELECT count(*) FROM checked) AS events,
       bad.chain, bad.seq, bad.id, bad.own_ok, bad.link_ok
FROM (SELECT 1) one
LEFT JOIN LATERAL (
    SELECT * FROM checked WHERE NOT (own_ok AND link_ok AND place_ok)
    ORDER BY chain, seq LIMIT 1
) bad ON true
"""
# A chain's head must name its last event: events cut off its end show here.
HEADS = """
SELECT h.chain, h.seq, h.hash, last.seq AS last_seq, last.hash AS last_hash
FROM event_heads h
LEFT JOIN LATERAL (
    SELECT seq, hash FROM events e WHERE e.chain = h.chain ORDER BY seq DESC LIMIT 1
) last ON true
WHERE h.chain = ANY($1::bigint[])
  AND (last.seq IS DISTINCT FROM h.seq OR last.hash IS DISTINCT FROM h.hash)
ORDER BY h.chain LIMIT 1
"""


def read(row: asyncpg.Record) -> EventRead:
    fields = {k: row[k] for k in EventRead.__struct_fields__}
    fields["prev_hash"], fields["hash"] = row["prev_hash"].hex(), row["hash"].hex()
    return EventRead(**fields)


async def of_entity(
    conn: asyncpg.Connection, entity: str, entity_id: int, listing: ListParams
) -> Page[EventRead]:
    """A record's events (the caller has checked they may read the record)."""
    query = ListQuery()
    query.add("e.entity = {} AND e.entity_id = {}", entity, entity_id)
    return await listing.page(conn, LIST, query, read)


async def in_scope_of(
    conn: asyncpg.Connection, scope_unit_id: int, listing: ListParams
) -> Page[EventRead]:
    """Events of the units in a scope and of the deployment's reference data."""
    query = ListQuery()
    query.add(
        f"(e.chain = {DEPLOYMENT_CHAIN} OR {in_scope('e.chain', '{}')})",
        scope_unit_id,
    )
    return await listing.page(conn, LIST, query, read)


async def scope_chains(conn: asyncpg.Connection, scope_unit_id: int) -> list[int]:
    return list(await conn.fetchval(SCOPE_CHAINS, scope_unit_id) or [DEPLOYMENT_CHAIN])


async def all_chains(conn: asyncpg.Connection) -> list[int]:
    return list(await conn.fetchval(ALL_CHAINS) or [])


async def verify(conn: asyncpg.Connection, chains: list[int]) -> Verification:
    """Walk the chains and name the first event (by chain, then place) that does not match."""
    row = await conn.fetchrow(CHECKED, chains, GENESIS)
    mismatch = None
    if row["chain"] is not None:
        problem = (
            "its hash does not match its content"
            if not row["own_ok"]
            else "it does not carry its predecessor's hash"
            if not row["link_ok"]
            else "an event before it is missing"
        )
        mismatch = Mismatch(row["chain"], row["seq"], row["id"], problem)
    else:
        head = await conn.fetchrow(HEADS, chains)
        if head is not None:
            mismatch = Mismatch(
                head["chain"], head["seq"], None, "the chain's last events are missing"
            )
    return Verification(
        ok=mismatch is None, chains=len(chains), events=row["events"], first_mismatch=mismatch
    )


HAS_HISTORY = """
SELECT EXISTS (SELECT 1 FROM events WHERE entity = $1 AND entity_id = $2 AND action <> 'create')
"""


async def has_history(conn: asyncpg.Connection, entity: str, entity_id: int) -> bool:
    """Has the record changed since it was created? Then it is registered for good: it
    is never deleted, and its holder changes only by a handover."""
    return bool(await conn.fetchval(HAS_HISTORY, entity, entity_id))


EVENT_PLACE = """
SELECT chain, seq, hash FROM events WHERE entity = $1 AND entity_id = $2 AND action = $3
ORDER BY id DESC LIMIT 1
"""


async def event_place(
    conn: asyncpg.Connection, entity: str, entity_id: int, action: str
) -> tuple[int, int, str] | None:
    """Where the latest `action` event of a record stands in its chain: (chain, seq, hash
    hex). The last event a transaction appends to a chain is that chain's head as it
    commits: printed on a document, it lets anyone who kept the paper see a rewritten
    chain later, and it stays the same however the chain grows after."""
    row = await conn.fetchrow(EVENT_PLACE, entity, entity_id, action)
    return (row["chain"], row["seq"], row["hash"].hex()) if row is not None else None


HEAD = "SELECT seq, hash FROM event_heads WHERE chain = $1"


async def head(conn: asyncpg.Connection, chain: int) -> tuple[int, str]:
    """A chain's head now: its last event's place and hash (hex), (0, "") while empty.
    Printed on documents, it lets anyone who kept the paper see a rewritten chain later."""
    row = await conn.fetchrow(HEAD, chain)
    return (row["seq"], row["hash"].hex()) if row is not None else (0, "")


HEADS_COUNT = """
SELECT count(*) AS chains, coalesce(sum(seq), 0)::bigint AS events FROM event_heads
WHERE chain = ANY($1::bigint[])
"""


async def heads_check(conn: asyncpg.Connection, chains: list[int]) -> tuple[int, int, bool]:
    """The cheap check, for a start page: how many chains and events, and whether each
    chain's head still names its last event (events cut off the end show). Only `verify`
    recomputes the hashes."""
    counted = await conn.fetchrow(HEADS_COUNT, chains)
    cut = await conn.fetchrow(HEADS, chains)
    return counted["chains"], counted["events"], cut is None
