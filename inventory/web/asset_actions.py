"""The actions on one asset from its phone page: move it to another room of its unit,
and report a problem (its condition now, a note, and a photo from the camera if taken).
Each is one write step, in history.

Both forms come back with what was typed and the message beside the field when the
server refuses; another unit's asset is the not-found page, as everywhere.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

import asyncpg
from litestar import Request, Router, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS
from inventory.assets.routes import ASSETS
from inventory.assets.writes import move, report
from inventory.db.dependencies import Conn
from inventory.errors import Invalid, NotFound, TooLarge, Unauthorized
from inventory.history.write import Write
from inventory.photos import rules, uploads
from inventory.rooms import queries as rooms
from inventory.sites.schemas import Condition
from inventory.web import once
from inventory.web.pages import page
from inventory.web.tags import asset_of

MAX_NOTE = 1000


def _form(
    request: Request,
    name: str,
    lang: str | None,
    asset: asyncpg.Record,
    status: int = 200,
    **context: Any,
) -> Template:
    return page(request, name, lang, status, asset=asset, **context)


@get(["/t/{tag:str}/move", "/T/{tag:str}/move"], include_in_schema=False)
async def move_form(
    request: Request, conn: Conn, tag: FromPath[str], lang: FromQuery[str | None] = None
) -> Template | Redirect:
    found = await asset_of(request, conn, tag, lang)
    if not isinstance(found, tuple):
        return found
    principal, asset = found
    if principal.role not in WRITERS:
        return _form(request, "tag_move.html", lang, asset, 403, error="claim_forbidden")
    return await _move_form(request, conn, lang, asset, 200, asset["room_id"], once.new_key())


async def _move_form(
    request: Request,
    conn: asyncpg.Connection,
    lang: str | None,
    asset: asyncpg.Record,
    status: int,
    chosen: int | None,
    key: str,
    **said: Any,
) -> Template:
    """The move form: the rooms of the asset's unit, `chosen` picked, under its `key`."""
    choices = await rooms.of_unit(conn, asset["holder_unit_id"])
    return _form(
        request, "tag_move.html", lang, asset, status, rooms=choices, chosen=chosen, key=key, **said
    )


@post(["/t/{tag:str}/move", "/T/{tag:str}/move"], include_in_schema=False)
async def move_page(
    request: Request, conn: Conn, tag: FromPath[str], data: URLEncodedBody[dict[str, str]]
) -> Template | Redirect:
    found = await asset_of(request, conn, tag, None)
    if not isinstance(found, tuple):
        return found
    principal, asset = found
    if principal.role not in WRITERS:
        return _form(request, "tag_move.html", None, asset, 403, error="claim_forbidden")
    room = data.get("room_id", "")
    done = f"/t/{quote(asset['tag'])}?done=moved"

    async def again(status: int, **said: Any) -> Template:
        chosen = int(room) if room.isdigit() else None
        return await _move_form(
            request, conn, None, asset, status, chosen, data.get(once.FIELD, ""), **said
        )

    try:
        async with Write(conn, principal) as write:
            key = await once.claim_sent(conn, principal.user_id, f"/t/{asset['tag']}/move", data)
            before = await ASSETS.get(conn, principal, asset["id"], lock=True)
            await move(write, before, None, int(room) if room.isdigit() else None)
            await once.keep(conn, principal.user_id, key, done)
    except once.SentBefore as sent:  # a double tap, a reload: where the first went
        return (
            Redirect(sent.location, status_code=303)
            if sent.location
            else await again(409, resent=True)
        )
    except (Invalid, NotFound):
        return await again(422, error="move_invalid")
    except Unauthorized:
        return _form(request, "tag_move.html", None, asset, 403, error="claim_signed_out")
    return Redirect(done, status_code=303)


@get(["/t/{tag:str}/damage", "/T/{tag:str}/damage"], include_in_schema=False)
async def damage_form(
    request: Request, conn: Conn, tag: FromPath[str], lang: FromQuery[str | None] = None
) -> Template | Redirect:
    found = await asset_of(request, conn, tag, lang)
    if not isinstance(found, tuple):
        return found
    principal, asset = found
    status, error = (403, "claim_forbidden") if principal.role not in WRITERS else (200, None)
    return _form(
        request,
        "tag_damage.html",
        lang,
        asset,
        status,
        error=error,
        conditions=[c.value for c in Condition],
        max_photo=rules.MAX_UPLOAD,
        chosen=asset["condition"],
        note="",
        key=once.new_key(),
    )


@post(
    ["/t/{tag:str}/damage", "/T/{tag:str}/damage"],
    include_in_schema=False,
    request_max_body_size=uploads.MAX_BODY,
)
async def damage_page(request: Request, conn: Conn, tag: FromPath[str]) -> Template | Redirect:
    # The form, photo and all, was read (within MAX_BODY) by the CSRF check before this runs.
    form = await request.form()
    found = await asset_of(request, conn, tag, None)
    if not isinstance(found, tuple):
        return found
    principal, asset = found
    condition, note = _text(form, "condition"), _text(form, "note").strip()
    context: dict[str, Any] = {
        "conditions": [c.value for c in Condition],
        "max_photo": rules.MAX_UPLOAD,
        "chosen": condition,
        "note": note,
        "key": _text(form, once.FIELD),
    }

    def refused(status: int, **error: str) -> Template:
        return _form(request, "tag_damage.html", None, asset, status, **error, **context)

    if principal.role not in WRITERS:
        return refused(403, error="claim_forbidden")
    if condition not in {c.value for c in Condition}:
        return refused(422, field_error="condition")
    if len(note) > MAX_NOTE:
        return refused(422, field_error="note")
    try:
        upload = await uploads.photo_in(form)
        photo = await uploads.prepare(upload) if upload is not None else None
    except TooLarge:
        return refused(413, field_error="photo_size")
    except Invalid:
        return refused(422, field_error="photo")
    done = f"/t/{quote(asset['tag'])}?done=reported"
    # The photo's content stands for it: sent again, the same file comes in another part.
    sent = {
        "condition": condition,
        "note": note,
        "photo": hashlib.sha256(upload).hexdigest() if upload is not None else "",
        once.FIELD: _text(form, once.FIELD),
    }
    try:
        async with Write(conn, principal) as write:
            key = await once.claim_sent(conn, principal.user_id, f"/t/{asset['tag']}/damage", sent)
            before = await ASSETS.get(conn, principal, asset["id"], lock=True)
            await report(write, before, condition, note, photo)
            await once.keep(conn, principal.user_id, key, done)
    except once.SentBefore as first:  # a double tap, a reload: where the first went
        if first.location:
            return Redirect(first.location, status_code=303)
        return refused(409, resent="1")
    except Unauthorized:
        return refused(403, error="claim_signed_out")
    return Redirect(done, status_code=303)


def _text(form: FormMultiDict, name: str) -> str:
    """A text field of the form ("" if missing, or if a file was sent in its place)."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


router = Router(path="/", route_handlers=[move_form, move_page, damage_form, damage_page])
