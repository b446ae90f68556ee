"""History payloads. Hashes travel as lower-case hex."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class EventRead(msgspec.Struct):
    """One recorded change. `chain` is the unit whose history it is part of (0: the
    deployment's), `seq` its place there; `hash` covers it and `prev_hash`, the hash of
    the event before it in its chain, so any edit shows when the chain is verified."""

    id: int
    chain: int
    seq: int
    at: datetime
    actor_id: int | None
    actor_login: str | None
    actor_name: str | None
    entity: str
    entity_id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str


class Mismatch(msgspec.Struct):
    """The first event (or chain head) that does not match what its chain says."""

    chain: int
    seq: int
    event_id: int | None
    problem: str


class Verification(msgspec.Struct):
    """What verifying a set of chains found: `ok` when every event matches."""

    ok: bool
    chains: int
    events: int
    first_mismatch: Mismatch | None
