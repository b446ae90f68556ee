"""The phone page a scan opens: `/t/{tag}`, and `/T/{tag}` as the upper-case QR spells it.

A bound tag shows its asset and the actions the user's role allows; a blank tag
of the user's unit, the claim form; anything else (unknown, another unit's,
mistyped) one not-found page that depends on nothing but the code typed.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import asyncpg
import msgspec
from litestar import Request, Router, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.guards import WRITERS
from inventory.accounts.principal import Principal
from inventory.assets import queries as assets
from inventory.assets.writes import ENTITY
from inventory.categories import queries as categories
from inventory.claims import binding
from inventory.claims import queries as claims
from inventory.claims.schemas import Claim, TagState
from inventory.db.dependencies import Conn
from inventory.db.listing import tsquery
from inventory.errors import Conflict, Invalid, NotFound, Unauthorized
from inventory.history import queries as history
from inventory.history.filters import OF_RECORD
from inventory.rooms import queries as rooms
from inventory.sites.schemas import Condition
from inventory.tagcodes import TagProblem, normalize, validate
from inventory.web import once, readable
from inventory.web.i18n import Fields, texts
from inventory.web.pages import login_redirect, page, when

UNTAGGED_SHOWN = 10
_MISSING_KIND = {
    TagProblem.TYPO: "typo",
    TagProblem.MALFORMED: "malformed",
    TagProblem.VALID: "not_found",
}
DONE = frozenset({"moved", "reported"})
"""What an action page reports back on the asset's page (`?done=`)."""
ASSET_PAGE = "tag_asset.html"
LATEST = OF_RECORD.choices(sort="-id", limit=100)
"""The phone shows the latest changes first."""


def asset_context(
    asset: asyncpg.Record, principal: Principal, *, claimed: bool = False, done: str | None = None
) -> dict[str, Any]:
    """What the asset's page shows besides the texts (the page lane renders it alike)."""
    return {
        "asset": Fields(asset),
        "can_write": principal.role in WRITERS,
        "claimed": claimed,
        "done": done if done in DONE else None,
        "seen_at": when(asset["last_seen_at"]),
        "seen_room": asset["seen_room_name"],
        "seen_by": asset["seen_by_name"],
    }


def missing(request: Request, code: str, lang: str | None) -> Template:
    """Unknown, another unit's, or mistyped: what it says depends on the code alone."""
    return page(
        request, "tag_missing.html", lang, 404, code=code, kind=_MISSING_KIND[validate(code)]
    )


async def _show(
    request: Request,
    conn: asyncpg.Connection,
    principal: Principal,
    code: str,
    lang: str | None,
    *,
    q: str | None = None,
    claimed: bool = False,
    done: str | None = None,
    error: str | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
    field_error: str | None = None,
) -> Template | Redirect:
    can_write = principal.role in WRITERS
    asset = await assets.for_page(conn, code, principal.unit_id)
    if asset is not None:
        return page(
            request, ASSET_PAGE, lang, **asset_context(asset, principal, claimed=claimed, done=done)
        )
    tag = await claims.lookup(conn, code, principal.unit_id)
    if tag is None:
        if await rooms.by_tag(conn, code, principal.unit_id) is not None:
            # A room's code typed in the tag box: the room's page.
            return Redirect(f"/r/{quote(code)}", status_code=303)
        return missing(request, code, lang)
    if tag["state"] == TagState.RETIRED:
        return page(request, "tag_missing.html", lang, 410, code=code, kind="retired")
    form: dict[str, Any] = {}
    if can_write:
        words = tsquery(q) if q else None
        form = {
            "untagged": await assets.untagged(conn, tag["unit_id"], words, UNTAGGED_SHOWN),
            "rooms": await rooms.of_unit(conn, tag["unit_id"]),
            "categories": await categories.choices(conn),
            "conditions": [c.value for c in Condition],
            # Refused, the form comes back under its key: the corrected one is the same claim.
            "key": (typed or {}).get(once.FIELD) or once.new_key(),
        }
    return page(
        request,
        "tag_blank.html",
        lang,
        status,
        tag=tag,
        code=code,
        q=q or "",
        can_write=can_write,
        error=error,
        typed=typed or {},
        field_error=field_error,
        **form,
    )


@get("/t", include_in_schema=False)
async def typed_tag(tag: FromQuery[str] = "") -> Redirect:
    """The start page's "type a tag" box: on to the tag's page."""
    code = normalize(tag)
    return Redirect(f"/t/{quote(code)}" if code else "/", status_code=303)


@get(["/t/{tag:str}", "/T/{tag:str}"], include_in_schema=False)
async def tag_page(
    request: Request,
    conn: Conn,
    tag: FromPath[str],
    lang: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    claimed: FromQuery[bool] = False,
    done: FromQuery[str | None] = None,
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    return await _show(
        request, conn, principal, normalize(tag), lang, q=q, claimed=claimed, done=done
    )


def _claim_from_form(data: dict[str, str]) -> Claim:
    """The claim a form asks for; msgspec.ValidationError if it is not one."""
    if data.get("action") == "bind":
        wanted: dict[str, Any] = {"asset_id": data.get("asset_id")}
    else:
        wanted = {
            "asset": {
                "name": data.get("name", "").strip(),
                "category_id": data.get("category_id"),
                "room_id": data.get("room_id") or None,
                "condition": data.get("condition") or Condition.GOOD.value,
            }
        }
    return msgspec.convert(wanted, Claim, strict=False)


@post(["/t/{tag:str}/claim", "/T/{tag:str}/claim"], include_in_schema=False)
async def claim_page(
    request: Request, conn: Conn, tag: FromPath[str], data: URLEncodedBody[dict[str, str]]
) -> Template | Redirect:
    principal = request.user
    code = normalize(tag)
    if principal is None:
        return login_redirect(request, f"/t/{code}")
    if principal.role not in WRITERS:
        return await _show(
            request, conn, principal, code, None, error="claim_forbidden", status=403
        )
    field, done = None, f"/t/{quote(code)}?claimed=1"
    try:
        async with conn.transaction():
            key = await once.claim_sent(conn, principal.user_id, f"/t/{code}/claim", data)
            await binding.claim(conn, principal, code, _claim_from_form(data))
            await once.keep(conn, principal.user_id, key, done)
    except once.SentBefore as sent:  # a double tap, a reload: where the first went
        if sent.location:
            return Redirect(sent.location, status_code=303)
        error, status = "fm_resent", 409
    except NotFound:
        return missing(request, code, None)
    except Unauthorized:  # disabled, or given another role or unit, since signing in
        error, status = "claim_signed_out", 403
    except (Conflict, asyncpg.UniqueViolationError):  # a claim that raced this one won
        error, status = "claim_conflict", 409
    except Invalid as refused:
        error, status = "claim_invalid", 422
        field = _form_field(str((refused.extra or {}).get("field", "")))
    except msgspec.ValidationError as refused:
        error, status = "claim_invalid", 422
        found = re.search(r"\$\.(?:asset\.)?(\w+)", str(refused))
        field = _form_field(found.group(1) if found else "")
    else:
        return Redirect(done, status_code=303)
    return await _show(
        request,
        conn,
        principal,
        code,
        None,
        error=error,
        status=status,
        typed={k: v for k, v in data.items() if k != "_csrf_token"},
        field_error=field,
    )


def _form_field(name: str) -> str | None:
    """The form's field a refusal names (`asset.room_id` -> `room_id`)."""
    name = name.removeprefix("asset.")
    return name if name in ("name", "category_id", "room_id", "condition", "asset_id") else None


async def asset_of(
    request: Request, conn: asyncpg.Connection, tag: str, lang: str | None
) -> tuple[Principal, asyncpg.Record] | Template | Redirect:
    """The caller and the asset a tag page names, or the page to answer instead: sign in
    first (and come back to the tag), or not found."""
    principal = request.user
    code = normalize(tag)
    if principal is None:
        back = request.url.path if request.method == "GET" else f"/t/{code}"
        return login_redirect(request, back)
    asset = await assets.by_tag(conn, code, principal.unit_id)
    if asset is None:
        return missing(request, code, lang)
    return principal, asset


@get(["/t/{tag:str}/history", "/T/{tag:str}/history"], include_in_schema=False)
async def tag_history(
    request: Request, conn: Conn, tag: FromPath[str], lang: FromQuery[str | None] = None
) -> Template | Redirect:
    found = await asset_of(request, conn, tag, lang)
    if not isinstance(found, tuple):
        return found
    _, asset = found
    page_of = await history.of_entity(conn, ENTITY, asset["id"], LATEST)
    events = readable.events(page_of.items, texts(request, lang))
    return page(request, "tag_history.html", lang, asset=asset, events=events)


router = Router(path="/", route_handlers=[typed_tag, tag_page, claim_page, tag_history])
