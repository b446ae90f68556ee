"""The hash chain of events: how one event's hash is made, the same as SQL's
`inventory_event_hash` (migration 0006), which checks every event as it is written.

An event's hash covers its chain, its place in the chain, when, who, what, the record
before and after, and its predecessor's hash, so changing, removing or reordering any
event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

GENESIS = hashlib.sha256(b"").digest()
"""The predecessor's hash of a chain's first event."""
DEPLOYMENT_CHAIN = 0
"""The chain of deployment-wide records (categories, norms, settings); others are units'."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def event_hash(
    prev_hash: bytes,
    chain: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    before: str | None,
    after: str | None,
) -> bytes:
    """SHA-256 of the predecessor's hash and the event as a JSON array; `before` and
    `after` are the JSON texts exactly as stored."""
    micros = (at - _EPOCH) // _MICROSECOND
    actor = "null" if actor_id is None else str(actor_id)
    payload = (
        f'[{chain},{seq},{micros},{actor},"{entity}",{entity_id},"{action}",'
        f"{before or 'null'},{after or 'null'}]"
    )
    return hashlib.sha256(prev_hash + payload.encode()).digest()
