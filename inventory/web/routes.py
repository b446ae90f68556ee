"""Pages: sign in and out, and the home page. The phone page for a tag is in `web.tags`."""

from __future__ import annotations

import time

from litestar import Request, Router, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts import throttle
from inventory.accounts.guards import SESSION_COOKIE, SESSION_KEY
from inventory.db.dependencies import Conn
from inventory.notifications import queries as notifications
from inventory.users import queries as users
from inventory.web import desk
from inventory.web.handovers import open_handovers
from inventory.web.i18n import remember, texts


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot redirect to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


async def _renew_session_id(request: Request) -> None:
    """Sign in under a new session id, so one planted in the browser beforehand (session
    fixation) stays anonymous. Litestar's server-side backend keeps the incoming cookie's id;
    with that cookie gone from the parsed cookies (which the session middleware shares through
    the scope) and the connection's id cleared, it generates a new one when it saves."""
    old_id = request.cookies.pop(SESSION_COOKIE, None)
    if old_id:
        await request.app.stores.get("sessions").delete(old_id)
    request.clear_session()


@get("/", include_in_schema=False)
async def home(
    request: Request,
    conn: Conn,
    lang: FromQuery[str | None] = None,
    verify: FromQuery[bool] = False,
) -> Template:
    """The start page: the person by name, scanning and typing a tag, the open handovers
    of the user's scope, and the brief of their role (`web.desk`; `?verify=1` recomputes
    the history chains for an auditor)."""
    principal = request.user
    person = await users.greeting(conn, principal.user_id) if principal else None
    unread = await notifications.unread(conn, principal) if principal else 0
    handovers = await open_handovers(conn, principal) if principal else []
    brief = await desk.start(conn, principal, verify=verify) if principal else {}
    return Template(
        "home.html",
        context={
            "t": texts(request, lang),
            "user": principal,
            "person": person,
            "unread": unread,
            "handovers": handovers,
            "desk_here": "home",
            **brief,
        },
        cookies=remember(lang),
    )


@get("/login", include_in_schema=False)
async def login_form(
    request: Request, next: FromQuery[str | None] = None, lang: FromQuery[str | None] = None
) -> Template:
    return Template(
        "login.html",
        context={"t": texts(request, lang), "next": _safe_next(next), "error": False},
        cookies=remember(lang),
    )


@post("/login", include_in_schema=False)
async def login(request: Request, data: URLEncodedBody[dict[str, str]]) -> Template | Redirect:
    # No `conn`: the route holds no connection while the password is checked.
    target = _safe_next(data.get("next"))
    address = request.client.host if request.client else None
    try:
        principal = await throttle.authenticate(
            request.app.state.pool,
            data.get("login", ""),
            data.get("password", ""),
            address,
            request.app.state.settings.sign_in_failures,
        )
    except throttle.TooManyAttempts as blocked:
        return Template(
            "login.html",
            status_code=429,
            headers=blocked.headers,
            context={"t": texts(request, None), "next": target, "error": "login_blocked"},
        )
    if principal is None:
        return Template(
            "login.html",
            status_code=401,
            context={"t": texts(request, None), "next": target, "error": "login_error"},
        )
    await _renew_session_id(request)
    request.set_session(
        {
            SESSION_KEY: {
                "user_id": principal.user_id,
                "login": principal.login,
                "role": principal.role.value,
                "unit_id": principal.unit_id,
                # The absolute end, checked on every read (`session_principal`): the
                # row's own expiry would move if the session were ever saved again.
                "exp": int(time.time()) + request.app.state.settings.session_ttl_seconds,
            }
        }
    )
    return Redirect(target, status_code=303)


@post("/logout", include_in_schema=False)
async def logout(request: Request) -> Redirect:
    request.clear_session()
    return Redirect("/login", status_code=303)


router = Router(path="/", route_handlers=[home, logout])
sign_in_router = Router(path="/", route_handlers=[login_form, login])
