"""Pure rules for handovers: their status workflow, the sides of a caller, the deadline
and the hash of the minutes."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import msgspec

from inventory.accounts.principal import Role
from inventory.handovers.schemas import Summary, Tally, TransferStatus
from inventory.workflow.machine import Machine, Transition

GIVER = "giver"
RECEIVER = "receiver"
_OFFICERS = frozenset({Role.ADMIN, Role.OFFICER})
_GIVER = frozenset({GIVER})
_RECEIVER = frozenset({RECEIVER})
_SIGNED = ("signed_by_giver", "signed_by_receiver")

STATUS = Machine(
    "handover_status",
    states=(
        "draft",
        "submitted",
        "verifying",
        "signed_by_giver",
        "signed_by_receiver",
        "completed",
        "disputed",
        "cancelled",
    ),
    initial="draft",
    transitions=(
        Transition("submit", ("draft",), "submitted", _OFFICERS, _GIVER),
        Transition("cancel", ("draft", "disputed"), "cancelled", _OFFICERS, _GIVER),
        Transition("receive", ("submitted",), "verifying", _OFFICERS, _RECEIVER),
        # Any change after a signature voids the signatures.
        Transition("void", _SIGNED, "verifying", _OFFICERS),
        Transition("dispute", ("submitted", "verifying", *_SIGNED), "disputed", _OFFICERS),
        Transition("resume", ("disputed",), "verifying", _OFFICERS, _GIVER),
        Transition("giver_signs", ("verifying",), "signed_by_giver", _OFFICERS, _GIVER),
        Transition("giver_signs", ("signed_by_receiver",), "completed", _OFFICERS, _GIVER),
        Transition("receiver_signs", ("verifying",), "signed_by_receiver", _OFFICERS, _RECEIVER),
        Transition("receiver_signs", ("signed_by_giver",), "completed", _OFFICERS, _RECEIVER),
    ),
)
"""draft -> submitted (giver) -> verifying (the receiver records what arrived) -> signed by
one side -> completed (both signed); disputed by either side, resumed by the giver."""

OPEN = ("draft", "submitted", "verifying", "signed_by_giver", "signed_by_receiver", "disputed")
"""Statuses in which a handover holds its items: no other open handover may list them."""
GIVER_EDITS = ("draft", "disputed")
"""Statuses in which the giver may change the list."""
RECEIVING = ("submitted", "verifying", *_SIGNED)
"""Statuses in which the receiver records what arrived (after a signature: voids it)."""

MAX_BATCH = 500
"""Items or tags per receipt batch."""

DEADLINE_NORM = "handover.deadline_days"
"""The norms row giving the days between the decision and the handover's due date."""


def sides(giver_in_scope: bool, receiver_in_scope: bool) -> frozenset[str]:
    """The sides a caller takes: giver if the giving unit is in their scope, receiver if the
    receiving unit is (an admin of the province, or a commune over its former units: both)."""
    return frozenset(
        side for side, ok in ((GIVER, giver_in_scope), (RECEIVER, receiver_in_scope)) if ok
    )


def side_for(held: frozenset[str], transition_sides: frozenset[str] | None) -> str | None:
    """The side a caller acts as for a transition: the one it needs, if held."""
    if transition_sides is None:
        return next(iter(sorted(held)), None)
    for side in sorted(transition_sides):
        if side in held:
            return side
    return next(iter(sorted(held)), None)


def days_left(due: date, today: date) -> int:
    return (due - today).days


TERMS = (
    "id",
    "kind",
    "corrects_id",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "giving_unit_id",
    "receiving_unit_id",
    "place",
    "handover_date",
    "giver_parties",
    "receiver_parties",
    "witness",
    "notes",
    "documents_handed_over",
    "opinions",
)
"""What the minutes say of the handover itself (not its status or signatures): hashed."""


def minutes_hash(handover: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """SHA-256 (hex) of the minutes' content: canonical JSON (keys sorted, no spaces) of the
    handover's terms and its items in id order, as both sides sign them."""
    content = {"handover": handover, "items": sorted(items, key=lambda i: i["id"])}
    return hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest()


def tally(row: Any) -> Tally:
    return Tally(row["items"], row["quantity"], row["original_cost"], row["remaining_value"])


def summarize(rows: list[Any]) -> Summary:
    """The summary from `queries.summary`'s grouping sets: by form 02 group, by transfer
    status, and the total (the API's, and the minutes' subtotals and total row)."""
    total, by_group, by_status = Tally(), {}, {}
    for r in rows:
        if r["form_group"] is not None:
            by_group[r["form_group"]] = tally(r)
        elif r["transfer_status"] is not None:
            by_status[r["transfer_status"]] = tally(r)
        else:
            total = tally(r)
    return Summary(
        total=total,
        by_group={g: by_group.get(g, Tally()) for g in "ABCD"},
        by_transfer_status={s.value: by_status.get(s.value, Tally()) for s in TransferStatus},
    )
