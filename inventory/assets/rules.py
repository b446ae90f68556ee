"""Pure rules for assets: their status workflow, derived remaining value, and where an
asset stands."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from inventory.accounts.principal import Role
from inventory.errors import Invalid
from inventory.workflow.machine import Machine, Transition

_KEEPERS = frozenset({Role.ADMIN, Role.OFFICER})

STATUS = Machine(
    "asset_status",
    states=("in_use", "in_storage", "under_repair", "lost", "to_dispose", "disposed"),
    initial="in_use",
    transitions=(
        Transition("store", ("in_use",), "in_storage", _KEEPERS),
        Transition("use", ("in_storage", "under_repair", "lost", "to_dispose"), "in_use", _KEEPERS),
        Transition("repair", ("in_use", "in_storage"), "under_repair", _KEEPERS),
        Transition("lose", ("in_use", "in_storage", "under_repair"), "lost", _KEEPERS),
        Transition(
            "propose_disposal",
            ("in_use", "in_storage", "under_repair", "lost"),
            "to_dispose",
            _KEEPERS,
        ),
        # Disposal (thanh lý) follows a decision of the province: its admin records it.
        Transition("dispose", ("to_dispose",), "disposed", frozenset({Role.ADMIN})),
    ),
)
"""Disposal and loss are statuses: an asset is never deleted once registered."""


def derived_remaining_value(
    original_cost: int, wear_rate: Decimal, acquisition_year: int | None, current_year: int
) -> int | None:
    """Straight-line wear: max(0, cost - cost * rate * years used), to the whole VND.

    Years used count from the acquisition year (a future year counts as none);
    without an acquisition year there is nothing to derive from.
    """
    if acquisition_year is None:
        return None
    years_used = max(0, current_year - acquisition_year)
    cost = Decimal(original_cost)
    remaining = (cost - cost * wear_rate * years_used).quantize(Decimal(1), ROUND_HALF_UP)
    return max(0, int(remaining))


def effective_remaining_value(
    given: int | None,
    original_cost: int,
    wear_rate: Decimal,
    acquisition_year: int | None,
    current_year: int,
) -> tuple[int | None, bool]:
    """The remaining value to show, and whether it was given rather than derived."""
    if given is not None:
        return given, True
    return derived_remaining_value(original_cost, wear_rate, acquisition_year, current_year), False


def check_remaining_value(remaining_value: int | None, original_cost: int) -> None:
    """A remaining value given is at most what the asset cost."""
    if remaining_value is not None and remaining_value > original_cost:
        raise Invalid(
            f"the remaining value {remaining_value} exceeds the original cost {original_cost}",
            field="remaining_value",
        )


def placed_site(
    site_id: int | None, room_site_id: int | None, *, site_given: bool, room_given: bool
) -> int | None:
    """The site an asset stands in after a write.

    `room_site_id` is the site of the asset's room (None without a room). A room
    named without a site brings its site along; otherwise the site must be the room's.
    """
    if room_site_id is None:
        return site_id
    if room_given and not site_given:
        return room_site_id
    if site_id != room_site_id:
        raise Invalid(
            f"the room is in site {room_site_id}, not site {site_id}; name both, or the room alone",
            field="room_id" if room_given else "site_id",
        )
    return site_id
