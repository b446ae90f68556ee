"""Pure rules for stocktakes: their status workflow and what a scan batch may hold."""

from __future__ import annotations

from inventory.accounts.principal import Role
from inventory.workflow.machine import Machine, Transition

_RUNNERS = frozenset({Role.ADMIN, Role.OFFICER})

STATUS = Machine(
    "stocktake_status",
    states=("open", "closed", "cancelled"),
    initial="open",
    transitions=(
        Transition("close", ("open",), "closed", _RUNNERS),
        Transition("cancel", ("open",), "cancelled", _RUNNERS),
    ),
)
"""A stocktake is counted while open; closing computes its results, once."""

MAX_BATCH = 500
"""Scans per request: a phone sends what it queued offline in batches this size or less."""

MAX_TAG = 64
"""A scanned tag longer than this is not one of ours (a label's tag is about 10)."""
