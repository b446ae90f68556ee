"""The scan look-up's common case, answered ahead of the framework's router.

`GET /api/v1/assets/by-tag/{tag}` is what an API client sends for every label it scans,
and it is one indexed query. Litestar's pipeline around it (routing, middleware, guards,
dependencies, building the response) costs several times that query (bench/bench_api.py),
so this lane answers the case that needs none of it: a valid bearer token of a role that
may read assets, naming a tag held in the caller's scope. Everything else goes on to the
framework's route (`routes.get_asset_by_tag`), which owns the other answers and the
OpenAPI description: no or a bad token, an unknown tag or one outside the scope (the
route asks again and answers 404), a database error, and an answer large enough that
the client would get it compressed. What the lane sends is what the route sends, byte
for byte (tests/test_fastpath.py holds the two side by side); a pool that stays busy
gets the route's 503 from the lane itself, so that the caller does not wait twice.

It sits inside the app (`app.asgi_handler`), so lifespan, `scope["app"]` and the request
metrics are as for any request. Of the middleware it skips, only the authentication
concerns this route, and the lane authenticates with the same pieces.
"""

from __future__ import annotations

import msgspec
from litestar import Litestar, Request
from litestar.types import ASGIApp, Receive, Scope, Send

from inventory.accounts import tokens
from inventory.accounts.guards import READERS, bearer_token
from inventory.assets import queries
from inventory.assets.routes import ASSETS
from inventory.db.pool import acquire
from inventory.errors import unavailable
from inventory.tags.codes import normalize
from inventory.versioning import etag

PREFIX = "/api/v1/assets/by-tag/"
TEMPLATE = PREFIX + "{tag}"
"""The route's path template, as the router names it in `scope` for the request metrics."""
_READERS = frozenset(READERS)


class ScanLane:
    """ASGI middleware answering asset look-ups by tag that need nothing of the framework."""

    def __init__(self, app: Litestar, framework: ASGIApp) -> None:
        self.litestar = app
        self.framework = framework
        self._secret = app.state.settings.secret_key
        # Answers this size or larger are compressed by the framework for clients that ask.
        compression = app.compression_config
        self._compress_from = compression.minimum_size if compression else None
        self._encoder = msgspec.json.Encoder()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith(PREFIX)
            and await self._answer(scope, receive, send)
        ):
            await self.framework(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer and say True, or send nothing and say False."""
        tag = scope["path"][len(PREFIX) :]
        token = None
        encodings = False
        for name, value in scope["headers"]:
            if name == b"authorization":
                token = bearer_token(value)
            elif name == b"accept-encoding":
                encodings = True
        principal = tokens.verify(token, self._secret) if token else None
        if not tag or "/" in tag or principal is None or principal.role not in _READERS:
            return False
        scope["path_template"] = TEMPLATE  # the router names it again if the lane passes
        pool = self.litestar.state.pool
        try:
            conn = await acquire(pool)
        except TimeoutError as exc:
            request = Request(scope, receive, send)
            problem = unavailable(exc).to_response(request)
            await problem.to_asgi_response(app=None, request=request)(scope, receive, send)
            return True
        except Exception:  # the route tries again and answers the problem
            return False
        try:
            row = await queries.by_tag(conn, normalize(tag), principal.unit_id)
            if row is None:
                return False
            body = self._encoder.encode(ASSETS.read(row))
        except Exception:
            return False
        finally:
            await pool.release(conn)
        if encodings and self._compress_from is not None and len(body) >= self._compress_from:
            return False
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"etag", etag(row["version"]).encode()),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True
