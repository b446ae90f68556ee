"""Pure rules for equipment requests: their status workflow, who acts on which side, what a
line's decision is, and when a line needs a justification."""

from __future__ import annotations

from collections.abc import Iterable

from inventory.accounts.principal import Role
from inventory.needs.schemas import UnitNeeds
from inventory.requests.schemas import Reallocation
from inventory.workflow.machine import Machine, Transition

COMMUNE = "commune"
PROVINCE = "province"
_DRAFTERS = frozenset({Role.ADMIN, Role.OFFICER})
_LEADERS = frozenset({Role.LEADER})
_COMMUNE = frozenset({COMMUNE})
_PROVINCE = frozenset({PROVINCE})
_APPROVED = ("approved", "partly_approved")

STATUS = Machine(
    "request_status",
    states=(
        "draft",
        "submitted",
        "endorsed",
        "under_review",
        "approved",
        "partly_approved",
        "rejected",
        "partly_fulfilled",
        "fulfilled",
    ),
    initial="draft",
    transitions=(
        Transition("submit", ("draft",), "submitted", _DRAFTERS),
        Transition("send_back", ("submitted",), "draft", _LEADERS, _COMMUNE),
        Transition("endorse", ("submitted",), "endorsed", _LEADERS, _COMMUNE),
        Transition("review", ("endorsed",), "under_review", _LEADERS, _PROVINCE),
        # The last line decided concludes the request, as its lines were decided.
        Transition("approve", ("under_review",), "approved", _LEADERS, _PROVINCE),
        Transition("partly_approve", ("under_review",), "partly_approved", _LEADERS, _PROVINCE),
        Transition("reject", ("under_review",), "rejected", _LEADERS, _PROVINCE),
        Transition("arrive", _APPROVED, "partly_fulfilled", _DRAFTERS),
        Transition("fulfil", (*_APPROVED, "partly_fulfilled"), "fulfilled", _DRAFTERS),
    ),
)
"""draft -> submitted (commune officer) -> endorsed (commune leader; or sent back to draft)
-> under_review (province leader) -> approved | partly_approved | rejected (its lines, each
decided by a province leader) -> partly_fulfilled -> fulfilled (the assets arrived)."""

DECIDE = "approve"
"""The transition whose roles and side a line's decision takes (under review, province)."""
ARRIVING = (*_APPROVED, "partly_fulfilled")
"""Statuses in which assets arrive for approved lines."""
MAX_LINES = 200
"""Lines per request."""


def side(caller_unit_id: int, request_unit_id: int) -> str:
    """The commune's own users act for it; users above it (the province) decide."""
    return COMMUNE if caller_unit_id == request_unit_id else PROVINCE


def flags(quantity: int, unit_price: int, gap: int, max_price: int | None) -> list[str]:
    """Why a line needs a justification: above the gap it closes, above the norm's price."""
    found = []
    if quantity > gap:
        found.append("above_gap")
    if max_price is not None and unit_price > max_price:
        found.append("above_max_price")
    return found


def decision(quantity: int, approved: int) -> str:
    if approved == quantity:
        return "approved"
    return "rejected" if approved == 0 else "partly_approved"


def conclusion(decisions: Iterable[str | None]) -> str | None:
    """The request's status once every line is decided (None while one is not)."""
    found = list(decisions)
    if not found or any(d is None for d in found):
        return None
    if all(d == "approved" for d in found):
        return "approved"
    if all(d == "rejected" for d in found):
        return "rejected"
    return "partly_approved"


def reallocations(communes: Iterable[UnitNeeds]) -> list[Reallocation]:
    """Per item, the largest surpluses matched to the largest gaps, greedily, until one side
    runs out; each pair once. A deployment serves one province, so every commune of a
    province-wide scope is in the same province."""
    givers: dict[str, list[tuple[UnitNeeds, int]]] = {}
    takers: dict[str, list[tuple[UnitNeeds, int, int]]] = {}
    names: dict[str, str] = {}
    for needs in communes:
        for gap in needs.equipment:
            names[gap.item] = gap.name
            if gap.surplus > 0:
                givers.setdefault(gap.item, []).append((needs, gap.surplus))
            if gap.gap > 0:
                per_piece = gap.estimated_cost // gap.gap
                takers.setdefault(gap.item, []).append((needs, gap.gap, per_piece))
    found = []
    for item in sorted(set(givers) & set(takers)):
        give = sorted(givers[item], key=lambda g: (-g[1], g[0].unit.code))
        take = sorted(takers[item], key=lambda t: (-t[1], t[0].unit.code))
        left_give = [surplus for _, surplus in give]
        left_take = [gap for _, gap, _ in take]
        i = j = 0
        while i < len(give) and j < len(take):
            if give[i][0].unit.id == take[j][0].unit.id:  # a commune never has both
                j += 1
                continue
            quantity = min(left_give[i], left_take[j])
            found.append(
                Reallocation(
                    item=item,
                    item_name=names[item],
                    from_unit=give[i][0].unit,
                    to_unit=take[j][0].unit,
                    quantity=quantity,
                    surplus=give[i][1],
                    gap=take[j][1],
                    estimated_saving=quantity * take[j][2],
                )
            )
            left_give[i] -= quantity
            left_take[j] -= quantity
            if left_give[i] == 0:
                i += 1
            if left_take[j] == 0:
                j += 1
    return found


def pick(assets: Iterable[tuple[int, int]], quantity: int) -> list[int]:
    """Assets (id, quantity) making up at most `quantity` pieces, in the order given; a
    counted lot larger than what is left stays."""
    chosen, left = [], quantity
    for asset_id, pieces in assets:
        if 0 < pieces <= left:
            chosen.append(asset_id)
            left -= pieces
    return chosen
