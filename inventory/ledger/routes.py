"""The books' routes: an asset's card (JSON and PDF) and a unit's yearly increases and
decreases (JSON, PDF, XLSX), for every role, in the caller's scope: another unit's asset
or unit answers 404."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Annotated

import anyio
from litestar import Response, Router, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from litestar.response import Stream

from inventory.accounts.guards import READERS, Me, allow
from inventory.clock import this_year
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.documents.xlsx import XLSX_MEDIA, file_chunks, xlsx_file
from inventory.ledger import card, card_pdf, changes, changes_files
from inventory.ledger.schemas import AssetCard, AssetChanges
from inventory.openapi import BEARER, errors

PDF_MEDIA = "application/pdf"
YearAsked = Annotated[
    int | None,
    Parameter(ge=1900, le=2100, description="the year (Vietnam's); this year if not given"),
]


def _file(media_type: str, what: str) -> dict:
    return {
        **errors(404),
        200: ResponseSpec(
            data_container=bytes,
            media_type=media_type,
            generate_examples=False,
            description=f"{what}, sent as an attachment",
        ),
    }


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@get("/assets/{asset_id:int}/card", guards=[allow(*READERS)], responses=errors(404))
async def asset_card(conn: Conn, principal: Me, asset_id: PathId) -> AssetCard:
    """The asset's card (thẻ tài sản cố định): its identity, original cost, the wear of
    each year to this one with the value remaining, and its changes from its history."""
    return await card.build(conn, asset_id, principal.unit_id)


@get("/assets/{asset_id:int}/card.pdf", guards=[allow(*READERS)], responses=_file(PDF_MEDIA, "A4"))
async def asset_card_pdf(conn: Conn, principal: Me, asset_id: PathId) -> Response[bytes]:
    """The asset's card as a printable A4 PDF: the same facts as `GET .../card`."""
    found = await card.build(conn, asset_id, principal.unit_id)
    made = functools.partial(card_pdf.card_pdf, found, datetime.now(UTC))
    return Response(
        await anyio.to_thread.run_sync(made),
        media_type=PDF_MEDIA,
        headers=_attachment(f"the-tai-san-{asset_id}.pdf"),
    )


@get("/units/{unit_id:int}/asset-changes", guards=[allow(*READERS)], responses=errors(404))
async def asset_changes(
    conn: Conn, principal: Me, unit_id: PathId, year: YearAsked = None
) -> AssetChanges:
    """The unit's fixed assets increased and decreased in a year: at its start, registered,
    received by handover, handed over, disposed of or written off, at its end, with the
    year's wear and the value remaining, by form 02 group and category."""
    return await changes.report(conn, unit_id, year or this_year(), principal.unit_id)


@get(
    "/units/{unit_id:int}/asset-changes.pdf",
    guards=[allow(*READERS)],
    responses=_file(PDF_MEDIA, "A4 landscape"),
)
async def asset_changes_pdf(
    conn: Conn, principal: Me, unit_id: PathId, year: YearAsked = None
) -> Response[bytes]:
    """The report of `GET .../asset-changes` as a PDF, with the same numbers."""
    found = await changes.report(conn, unit_id, year or this_year(), principal.unit_id)
    made = functools.partial(changes_files.changes_pdf, found, datetime.now(UTC))
    return Response(
        await anyio.to_thread.run_sync(made),
        media_type=PDF_MEDIA,
        headers=_attachment(changes_files.file_name(found, "pdf")),
    )


@get(
    "/units/{unit_id:int}/asset-changes.xlsx",
    guards=[allow(*READERS)],
    responses=_file(XLSX_MEDIA, "one sheet"),
)
async def asset_changes_xlsx(
    conn: Conn, principal: Me, unit_id: PathId, year: YearAsked = None
) -> Stream:
    """The report of `GET .../asset-changes` as XLSX: the same lines, numbers as numbers."""
    found = await changes.report(conn, unit_id, year or this_year(), principal.unit_id)
    file = await anyio.to_thread.run_sync(xlsx_file, changes_files.sheets(found))
    return Stream(
        file_chunks(file),
        media_type=XLSX_MEDIA,
        headers=_attachment(changes_files.file_name(found, "xlsx")),
    )


router = Router(
    path="/api/v1",
    route_handlers=[
        asset_card,
        asset_card_pdf,
        asset_changes,
        asset_changes_pdf,
        asset_changes_xlsx,
    ],
    tags=["books"],
    security=BEARER,
)
