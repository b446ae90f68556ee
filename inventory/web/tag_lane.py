"""The phone page a scan opens, answered ahead of the framework's router for its common case.

An officer scans a label and the camera opens `/t/{tag}`: the page of an asset of the
officer's scope. Through Litestar's pipeline (sessions, authentication, idempotency,
compression and CSRF middleware, routing, dependencies, the template response) that page
cost about five times the bare look-up (bench/bench_page.py). This lane answers it with the
route's own pieces: the session as the session middleware reads it (same store, same
expiry), the route's scoped query, its context (`tags.asset_context`) and the compiled
template, the CSRF token the CSRF middleware would put in the page, `no_store`'s header and
the compression the framework would apply. It reads; it never writes.

It answers only a GET of `/t/{tag}` or `/T/{tag}` with no query string, from a browser
carrying a session and a CSRF cookie, for a tag bound to an asset in the signed-in
user's scope. Everything else goes on to the route, which answers as before: no session
(the sign-in redirect), a first visit without a CSRF cookie (the middleware sets one), a
language switch, a blank, unknown, retired or another unit's tag, a room's code, a Host
header the router refuses, a database that is down or busy, any other failure.
`tests/test_tag_lane.py` holds its answers beside the route's.
"""

from __future__ import annotations

import gzip
import html
from typing import Any

from litestar import Litestar, Request
from litestar._asgi.utils import is_valid_host
from litestar._parsers import parse_cookie_string
from litestar.middleware.session.base import BaseSessionBackend
from litestar.types import ASGIApp, Receive, Scope, Send

from inventory.accounts.guards import SESSION_COOKIE, session_principal
from inventory.assets import queries as assets
from inventory.db.pool import connection
from inventory.db.store import PostgresStore
from inventory.tagcodes import normalize
from inventory.web import csrf
from inventory.web.i18n import LANG_COOKIE, LANGUAGES, language
from inventory.web.inline_texts import per_language
from inventory.web.tags import ASSET_PAGE, asset_context

PREFIXES = {"/t/": "/t/{tag}", "/T/": "/T/{tag}"}
"""The page's paths and the route template each is counted under in the request metrics."""
_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"content-type", b"text/html; charset=utf-8"),
]


class TagPageLane:
    """ASGI middleware answering a signed-in user's asset page as the route does, without it."""

    def __init__(self, app: Litestar, framework: ASGIApp) -> None:
        self.litestar = app
        self.framework = framework
        store = app.stores.get("sessions")
        assert isinstance(store, PostgresStore)
        self._sessions = store
        compression = app.compression_config
        self._compression = compression
        assert app.template_engine is not None
        # Compiled once per language, its fixed texts written in: the framework's engine
        # looks the file up (and stats it) per page, and looks up and escapes each text.
        self._templates = per_language(app.template_engine.engine, ASSET_PAGE, LANGUAGES)
        # Template.render merges the globals (a ChainMap) into a new dict on every page;
        # they are fixed once the app is built, so the lane merges a copy made here.
        self._globals = {lang: dict(t.globals) for lang, t in self._templates.items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = _page_path(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if path is None or not await self._answer(path, scope, receive, send):
            await self.framework(scope, receive, send)

    async def _answer(
        self, path: tuple[str, str], scope: Scope, receive: Receive, send: Send
    ) -> bool:
        """Answer and say True, or send nothing and say False."""
        template, tag = path
        host, cookie, accept = None, None, ""
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == b"cookie":
                cookie = value
            elif name == b"accept-encoding" and not accept:
                accept = value.decode("latin-1")
        if cookie is None or (host is not None and not is_valid_host(host)):
            return False
        cookies = parse_cookie_string(cookie.decode("latin-1"))
        session_id, csrf_token = cookies.get(SESSION_COOKIE), cookies.get(csrf.COOKIE)
        if not session_id or not csrf_token:
            return False
        pool = self.litestar.state.pool
        try:
            async with connection(pool) as conn:
                row = await assets.for_page_in_session(
                    conn, normalize(tag), self._sessions.namespace, session_id
                )
            if row is None:  # no such session, or it has expired
                return False
            principal = session_principal(BaseSessionBackend.deserialize_data(row["session"]))
            if principal is None:
                return False
            if row["id"] is None or row["scope_unit_id"] != principal.unit_id:
                return False  # no such asset in the scope (or the SQL read another unit)
            request: Request[Any, Any, Any] = Request(scope, receive, send)
            scope["user"] = principal
            texts = language(cookies.get(LANG_COOKIE))
            template = self._templates[texts["lang"]]
            values = {
                **self._globals[texts["lang"]],
                "t": texts,
                "user": principal,
                **asset_context(row, principal),
                "request": request,
                "csrf_input": '<input type="hidden" name="_csrf_token"'
                f' value="{html.escape(csrf.mask(csrf_token))}" />',
            }
            # What Template.render does, but for merging the globals.
            body = "".join(template.root_render_func(template.new_context(values, shared=True)))
            body = body.encode()
        except Exception:  # the route meets it again and answers as it does
            return False
        headers = list(_HEADERS)
        compression = self._compression
        if compression is not None and "gzip" in accept and len(body) >= compression.minimum_size:
            # One call, the framework's level: its streaming facade flushes twice per body.
            body = gzip.compress(body, compresslevel=compression.gzip_compress_level, mtime=0)
            headers += [
                (b"content-length", str(len(body)).encode()),
                (b"content-encoding", b"gzip"),
                (b"vary", b"Accept-Encoding"),
            ]
        else:
            headers.append((b"content-length", str(len(body)).encode()))
        scope["path_template"] = template
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True


def _page_path(scope: Scope) -> tuple[str, str] | None:
    """The route template and the tag of an asset page the router would read alike."""
    if scope.get("query_string"):
        return None
    path = scope["path"]
    if root_path := scope.get("root_path", ""):
        path = path.split(root_path, maxsplit=1)[-1]  # as Litestar's router strips it
    template = PREFIXES.get(path[:3])
    tag = path[3:]
    if template is None or not tag or "/" in tag:
        return None
    return template, tag
