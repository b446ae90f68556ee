"""The needs pages for leaders (and everyone the needs API answers: auditors and admins
their scope, officers their own commune): `/needs`, the province overview with its charts
drawn on the server (pygal SVG, inline, each with its numbers in a table beside it), and
`/needs/units/{id}`, one commune's room shortfall and equipment gap with each figure's
norm and version. The files are the API's, for the session: `/needs.xlsx`, `/needs.pdf`,
`/needs/units/{id}/export.xlsx`. A commune outside the scope is the 404 page, as in the API."""

from __future__ import annotations

from litestar import Request, Response, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from inventory.db.dependencies import Conn
from inventory.needs import charts
from inventory.needs import routes as api
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
    drawn = charts.of_overview(overview, _titles(shown.context["t"]))
    shown.context["charts"] = [(chart, charts.svg(chart)) for chart in drawn]
    return shown


@get("/needs/units/{unit_id:int}", include_in_schema=False)
async def unit_needs_page(
    request: Request, conn: Conn, unit_id: FromPath[int], lang: FromQuery[str | None] = None
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
    return await api.needs_pdf.fn(conn=conn, principal=principal)


@get("/needs/units/{unit_id:int}/export.xlsx", include_in_schema=False)
async def unit_needs_xlsx_page(
    request: Request, conn: Conn, unit_id: FromPath[int]
) -> Stream | Redirect:
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
