"""Needs routes: leaders, auditors and admins read the needs of the communes in their scope,
officers their own unit's; another unit's answers 404."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import anyio
from litestar import Response, Router, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Stream

from inventory.accounts.guards import READERS, Me, allow
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.documents.xlsx import CSV_MEDIA, XLSX_MEDIA, csv_chunks, file_chunks, xlsx_file
from inventory.errors import NotFound
from inventory.needs import charts, export, pdf, report
from inventory.needs.schemas import Overview, UnitNeeds
from inventory.openapi import BEARER, errors

PDF_MEDIA = "application/pdf"


@get("/", guards=[allow(*READERS)], responses=errors())
async def province_needs(conn: Conn, principal: Me) -> Overview:
    """Every commune of your scope ranked by room shortfall (m², then %), and the
    equipment gap's estimated cost by item and by commune."""
    return report.overview(await report.needs_of(conn, principal.unit_id))


@get("/units/{unit_id:int}", guards=[allow(*READERS)], responses=errors(404))
async def unit_needs(conn: Conn, principal: Me, unit_id: PathId) -> UnitNeeds:
    """One commune's room shortfall and equipment gap, each figure with its norm and
    version."""
    found = await report.needs_of(conn, principal.unit_id, unit_id)
    if not found:
        raise NotFound(f"no commune {unit_id}")
    return found[0]


def _file(media_type: str, what: str) -> dict:
    return {
        **errors(),
        200: ResponseSpec(
            data_container=bytes,
            media_type=media_type,
            generate_examples=False,
            description=f"{what}, sent as an attachment",
        ),
    }


@get("/export.xlsx", guards=[allow(*READERS)], responses=_file(XLSX_MEDIA, "two sheets"))
async def needs_xlsx(conn: Conn, principal: Me) -> Stream:
    """The needs of your scope as XLSX: the communes ranked as `GET /needs` ranks them, and
    the equipment gap by item, Vietnamese headings, figures and money as numbers."""
    overview = report.overview(await report.needs_of(conn, principal.unit_id))
    file = await anyio.to_thread.run_sync(xlsx_file, export.sheets(overview))
    return Stream(
        file_chunks(file),
        media_type=XLSX_MEDIA,
        headers={"Content-Disposition": 'attachment; filename="nhu-cau.xlsx"'},
    )


@get("/export.csv", guards=[allow(*READERS)], responses=_file(CSV_MEDIA, "the communes"))
async def needs_csv(conn: Conn, principal: Me) -> Stream:
    """The communes of `GET /needs` as CSV, ranked the same, Vietnamese headings."""
    overview = report.overview(await report.needs_of(conn, principal.unit_id))
    return Stream(
        csv_chunks(export.COMMUNES, list(export.commune_rows(overview))),
        media_type=CSV_MEDIA,
        headers={"Content-Disposition": 'attachment; filename="nhu-cau.csv"'},
    )


@get(
    "/units/{unit_id:int}/export.xlsx",
    guards=[allow(*READERS)],
    responses={**_file(XLSX_MEDIA, "three sheets"), **errors(404)},
)
async def unit_needs_xlsx(conn: Conn, principal: Me, unit_id: PathId) -> Stream:
    """One commune's needs as XLSX: the area lines, the required rooms, and the equipment
    per item and per norm, each figure with its norm's code and version."""
    needs = await unit_needs.fn(conn=conn, principal=principal, unit_id=unit_id)
    file = await anyio.to_thread.run_sync(xlsx_file, export.unit_sheets(needs))
    name = f"nhu-cau-{needs.unit.code}.xlsx".encode("ascii", "replace").decode()
    return Stream(
        file_chunks(file),
        media_type=XLSX_MEDIA,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get("/report.pdf", guards=[allow(*READERS)], responses=_file(PDF_MEDIA, "an A4 report"))
async def needs_pdf(conn: Conn, principal: Me) -> Response[bytes]:
    """The needs of your scope as a PDF report: the overview page's charts (drawn as vector
    bars) each with its numbers in a table, then every commune ranked as `GET /needs`."""
    overview = report.overview(await report.needs_of(conn, principal.unit_id))
    scope = await report.scope_name(conn, principal.unit_id)
    made = functools.partial(
        pdf.overview_pdf, overview, charts.of_overview(overview), scope, datetime.now(UTC)
    )
    return Response(
        await anyio.to_thread.run_sync(made),
        media_type=PDF_MEDIA,
        headers={"Content-Disposition": 'attachment; filename="nhu-cau.pdf"'},
    )


router = Router(
    path="/api/v1/needs",
    route_handlers=[province_needs, unit_needs, needs_xlsx, needs_csv, unit_needs_xlsx, needs_pdf],
    tags=["needs"],
    security=BEARER,
)
