"""The compliance page for auditors and leaders, `/compliance`: per receiving commune of my
scope, its handovers by status, open ones due and overdue, completed on time and late,
items and value by transfer status (the API's `GET /api/v1/handovers/compliance`,
called as its own function), and a table of the commune's handovers linking to each."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inventory.accounts.principal import Role
from inventory.accounts.scope import in_scope
from inventory.db.dependencies import Conn
from inventory.db.listing import MAX_LIMIT, ListQuery
from inventory.handovers import filters, queries
from inventory.handovers import routes as api
from inventory.handovers.routes import HANDOVERS
from inventory.handovers.schemas import HandoverRead, HandoverStatus, TransferStatus
from inventory.web.pages import login_redirect, page

READERS = (Role.ADMIN, Role.AUDITOR, Role.LEADER)
"""As the API's compliance route: not officers."""


async def _handovers(conn: Conn, unit_id: int) -> dict[int, list[HandoverRead]]:
    """Every handover to a unit of the scope, by receiving unit, soonest due first."""
    by_unit: dict[int, list[HandoverRead]] = {}
    cursor = None
    while True:
        query = ListQuery()
        query.add(in_scope("h.receiving_unit_id", "{}"), unit_id)
        choices = filters.HANDOVERS.choices(sort="due_date", limit=MAX_LIMIT, cursor=cursor)
        found = await choices.page(conn, queries.LIST, query, HANDOVERS.read)
        for h in found.items:
            by_unit.setdefault(h.receiving_unit_id, []).append(h)
        cursor = found.next_cursor
        if cursor is None:
            return by_unit


def _totals(units: list[Any]) -> dict[str, Any]:
    """The province's row: every commune's figures added up."""
    keys = ("handovers", "open_due", "open_overdue", "completed_on_time", "completed_late")
    total: dict[str, Any] = {k: sum(getattr(u, k) for u in units) for k in keys}
    total["by_status"] = {
        s.value: sum(u.by_status.get(s.value, 0) for u in units) for s in HandoverStatus
    }
    total["items"] = {
        s.value: {
            "items": sum(u.items_by_transfer_status[s.value].items for u in units),
            "remaining_value": sum(
                u.items_by_transfer_status[s.value].remaining_value for u in units
            ),
        }
        for s in TransferStatus
    }
    return total


@get("/compliance", include_in_schema=False)
async def compliance_page(
    request: Request, conn: Conn, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    if principal.role not in READERS:
        raise PermissionDeniedException(f"the {principal.role} role may not see compliance")
    summary = await api.compliance.fn(conn=conn, principal=principal)
    return page(
        request,
        "compliance.html",
        lang,
        units=summary.units,
        total=_totals(summary.units),
        handovers=await _handovers(conn, principal.unit_id),
        statuses=[s.value for s in HandoverStatus],
        transfer_statuses=[s.value for s in TransferStatus],
    )


router = Router(path="/", route_handlers=[compliance_page])
