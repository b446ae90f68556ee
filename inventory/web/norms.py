"""The norms page, `/norms`: every norm with its figure, legal source, confidence, validity
and version, for everyone signed in; an admin changes one with the form under it, which
posts the version it was shown, so a change made meanwhile by someone else is not
overwritten (412 through the norms domain's write path: the page shows the current values
and says so). Each change is in the deployment's history, as through the API."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from litestar import Request, Router, get, post
from litestar.params import FromQuery
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.response import Redirect, Template

from inventory.accounts.guards import deployment_admin
from inventory.accounts.principal import Role
from inventory.accounts.queries import at_top
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.norms import queries
from inventory.norms import routes as api
from inventory.norms.schemas import Confidence, NormPatch
from inventory.web.i18n import texts
from inventory.web.pages import login_redirect, page

FIELDS = ("value", "per", "max_price", "unit", "legal_source", "confidence")
CLEARABLE = ("max_price", "valid_from", "valid_to")  # empty in the form: no figure, no limit
NUMBERS = ("value", "per", "max_price")


async def _show(
    request: Request,
    conn: asyncpg.Connection,
    lang: str | None,
    *,
    status: int = 200,
    notice: dict[str, Any] | None = None,
) -> Template:
    return page(
        request,
        "norms.html",
        lang,
        status,
        norms=await queries.all_norms(conn),
        editable=request.user.role == Role.ADMIN and await at_top(conn, request.user.unit_id),
        confidences=[c.value for c in Confidence],
        notice=notice,
    )


@get("/norms", include_in_schema=False)
async def norms_page(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    saved: FromQuery[int | None] = None,
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    notice = None
    if saved is not None:
        row = await conn.fetchrow(queries.GET, saved)
        if row is not None:
            notice = {
                "norm_id": saved,
                "kind": "saved",
                "code": row["code"],
                "version": row["version"],
            }
    return await _show(request, conn, lang, notice=notice)


def _patch(form: dict[str, str]) -> NormPatch:
    """The form's fields as the API's PATCH body: a number typed with a comma as the
    decimal sign is read as Vietnamese write it; an empty optional field clears it."""
    given: dict[str, Any] = {}
    for name in (*FIELDS, "valid_from", "valid_to"):
        if name not in form:
            continue
        text = form[name].strip()
        if not text:
            if name in CLEARABLE:
                given[name] = None
            continue
        if name in NUMBERS:
            text = text.replace(" ", "").replace(",", ".")
        given[name] = text
    return msgspec.convert(given, NormPatch, strict=False)


@post("/norms/{norm_id:int}", include_in_schema=False, guards=[deployment_admin()])
async def change_norm_page(request: Request, conn: Conn, norm_id: PathId) -> Template | Redirect:
    form = {k: v for k, v in (await request.form()).items() if k != "_csrf_token"}
    version = form.get("version", "")
    try:
        data = _patch(form)
        expected = int(version) if version.isascii() and version.isdigit() else -1
        await api.change(conn, request.user, norm_id, expected, data)
    except msgspec.ValidationError as refused:
        field = str(refused).rsplit("$.", 1)[-1].rstrip("`")
        return await _refused(request, conn, norm_id, 422, "invalid", field)
    except asyncpg.CheckViolationError as refused:
        field = queries.CONSTRAINTS.get(refused.constraint_name or "", ("value",))[0]
        return await _refused(request, conn, norm_id, 422, "invalid", field)
    except ProblemDetailsException as refused:
        if refused.status_code != 412:
            raise
        return await _refused(request, conn, norm_id, 412, "conflict", "")
    return Redirect(f"/norms?saved={norm_id}#norm-{norm_id}", status_code=303)


async def _refused(
    request: Request, conn: asyncpg.Connection, norm_id: int, status: int, kind: str, field: str
) -> Template:
    row = await conn.fetchrow(queries.GET, norm_id)
    t = texts(request, None)
    message = (
        t["nm_conflict"].format(version=row["version"])
        if kind == "conflict"
        else t["nm_invalid"].format(field=t.get(f"nm_{field}", field))
    )
    notice = {"norm_id": norm_id, "kind": kind, "message": message}
    return await _show(request, conn, None, status=status, notice=notice)


router = Router(path="/", route_handlers=[norms_page, change_norm_page])
