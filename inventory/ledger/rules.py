"""Pure rules of the books: the wear of each year, and where a year's changes of a unit's
holdings fall (opening, increases, decreases, closing).

Wear is the registry's straight line (`assets.rules.derived_remaining_value`): none in the
year of acquisition, then the category's rate of the original cost each year until nothing
remains.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from inventory.assets.rules import derived_remaining_value

# Increases and decreases of a unit's holdings, in the report's column order.
REGISTERED = "registered"  # registered or imported into the unit (or corrected into it)
RECEIVED = "received"  # received by a completed handover
HANDED_OVER = "handed_over"  # given away by a completed handover
WRITTEN_OFF = "written_off"  # disposed of, or a record removed or corrected out of the unit
INCREASES = (REGISTERED, RECEIVED)
DECREASES = (HANDED_OVER, WRITTEN_OFF)
# The columns of an asset whose value at a moment the report needs, from the events.
FACTS = ("holder_unit_id", "status", "quantity", "original_cost", "category_id", "acquisition_year")
_NEW = frozenset({"create", "import"})


@dataclass(frozen=True, slots=True)
class WearYear:
    year: int
    wear: int
    accumulated: int
    remaining: int


def wear_schedule(
    original_cost: int, rate: Decimal, acquisition_year: int | None, until: int
) -> list[WearYear]:
    """Each year from the acquisition year to `until`: that year's wear, the wear so far and
    the value remaining at its end. Without an acquisition year there is nothing to derive."""
    if acquisition_year is None:
        return []
    rows, left = [], original_cost
    for year in range(acquisition_year, until + 1):
        now = derived_remaining_value(original_cost, rate, acquisition_year, year) or 0
        rows.append(WearYear(year, left - now, original_cost - now, now))
        left = now
    return rows


def year_wear(
    original_cost: int, rate: Decimal, acquisition_year: int | None, year: int
) -> tuple[int, int | None]:
    """The wear of `year` and the value remaining at its end (None: not derivable)."""
    end = derived_remaining_value(original_cost, rate, acquisition_year, year)
    if end is None:
        return 0, None
    start = derived_remaining_value(original_cost, rate, acquisition_year, year - 1)
    return (start or 0) - end, end


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded change of an asset: when, what, and its row before and after."""

    at: datetime
    action: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(slots=True)
class Course:
    """What one asset did in a unit's books in a year, and its facts at the year's end."""

    opening: bool = False
    closing: bool = False
    moves: list[str] = field(default_factory=list)  # REGISTERED ... in the year, in order
    facts: dict[str, Any] = field(default_factory=dict)


def course(
    unit_id: int,
    start: datetime,
    end: datetime,
    events: Iterable[Event],
    current: Mapping[str, Any] | None,
    created_at: datetime | None,
) -> Course:
    """Replay one asset's events (in order) against the unit's books for [start, end).

    An asset is on the unit's books while it exists, the unit holds it and it is not
    disposed of. Each time that changes within the year is one increase or decrease: a
    handover is the handover's, anything else a registration in or a write-off out. A row
    made without history (before the registry kept it) counts from its `created_at`, with
    the facts its first events had before them. The facts kept are the latest known by the
    year's end, so an asset's quantity and cost are the same in every column it is in.
    """
    events = list(events)
    result = Course()
    if (not events or events[0].action not in _NEW) and created_at is not None:
        facts = dict(current or {})  # a row without its creation in history
        for event in reversed(events):
            facts.update({k: v for k, v in (event.before or {}).items() if k in FACTS})
        events.insert(0, Event(created_at, "create", None, facts))
    exists = on = False
    for event in events:
        if event.at >= end:
            break
        if event.after is None:
            exists = False
        else:
            exists = True
            result.facts.update({k: v for k, v in event.after.items() if k in FACTS})
        facts = result.facts
        now = (
            exists and facts.get("holder_unit_id") == unit_id and facts.get("status") != "disposed"
        )
        if event.at < start:
            on = now
            continue
        if now != on:
            handover = event.action == "handover"
            if now:
                result.moves.append(RECEIVED if handover else REGISTERED)
            else:
                result.moves.append(HANDED_OVER if handover else WRITTEN_OFF)
            on = now
    # On the books at the start: before the year's first move, or as at its end.
    result.opening = result.moves[0] in DECREASES if result.moves else on
    result.closing = on
    return result
