"""The desktop edit form of an asset: `/assets/{id}/edit`, for those who change the
register (admins, officers) within their scope.

The form carries the version it was filled from, as the API's If-Match does, and saves
through the API's own `update` (the write step, its history), so a refusal is the API's
refusal: each shown beside its field in the user's words. A save over a version someone
else changed since is refused (nothing written) and the form comes back with the current
version and a note of what this user had typed.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Router, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS
from inventory.assets import queries
from inventory.assets.routes import ASSETS, update
from inventory.assets.schemas import AssetPatch, AssetStatus, Ownership
from inventory.categories import queries as categories
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.errors import Conflict, Invalid, PreconditionFailed
from inventory.sites.schemas import Condition
from inventory.web import readable
from inventory.web.pages import login_redirect, page

TEXT_FIELDS = ("name", "model", "serial", "unit_of_measure", "funding_source", "custodian")
NUMBER_FIELDS = ("category_id", "quantity", "original_cost")
OPTIONAL_NUMBERS = ("acquisition_year", "remaining_value")  # blank: none (derived value)
CHOICE_FIELDS = ("condition", "status", "ownership")
FIELDS = TEXT_FIELDS + NUMBER_FIELDS + OPTIONAL_NUMBERS + CHOICE_FIELDS
_AT = re.compile(r"\$\.(\w+)")
LABELS = {**readable.LABELS, "category_id": "category"}
"""The text key of each field's name (a conflict lists what the user had typed)."""
_MESSAGES = {"remaining_value": "dk_err_remaining", "status": "dk_err_status"}
"""The text key of a refusal by field; any other field's is `dk_err_invalid`."""


def _patch_of(form: dict[str, str]) -> AssetPatch:
    """The change a form asks for; msgspec.ValidationError naming the field if it is not one."""
    given: dict[str, Any] = {}
    for name in FIELDS:
        if name not in form:
            continue
        value = form[name].strip()
        if name in OPTIONAL_NUMBERS:
            given[name] = value or None
        else:
            given[name] = value
    return msgspec.convert(given, AssetPatch, strict=False)


def _values(row: asyncpg.Record) -> dict[str, str]:
    """The form's values of a row as stored (a derived remaining value stays blank)."""
    return {name: "" if row[name] is None else str(row[name]) for name in FIELDS}


async def _form(
    request: Request,
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    lang: str | None,
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    conflict: dict[str, str] | None = None,
) -> Template:
    return page(
        request,
        "asset_edit.html",
        lang,
        status,
        desk_here="assets",
        asset=ASSETS.read(row),
        version=row["version"],
        values={**_values(row), **(typed or {})},
        errors=errors or {},
        conflict=conflict,
        labels=LABELS,
        categories=await categories.choices(conn),
        statuses=[s.value for s in AssetStatus],
        conditions=[c.value for c in Condition],
        ownerships=[o.value for o in Ownership],
    )


async def _asset_to_edit(
    request: Request, conn: asyncpg.Connection, asset_id: int
) -> asyncpg.Record:
    """The asset in the caller's scope (404 otherwise), if the caller may change it (403)."""
    row = await ASSETS.get(conn, request.user, asset_id)
    if request.user.role not in WRITERS:
        raise PermissionDeniedException(f"the {request.user.role} role does not change assets")
    return row


@get("/assets/{asset_id:int}/edit", include_in_schema=False)
async def edit_form(
    request: Request, conn: Conn, asset_id: PathId, lang: FromQuery[str | None] = None
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request)
    return await _form(request, conn, await _asset_to_edit(request, conn, asset_id), lang)


@post("/assets/{asset_id:int}/edit", include_in_schema=False)
async def save(
    request: Request, conn: Conn, asset_id: PathId, data: URLEncodedBody[dict[str, str]]
) -> Template | Redirect:
    if request.user is None:
        return login_redirect(request, f"/assets/{asset_id}/edit")
    await _asset_to_edit(request, conn, asset_id)
    typed = {k: v for k, v in data.items() if k in FIELDS}
    version = int(data["version"]) if data.get("version", "").isdigit() else -1
    try:
        await update(conn, request.user, asset_id, version, _patch_of(data))
    except msgspec.ValidationError as refused:
        found = _AT.search(str(refused))
        field, status = (found.group(1) if found else "name"), 422
    except PreconditionFailed:
        current = await ASSETS.get(conn, request.user, asset_id)
        now = _values(current)
        mine = {k: v for k, v in typed.items() if v.strip() != now.get(k, "")}
        return await _form(request, conn, current, None, status=409, conflict=mine)
    except (Invalid, Conflict) as refused:
        field = str((refused.extra or {}).get("field", "")) or "name"
        status = 409 if isinstance(refused, Conflict) else 422
    except asyncpg.IntegrityConstraintViolationError as refused:
        constraint = refused.constraint_name or ""
        field = queries.CONSTRAINTS.get(constraint, ("name", ""))[0]
        if constraint == "assets_remaining_value_cost_check":
            field = "remaining_value"
        status = 422
    else:
        return Redirect(f"/assets/{asset_id}?done=saved", status_code=303)
    row = await ASSETS.get(conn, request.user, asset_id)
    errors = {field: _MESSAGES.get(field, "dk_err_invalid")}
    return await _form(request, conn, row, None, status=status, typed=typed, errors=errors)


router = Router(path="/", route_handlers=[edit_form, save])
