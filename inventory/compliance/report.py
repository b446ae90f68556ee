"""The compliance report as data: what the API answers, the page shows and the XLSX
export writes, from one set of queries."""

from __future__ import annotations

import asyncpg

from inventory.compliance import queries
from inventory.compliance.schemas import Compliance, Coverage, UnitCompliance
from inventory.handovers.schemas import Tally, TransferStatus

_COUNTS = ("handovers", "open_due", "open_overdue", "completed_on_time", "completed_late")


def _tally(row: asyncpg.Record) -> Tally:
    return Tally(row["items"], row["quantity"], row["original_cost"], row["remaining_value"])


def _coverage(row: asyncpg.Record) -> Coverage:
    return Coverage(
        **{k: row[k] for k in Coverage.__struct_fields__ if k != "covered"},
        covered=row["sites"] == 0 and row["assets"] == 0,
    )


def _total(units: list[UnitCompliance], coverage: list[Coverage]) -> UnitCompliance:
    """The total row: each figure summed over the rows (a handover has one receiver), the
    coverage over every former unit of the scope."""
    by_status: dict[str, int] = {}
    items = {s.value: Tally() for s in TransferStatus}
    for u in units:
        for status, n in u.by_status.items():
            by_status[status] = by_status.get(status, 0) + n
        for status, t in u.items_by_transfer_status.items():
            total = items[status]
            items[status] = Tally(
                total.items + t.items,
                total.quantity + t.quantity,
                total.original_cost + t.original_cost,
                total.remaining_value + t.remaining_value,
            )
    return UnitCompliance(
        unit_id=None,
        unit_code="",
        unit_name="",
        by_status=by_status,
        items_by_transfer_status=items,
        flagged=sum(u.flagged for u in units),
        former_units=len(coverage),
        former_units_uncovered=sum(not c.covered for c in coverage),
        uncovered_sites=sum(c.sites for c in coverage),
        uncovered_assets=sum(c.assets for c in coverage),
        uncovered_original_cost=sum(c.original_cost for c in coverage),
        **{k: sum(getattr(u, k) for u in units) for k in _COUNTS},
    )


async def build(conn: asyncpg.Connection, scope_unit_id: int) -> Compliance:
    """The report of a scope; its total row is named for the scope's unit."""
    units, statuses, items = await queries.summary(conn, scope_unit_id)
    coverage = [_coverage(r) for r in await queries.coverage(conn, scope_unit_id)]
    by_status: dict[int, dict[str, int]] = {}
    for r in statuses:
        by_status.setdefault(r["unit_id"], {})[r["status"]] = r["n"]
    by_item: dict[int, dict[str, Tally]] = {}
    for r in items:
        by_item.setdefault(r["unit_id"], {})[r["transfer_status"]] = _tally(r)
    formers: dict[int, list[Coverage]] = {}
    for c in coverage:
        formers.setdefault(c.merged_into_id, []).append(c)
    rows = []
    for u in units:
        mine = formers.get(u["unit_id"], [])
        rows.append(
            UnitCompliance(
                unit_id=u["unit_id"],
                unit_code=u["unit_code"],
                unit_name=u["unit_name"],
                by_status=by_status.get(u["unit_id"], {}),
                flagged=u["flagged"],
                items_by_transfer_status={
                    s.value: by_item.get(u["unit_id"], {}).get(s.value, Tally())
                    for s in TransferStatus
                },
                former_units=len(mine),
                former_units_uncovered=sum(not c.covered for c in mine),
                uncovered_sites=sum(c.sites for c in mine),
                uncovered_assets=sum(c.assets for c in mine),
                uncovered_original_cost=sum(c.original_cost for c in mine),
                **{k: u[k] for k in _COUNTS},
            )
        )
    total = _total(rows, coverage)
    scope = await queries.unit(conn, scope_unit_id)
    total.unit_code, total.unit_name = scope["code"], scope["name"]
    return Compliance(units=rows, province=total, coverage=coverage)
