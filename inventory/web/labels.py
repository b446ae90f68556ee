"""The label printing page: `/labels`, pick a selection of the scope's tagged assets (the
asset list's filters) and a stock, skip the positions already used on a started sheet, see
where the labels fall on the sheet, then download the file (`/labels/file`, the label API's
selection by session) or, for a run larger than the API prints at once, start the label job
(`POST /labels`) and follow it on its page."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.assets.schemas import AssetStatus
from inventory.categories import queries as categories
from inventory.db.dependencies import Conn
from inventory.errors import Conflict, Invalid
from inventory.printing import jobs
from inventory.printing.jobs import LabelJobCreate
from inventory.printing.render import DEFAULT_STOCK, MAX_LABELS, LabelFormat, options
from inventory.printing.routes import selection_file
from inventory.sites.schemas import Condition
from inventory.web import once
from inventory.web.pages import login_redirect, page
from labels import STOCKS, SheetStock


def _spec(given: dict[str, Any]) -> LabelJobCreate:
    """The selection and print options a form names (blank fields left out); 400 if not one."""
    fields = LabelJobCreate.__struct_fields__  # a page's own parameters (lang) are not these
    kept = {k: v for k, v in given.items() if k in fields and v not in (None, "")}
    try:
        return msgspec.convert(kept, LabelJobCreate, strict=False)
    except msgspec.ValidationError as exc:
        raise Invalid(str(exc)) from None


def _sheet(stock_name: str, skip: int, labels: int) -> dict[str, Any] | None:
    """The first sheet's positions: used (skipped), printed now, left free."""
    stock = STOCKS.get(stock_name)
    if not isinstance(stock, SheetStock):
        return None
    cells = stock.columns * stock.rows
    marks = ["used"] * min(skip, cells) + ["label"] * max(0, min(labels, cells - skip))
    marks += ["free"] * (cells - len(marks))
    return {"columns": stock.columns, "rows": stock.rows, "marks": marks}


@get("/labels", include_in_schema=False)
async def labels_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    category_id: FromQuery[int | None] = None,
    status: FromQuery[AssetStatus | None] = None,
    condition: FromQuery[Condition | None] = None,
    site_id: FromQuery[int | None] = None,
    room_id: FromQuery[int | None] = None,
    holder_unit_id: FromQuery[int | None] = None,
    stock: FromQuery[str] = DEFAULT_STOCK,
    skip: FromQuery[int] = 0,
    format: FromQuery[LabelFormat] = LabelFormat.PDF,
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    options(format, stock, skip)  # an unknown stock or a skip it cannot take: 422 page
    picked = {
        "q": q,
        "category_id": category_id,
        "status": status,
        "condition": condition,
        "site_id": site_id,
        "room_id": room_id,
        "holder_unit_id": holder_unit_id,
    }
    given = {k: v for k, v in picked.items() if v is not None}
    spec = _spec({**given, "stock": stock, "skip": skip, "format": format})
    labels = await jobs.count(conn, request.user.unit_id, spec)
    chosen = {k: (v.value if hasattr(v, "value") else v) for k, v in given.items()}
    return page(
        request,
        "labels.html",
        lang,
        desk_here="labels",
        given=chosen,
        stock=stock,
        skip=skip,
        format=format.value,
        labels=labels,
        at_once=MAX_LABELS,
        job_max=jobs.JOB_MAX_LABELS,
        key=once.new_key(),
        sheet=_sheet(stock, skip, labels),
        stocks=[(s.name, s.title) for s in STOCKS.values()],
        formats=[f.value for f in LabelFormat],
        categories=await categories.choices(conn),
        statuses=[s.value for s in AssetStatus],
        conditions=[c.value for c in Condition],
    )


@get("/labels/file", include_in_schema=False)
async def labels_file(request: Request, state: State) -> Response | Redirect:
    """The file of the selection, as `GET /api/v1/labels/assets` answers it."""
    if request.user is None:
        return login_redirect(request)
    spec = _spec(dict(request.query_params.items()))
    chosen = options(spec.format, spec.stock, spec.skip)
    return await selection_file(state, request.user, spec.selection(), chosen)


@post("/labels", include_in_schema=False)
async def labels_job(
    request: Request, conn: Conn, data: URLEncodedBody[dict[str, str]]
) -> Redirect:
    """A large run in the background, as `POST /api/v1/labels/jobs`: on to its page."""
    if request.user is None:
        return login_redirect(request, "/labels")
    spec = _spec({k: v for k, v in data.items() if k != "_csrf_token"})
    user = request.user.user_id
    try:
        async with conn.transaction():  # a double click queues one run
            key = await once.claim_sent(conn, user, "/labels", data)
            location = f"/jobs/{await jobs.start(request, conn, request.user, spec)}"
            await once.keep(conn, user, key, location)
    except once.SentBefore as sent:
        if sent.location is None:
            raise Conflict("this form was sent before for other labels: open it again") from None
        location = sent.location
    return Redirect(location, status_code=303)


router = Router(path="/", route_handlers=[labels_page, labels_file, labels_job])
