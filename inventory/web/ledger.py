"""The books' pages: the asset card as a PDF from the asset's page (`/assets/{id}/card.pdf`),
and `/reports/asset-changes`, a unit's yearly report of fixed assets increased and
decreased, with its PDF and XLSX (`.pdf`, `.xlsx` with the same unit and year). They answer
through the API's own handlers, so the numbers, the roles and the scope are the API's:
another unit's asset or unit is the not-found page."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, Router, get
from litestar.params import FromQuery, Parameter
from litestar.response import Redirect, Stream, Template

from inventory.clock import this_year
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.ledger import queries
from inventory.ledger import routes as api
from inventory.web.pages import login_redirect, page

Year = Annotated[int | None, Parameter(ge=1900, le=2100)]


@get("/assets/{asset_id:int}/card.pdf", include_in_schema=False)
async def asset_card_pdf_page(
    request: Request, conn: Conn, asset_id: PathId
) -> Response | Redirect:
    if request.user is None:
        return login_redirect(request, f"/assets/{asset_id}")
    return await api.asset_card_pdf.fn(conn=conn, principal=request.user, asset_id=asset_id)


@get("/reports/asset-changes", include_in_schema=False)
async def asset_changes_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    unit_id: FromQuery[int | None] = None,
    year: Year = None,
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    unit = unit_id or principal.unit_id
    year = year or this_year()
    report = await api.asset_changes.fn(conn=conn, principal=principal, unit_id=unit, year=year)
    return page(
        request,
        "asset_changes.html",
        lang,
        desk_here="reports",
        report=report,
        units=await queries.units_in_scope(conn, principal.unit_id),
        query=f"unit_id={unit}&year={year}",
        years=range(this_year(), this_year() - 10, -1),
    )


@get("/reports/asset-changes.pdf", include_in_schema=False)
async def asset_changes_pdf_page(
    request: Request, conn: Conn, unit_id: FromQuery[int | None] = None, year: Year = None
) -> Response | Redirect:
    if request.user is None:
        return login_redirect(request, "/reports/asset-changes")
    unit = unit_id or request.user.unit_id
    return await api.asset_changes_pdf.fn(
        conn=conn, principal=request.user, unit_id=unit, year=year
    )


@get("/reports/asset-changes.xlsx", include_in_schema=False)
async def asset_changes_xlsx_page(
    request: Request, conn: Conn, unit_id: FromQuery[int | None] = None, year: Year = None
) -> Stream | Redirect:
    if request.user is None:
        return login_redirect(request, "/reports/asset-changes")
    unit = unit_id or request.user.unit_id
    return await api.asset_changes_xlsx.fn(
        conn=conn, principal=request.user, unit_id=unit, year=year
    )


router = Router(
    path="/",
    route_handlers=[
        asset_card_pdf_page,
        asset_changes_page,
        asset_changes_pdf_page,
        asset_changes_xlsx_page,
    ],
)
