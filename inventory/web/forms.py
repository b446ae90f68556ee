"""The desktop create and edit forms of the register (units, sites, rooms, users), on the
asset form's pattern (`web.asset_edit`).

Each form is a `Spec`: its fields, and the API's own create and update steps (their role
and scope checks, their history), so a refusal is the API's refusal, shown beside its
field in the user's words. An edit form carries the version it was filled from, as the
API's If-Match does: a save over a version someone else changed since writes nothing,
and the form comes back with the current version and what this user had typed. A create
form carries its Idempotency-Key (`web.once`): sent twice, it makes one record.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.principal import Principal, Role
from inventory.api.records import Records
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.errors import Conflict, Invalid, PreconditionFailed
from inventory.web import once
from inventory.web.pages import login_redirect, page

_AT = re.compile(r"\$\.(\w+)")


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a form. `kind`: text, number, password, date, choice (of `options`,
    each named by the text `prefix + option`), yesno, or a record of the scope (unit,
    site: their `Spec.choices`)."""

    name: str
    label: str  # the text key of its name
    kind: str = "text"
    options: tuple[str, ...] = ()
    prefix: str = ""
    blank_is_none: bool = False  # an optional number, date or link: blank sends null
    blank_keeps: bool = False  # a new password: blank leaves it as it is
    on_create: bool = True
    on_edit: bool = True
    hint: str = ""  # the text key of a line under the field
    default: str = ""  # a new record's value (a unit field's: the user's own unit)

    def wanted(self, editing: bool) -> bool:
        return self.on_edit if editing else self.on_create


Create = Callable[[Request, asyncpg.Connection, Any], Awaitable[Response]]
Update = Callable[[asyncpg.Connection, Principal, int, int, Any], Awaitable[Response]]
Choices = Callable[[asyncpg.Connection, Principal], Awaitable[dict[str, list[Any]]]]


@dataclass(frozen=True, slots=True)
class Spec:
    """A record's forms: `/{plural}/new` and `/{plural}/{id}/edit`."""

    plural: str  # "units": the paths, the navigation's place
    records: Records[Any]
    fields: tuple[Field, ...]
    create_schema: type[msgspec.Struct]
    patch_schema: type[msgspec.Struct]
    create: Create
    update: Update
    roles: tuple[Role, ...]  # who may change these records, as the API's guard says
    constraints: dict[str, tuple[str, str]]  # the domain's CONSTRAINTS: a field per one
    choices: Choices
    saved: Callable[[Any], str]  # where a save goes, from the record as read
    title_new: str  # text keys
    title_edit: str
    default_field: str = "name"  # the field blamed for a refusal naming none

    def fields_of(self, editing: bool) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.wanted(editing))


def _given(spec: Spec, form: dict[str, str], editing: bool) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for f in spec.fields_of(editing):
        if f.name not in form:
            continue
        value = form[f.name].strip()
        if not value and f.blank_keeps:
            continue
        given[f.name] = None if not value and f.blank_is_none else value
    return given


def _values(spec: Spec, row: asyncpg.Record | None, principal: Principal) -> dict[str, str]:
    """The form's values of a row as stored, or a new record's defaults."""
    if row is None:
        own = str(principal.unit_id)
        return {
            f.name: f.default or (own if f.kind == "unit" and not f.blank_is_none else "")
            for f in spec.fields_of(False)
        }
    out: dict[str, str] = {}
    for f in spec.fields_of(True):
        value = None if f.blank_keeps else row[f.name]
        if isinstance(value, bool):
            out[f.name] = "true" if value else "false"
        else:
            out[f.name] = "" if value is None else str(value)
    return out


def _refused(spec: Spec, exc: Exception) -> tuple[str, int, str]:
    """The field at fault, the status and the text key of the refusal `exc`."""
    if isinstance(exc, msgspec.ValidationError):
        found = _AT.search(str(exc))
        return (found.group(1) if found else spec.default_field), 422, "dk_err_invalid"
    if isinstance(exc, Invalid | Conflict):
        field = str((exc.extra or {}).get("field", "")) or spec.default_field
        if isinstance(exc, Conflict):
            return field, 409, "fm_err_in_use"
        return field, 422, "fm_err_scope" if field.endswith("_id") else "dk_err_invalid"
    assert isinstance(exc, asyncpg.IntegrityConstraintViolationError)
    field = spec.constraints.get(exc.constraint_name or "", (spec.default_field, ""))[0]
    if isinstance(exc, asyncpg.UniqueViolationError):
        return field, 409, "fm_err_taken"
    return field, 422, "dk_err_invalid"


_REFUSALS = (msgspec.ValidationError, Invalid, Conflict, asyncpg.IntegrityConstraintViolationError)


def _done(url: str, done: str) -> str:
    """Where a save goes, with its notice."""
    return f"{url}{'&' if '?' in url else '?'}done={done}"


def _may_change(spec: Spec, principal: Principal) -> None:
    if principal.role not in spec.roles:
        raise PermissionDeniedException(f"the {principal.role} role does not change these")


async def _form(
    request: Request,
    conn: asyncpg.Connection,
    spec: Spec,
    row: asyncpg.Record | None,
    lang: str | None,
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    conflict: dict[str, str] | None = None,
    resent: bool = False,
) -> Template:
    editing = row is not None
    record = spec.records.read(row) if row is not None else None
    return page(
        request,
        "record_form.html",
        lang,
        status,
        desk_here=spec.plural,
        spec=spec,
        fields=spec.fields_of(editing),
        record=record,
        action=f"/{spec.plural}/{row['id']}/edit" if row is not None else f"/{spec.plural}/new",
        version=row["version"] if row is not None else None,
        key=None if editing else once.new_key(),
        values={**_values(spec, row, request.user), **(typed or {})},
        errors=errors or {},
        conflict=conflict,
        resent=resent,
        choices=await spec.choices(conn, request.user),
    )


def form_routes(spec: Spec) -> list[HTTPRouteHandler]:
    """The four routes of a record's forms: the new and edit forms, and what each posts."""
    new_path = f"/{spec.plural}/new"
    edit_path = f"/{spec.plural}/{{record_id:int}}/edit"

    @get(new_path, include_in_schema=False, name=f"{spec.plural}-new")
    async def new_form(
        request: Request, conn: Conn, lang: FromQuery[str | None] = None
    ) -> Template | Redirect:
        if request.user is None:
            return login_redirect(request)
        _may_change(spec, request.user)
        return await _form(request, conn, spec, None, lang)

    @post(new_path, include_in_schema=False, name=f"{spec.plural}-create")
    async def create(
        request: Request, conn: Conn, data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        if request.user is None:
            return login_redirect(request, new_path)
        _may_change(spec, request.user)
        typed = {k: v for k, v in data.items() if k in {f.name for f in spec.fields}}
        typed = {k: v for k, v in typed.items() if k != "password"}  # never drawn back
        try:
            async with conn.transaction():
                key = await once.claim(conn, request.user.user_id, new_path, data)
                body = msgspec.convert(_given(spec, data, False), spec.create_schema, strict=False)
                made = await spec.create(request, conn, body)
                location = _done(spec.saved(made.content), "created")
                await once.keep(conn, request.user.user_id, key, location)
        except once.SentBefore as sent:
            if sent.location is not None:
                return Redirect(sent.location, status_code=303)
            return await _form(
                request, conn, spec, None, None, status=409, typed=typed, resent=True
            )
        except _REFUSALS as refused:
            field, status, message = _refused(spec, refused)
            errors = {field: message}
            return await _form(
                request, conn, spec, None, None, status=status, typed=typed, errors=errors
            )
        return Redirect(location, status_code=303)

    async def _to_edit(
        request: Request, conn: asyncpg.Connection, record_id: int
    ) -> asyncpg.Record:
        row = await spec.records.get(conn, request.user, record_id)  # another unit's: 404
        _may_change(spec, request.user)
        return row

    @get(edit_path, include_in_schema=False, name=f"{spec.plural}-edit")
    async def edit_form(
        request: Request, conn: Conn, record_id: PathId, lang: FromQuery[str | None] = None
    ) -> Template | Redirect:
        if request.user is None:
            return login_redirect(request)
        return await _form(request, conn, spec, await _to_edit(request, conn, record_id), lang)

    @post(edit_path, include_in_schema=False, name=f"{spec.plural}-save")
    async def save(
        request: Request, conn: Conn, record_id: PathId, data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        if request.user is None:
            return login_redirect(request, f"/{spec.plural}/{record_id}/edit")
        await _to_edit(request, conn, record_id)
        names = {f.name for f in spec.fields_of(True)}
        typed = {k: v for k, v in data.items() if k in names and k != "password"}
        version = int(data["version"]) if data.get("version", "").isdigit() else -1
        try:
            body = msgspec.convert(_given(spec, data, True), spec.patch_schema, strict=False)
            saved = await spec.update(conn, request.user, record_id, version, body)
        except PreconditionFailed:
            current = await spec.records.get(conn, request.user, record_id)
            now = _values(spec, current, request.user)
            mine = {k: v for k, v in typed.items() if v.strip() != now.get(k, "")}
            return await _form(request, conn, spec, current, None, status=409, conflict=mine)
        except _REFUSALS as refused:
            field, status, message = _refused(spec, refused)
            row = await spec.records.get(conn, request.user, record_id)
            errors = {field: message}
            return await _form(
                request, conn, spec, row, None, status=status, typed=typed, errors=errors
            )
        return Redirect(_done(spec.saved(saved.content), "saved"), status_code=303)

    return [new_form, create, edit_form, save]
