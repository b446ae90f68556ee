"""A unit's yearly report of fixed assets increased and decreased (báo cáo tình hình tăng
giảm tài sản), replayed from the history of every asset the unit may have held.

The year is Vietnam's: from 1 January 00:00 (UTC+7) to the next. Each asset counts with
its quantity and original cost as known at the year's end, in the category it had then,
so every line adds up: opening + increases - decreases = closing. The year's wear and the
value remaining at its end are the registry's straight line, for what is on the books at
the end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

import asyncpg

from inventory.clock import VIETNAM
from inventory.collation import sort_key
from inventory.documents.words import word
from inventory.errors import NotFound
from inventory.ledger import queries, rules
from inventory.ledger.schemas import AssetChanges, ChangeLine, Figures

PHASES = ("opening", "registered", "received", "handed_over", "written_off", "closing")


class _Tally:
    def __init__(self) -> None:
        self.figures = {p: Figures() for p in PHASES}
        self.wear = 0
        self.remaining = 0

    def add(self, phase: str, quantity: int, cost: int) -> None:
        f = self.figures[phase]
        f.quantity += quantity
        f.original_cost += cost

    def merge(self, other: _Tally) -> None:
        for phase, f in other.figures.items():
            self.add(phase, f.quantity, f.original_cost)
        self.wear += other.wear
        self.remaining += other.remaining

    def line(self, group: str, category_id: int | None, name: str) -> ChangeLine:
        return ChangeLine(
            group=group,
            category_id=category_id,
            name=name,
            wear=self.wear,
            remaining=self.remaining,
            **self.figures,
        )

    def empty(self) -> bool:
        return not any(f.quantity or f.original_cost for f in self.figures.values())


def bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=VIETNAM), datetime(year + 1, 1, 1, tzinfo=VIETNAM)


def tally(
    unit_id: int,
    year: int,
    events: Iterable[asyncpg.Record],
    current: Iterable[asyncpg.Record],
    categories: dict[int, asyncpg.Record],
) -> dict[int, _Tally]:
    """Each category's figures of the year, from the events (by asset, in order)."""
    start, end = bounds(year)
    rows = {r["id"]: r for r in current}
    by_category: dict[int, _Tally] = defaultdict(_Tally)
    seen: set[int] = set()
    for asset_id, found in groupby(events, key=lambda e: e["asset_id"]):
        seen.add(asset_id)
        _count(unit_id, year, start, end, asset_id, list(found), rows, categories, by_category)
    for asset_id in rows.keys() - seen:  # held now, never recorded: since its row was made
        _count(unit_id, year, start, end, asset_id, [], rows, categories, by_category)
    return by_category


def _count(
    unit_id: int,
    year: int,
    start: datetime,
    end: datetime,
    asset_id: int,
    found: list[asyncpg.Record],
    rows: dict[int, asyncpg.Record],
    categories: dict[int, asyncpg.Record],
    by_category: dict[int, _Tally],
) -> None:
    row = rows.get(asset_id)
    current: dict[str, Any] | None = {k: row[k] for k in rules.FACTS} if row else None
    course = rules.course(
        unit_id,
        start,
        end,
        (rules.Event(e["at"], e["action"], e["before"], e["after"]) for e in found),
        current,
        row["created_at"] if row else None,
    )
    if not (course.opening or course.closing or course.moves):
        return
    facts = course.facts
    quantity, cost = facts.get("quantity") or 0, facts.get("original_cost") or 0
    category = categories.get(facts.get("category_id"))
    if category is None:
        return  # never on the books: an asset needs a category
    t = by_category[category["id"]]
    if course.opening:
        t.add("opening", quantity, cost)
    for move in course.moves:
        t.add(move, quantity, cost)
    if course.closing:
        t.add("closing", quantity, cost)
        rate = Decimal(category["wear_rate"])
        wear, remaining = rules.year_wear(cost, rate, facts.get("acquisition_year"), year)
        t.wear += wear
        t.remaining += cost if remaining is None else remaining


async def report(
    conn: asyncpg.Connection,
    unit_id: int,
    year: int,
    scope_unit_id: int,
    *,
    now: datetime | None = None,
) -> AssetChanges:
    """The report of a unit in the caller's scope (another: 404), by form 02 group and
    category (Vietnamese order), each group's subtotal after it, the total last."""
    unit = await queries.unit(conn, unit_id, scope_unit_id)
    if unit is None:
        raise NotFound(f"no unit {unit_id}")
    events, current, rows = await queries.book(conn, unit_id, bounds(year)[1])
    categories = {r["id"]: r for r in rows}
    by_category = tally(unit_id, year, events, current, categories)
    lines: list[ChangeLine] = []
    total = _Tally()
    for group in ("A", "B", "C", "D"):
        sub = _Tally()
        kept = sorted(
            (c for c in by_category if categories[c]["form_group"] == group),
            key=lambda c: (sort_key(categories[c]["name"]), c),
        )
        for c in kept:
            if by_category[c].empty():
                continue
            lines.append(by_category[c].line(group, c, categories[c]["name"]))
            sub.merge(by_category[c])
        if not sub.empty():
            lines.append(sub.line(group, None, f"Cộng {word('ho_group_', group)}"))
            total.merge(sub)
    lines.append(total.line("", None, "Tổng cộng"))
    return AssetChanges(
        unit_id=unit["id"],
        unit_code=unit["code"],
        unit_name=unit["name"],
        parent_name=unit["parent_name"],
        year=year,
        made_at=(now or datetime.now(UTC)).astimezone(VIETNAM),
        lines=lines,
    )
