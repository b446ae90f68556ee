"""The needs of a scope: the norms in force today, the per-unit counts, the arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import msgspec

from inventory.clock import VIETNAM
from inventory.needs import queries, rules
from inventory.needs.schemas import Overview, UnitBrief, UnitNeeds
from inventory.norms import queries as norms

_COUNTS = msgspec.json.Decoder(dict[str, int])
_ROOMS = msgspec.json.Decoder(dict[str, tuple[int, float]])


def norm_of(row: asyncpg.Record) -> rules.Norm:
    return rules.Norm(
        id=row["id"],
        code=row["code"],
        version=row["version"],
        kind=row["kind"],
        value=row["value"],
        position_groups=tuple(row["position_groups"]),
        item=row["item"],
        purpose=row["purpose"],
        basis=row["basis"],
        per=row["per"],
        max_price=row["max_price"],
    )


def _counts(row: asyncpg.Record) -> rules.Counts:
    rooms = _ROOMS.decode(row["rooms"])
    return rules.Counts(
        staff=_COUNTS.decode(row["staff"]),
        rooms={p: n for p, (n, _) in rooms.items()},
        room_area={p: area for p, (_, area) in rooms.items()},
        rooms_without_area=row["rooms_without_area"],
        held=_COUNTS.decode(row["held"]),
    )


async def needs_of(
    conn: asyncpg.Connection, scope_unit_id: int, unit_id: int | None = None
) -> list[UnitNeeds]:
    """Every commune of the scope (or the one asked for, if in the scope), by code."""
    today = datetime.now(UTC).astimezone(VIETNAM).date()
    in_force = rules.plan(norm_of(r) for r in await norms.in_force(conn, today))
    names = await queries.item_names(conn)
    return [
        rules.unit_needs(
            UnitBrief(row["id"], row["code"], row["name"], row["kind"]),
            row["staffing_set"],
            in_force,
            _counts(row),
            names,
        )
        for row in await queries.counts(conn, scope_unit_id, unit_id)
    ]


def overview(all_needs: list[UnitNeeds]) -> Overview:
    communes = rules.ranked(rules.summary(n) for n in all_needs)
    items = rules.item_totals(all_needs)
    return Overview(
        communes=communes,
        items=items,
        shortfall_m2=round(sum(c.shortfall_m2 for c in communes), 2),
        equipment_cost=sum(i.estimated_cost for i in items),
        norms=all_needs[0].norms if all_needs else [],
    )


async def scope_name(conn: asyncpg.Connection, unit_id: int) -> str:
    """The name of the caller's unit, which names the scope of a report."""
    return await queries.unit_name(conn, unit_id) or ""
