"""The compliance page for auditors and leaders, `/compliance`: per receiving commune of my
scope, its handovers by status, open ones due and overdue, completed on time and late,
flagged, items and value by transfer status, the former units' merger coverage (the
report the API's `GET /api/v1/handovers/compliance` answers, `compliance.report`), and a
table of the commune's handovers linking to each. `/compliance.xlsx` is the API's export
for the session."""

from __future__ import annotations

from litestar import Request, Response, Router, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.compliance import report
from inventory.compliance import routes as api
from inventory.db.dependencies import Conn
from inventory.db.listing import MAX_LIMIT, ListQuery
from inventory.handovers import filters, queries
from inventory.handovers.routes import HANDOVERS
from inventory.handovers.schemas import HandoverRead, HandoverStatus, TransferStatus
from inventory.web.pages import login_redirect, page


def _require(principal: Principal) -> None:
    """As the API's compliance routes: not officers."""
    if principal.role not in api.COMPLIANCE_READERS:
        raise PermissionDeniedException(f"the {principal.role} role may not see compliance")


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


@get("/compliance", include_in_schema=False)
async def compliance_page(
    request: Request, conn: Conn, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    _require(principal)
    summary = await report.build(conn, principal.unit_id)
    return page(
        request,
        "compliance.html",
        lang,
        units=summary.units,
        total=summary.province,
        coverage=summary.coverage,
        handovers=await _handovers(conn, principal.unit_id),
        statuses=[s.value for s in HandoverStatus],
        transfer_statuses=[s.value for s in TransferStatus],
    )


@get("/compliance.xlsx", include_in_schema=False)
async def compliance_xlsx_page(request: Request, conn: Conn) -> Response | Redirect:
    """The API's workbook, for a signed-in auditor or leader's browser."""
    principal = request.user
    if principal is None:
        return login_redirect(request, "/compliance")
    _require(principal)
    return await api.compliance_xlsx.fn(conn=conn, principal=principal)


router = Router(path="/", route_handlers=[compliance_page, compliance_xlsx_page])
