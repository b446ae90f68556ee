"""The needs pages for leaders (and everyone the needs API answers: auditors and admins
their scope, officers their own commune): `/needs`, the province overview with its charts
drawn on the server (pygal SVG, inline, each with its numbers in a table beside it), and
`/needs/units/{id}`, one commune's room shortfall and equipment gap with each figure's
norm and version. The overview adds the equipment requests of the scope by status and the
value they ask. The XLSX files are the API's, for the session (`/needs.xlsx`,
`/needs/units/{id}/export.xlsx`); `/needs.pdf` is the API's report with the requests' chart
too. A commune outside the scope is the 404 page, as in the API."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import anyio
import asyncpg
from litestar import Request, Response, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Stream, Template

from inventory.accounts.principal import Principal
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.needs import charts, pdf, report
from inventory.needs import routes as api
from inventory.needs.schemas import Overview
from inventory.requests import queries as requests
from inventory.requests.schemas import RequestStatus
from inventory.web.i18n import VI
from inventory.web.pages import login_redirect, page


def _titles(t: dict[str, str]) -> charts.Titles:
    return charts.Titles(
        t["nd_chart_m2"], t["nd_chart_pct"], t["nd_chart_item"], t["nd_chart_commune"],
        t["nd_millions"],
    )  # fmt: skip


@get("/needs", include_in_schema=False)
async def needs_page(
    request: Request, conn: Conn, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    overview = await api.province_needs.fn(conn=conn, principal=principal)
    shown = page(request, "needs.html", lang, overview=overview, top=charts.TOP)
    drawn = await _charts(conn, principal, overview, shown.context["t"])
    shown.context["charts"] = [(chart, charts.svg(chart)) for chart in drawn]
    return shown


async def _charts(
    conn: asyncpg.Connection, principal: Principal, overview: Overview, t: dict[str, str]
) -> list[charts.Chart]:
    """The overview's charts, then the equipment requests of the scope by status and the
    value they ask."""
    found = await requests.by_status(conn, principal.unit_id)
    totals = [(t[f"nd_rq_{s}"], *found.get(s, (0, 0))) for s in RequestStatus]
    asked = charts.requests_by_status(totals, t["nd_chart_requests"], t["nd_millions"])
    return [*charts.of_overview(overview, _titles(t)), asked]


@get("/needs/units/{unit_id:int}", include_in_schema=False)
async def unit_needs_page(
    request: Request, conn: Conn, unit_id: PathId, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    needs = await api.unit_needs.fn(conn=conn, principal=principal, unit_id=unit_id)
    return page(request, "needs_unit.html", lang, needs=needs)


@get("/needs.xlsx", include_in_schema=False)
async def needs_xlsx_page(request: Request, conn: Conn) -> Stream | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request, "/needs")
    return await api.needs_xlsx.fn(conn=conn, principal=principal)


@get("/needs.pdf", include_in_schema=False)
async def needs_pdf_page(request: Request, conn: Conn) -> Response | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request, "/needs")
    overview = await api.province_needs.fn(conn=conn, principal=principal)
    drawn = await _charts(conn, principal, overview, VI)
    scope = await report.scope_name(conn, principal.unit_id)
    made = functools.partial(pdf.overview_pdf, overview, drawn, scope, datetime.now(UTC))
    return Response(
        await anyio.to_thread.run_sync(made),
        media_type=api.PDF_MEDIA,
        headers={"Content-Disposition": 'attachment; filename="nhu-cau.pdf"'},
    )


@get("/needs/units/{unit_id:int}/export.xlsx", include_in_schema=False)
async def unit_needs_xlsx_page(request: Request, conn: Conn, unit_id: PathId) -> Stream | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request, f"/needs/units/{unit_id}")
    return await api.unit_needs_xlsx.fn(conn=conn, principal=principal, unit_id=unit_id)


router = Router(
    path="/",
    route_handlers=[
        needs_page,
        unit_needs_page,
        needs_xlsx_page,
        needs_pdf_page,
        unit_needs_xlsx_page,
    ],
)
