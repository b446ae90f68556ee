"""The scan look-up, answered ahead of the framework's router.

`GET /api/v1/assets/by-tag/{tag}` is what an API client sends for every label it scans,
and it is one indexed query. Litestar's pipeline around it (routing, middleware, guards,
dependencies, building the response) costs several times that query (bench/bench_api.py),
so this lane answers it with the route's own pieces: the bearer token check, the tag's
normalisation, the scoped query, the asset's reader and ETag, and for a tag not in the
caller's scope or a database that is down or busy, the route's problem details. It sends
what the route sends, byte for byte (tests/test_fastpath.py holds the two side by side).

It leaves to the route (`routes.get_asset_by_tag`), which also carries the OpenAPI
description, whatever needs more of the framework: a request without a valid token of a
reading role (401 with its challenge), a Host header the router refuses, a path the lane
does not read as the router would, an answer large enough that the framework would
compress it for the client, and any other failure (which the route logs as a 500).

It sits inside the app (`app.asgi_handler`), so lifespan, `scope["app"]` and the request
metrics are as for any request. Of the middleware it goes around, sessions and CSRF
never apply to the API (bearer tokens only), and compression is left to the route.
"""

from __future__ import annotations

from litestar import Litestar, Request
from litestar._asgi.utils import is_valid_host
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.serialization import encode_json, get_serializer
from litestar.types import ASGIApp, Receive, Scope, Send

from inventory.accounts import tokens
from inventory.accounts.guards import READERS, bearer
from inventory.assets import queries
from inventory.assets.routes import ASSETS, untagged
from inventory.db.pool import connection
from inventory.errors import OUTAGES, unavailable
from inventory.tagcodes import normalize
from inventory.versioning import etag

PREFIX = "/api/v1/assets/by-tag/"
TEMPLATE = PREFIX + "{tag}"
"""The route's path template, as the router names it in `scope` for the request metrics."""
_READERS = frozenset(READERS)


class ScanLane:
    """ASGI middleware answering asset look-ups by tag as the route does, without it."""

    def __init__(self, app: Litestar, framework: ASGIApp) -> None:
        self.litestar = app
        self.framework = framework
        self._secret = app.state.settings.secret_key
        self._serializer = get_serializer(app.type_encoders)
        # Answers this size or larger are compressed by the framework for clients that ask.
        compression = app.compression_config
        self._compress_from = compression.minimum_size if compression else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tag = _tag(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if tag is None or not await self._answer(tag, scope, receive, send):
            await self.framework(scope, receive, send)

    async def _answer(self, tag: str, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer and say True, or send nothing and say False."""
        headers = scope["headers"]
        host = next((value for name, value in headers if name == b"host"), None)
        token = bearer(scope)
        principal = tokens.verify(token, self._secret) if token else None
        if (
            (host is not None and not is_valid_host(host))  # the router's 400
            or principal is None
            or principal.role not in _READERS
        ):
            return False
        scope["path_template"] = TEMPLATE
        pool = self.litestar.state.pool
        try:
            if not await self.litestar.state.standing.holds(pool, principal):
                return False  # the route refuses it as it refuses any such token
            async with connection(pool) as conn:
                row = await queries.by_tag(conn, normalize(tag), principal.unit_id)
            if row is None:
                await self._problem(untagged(tag), scope, receive, send)
                return True
            body = encode_json(ASSETS.read(row), self._serializer)
        except OUTAGES as exc:
            await self._problem(unavailable(exc), scope, receive, send)
            return True
        except Exception:  # the route meets it again, logs it and answers 500
            return False
        if (
            self._compress_from is not None
            and len(body) >= self._compress_from
            and any(name == b"accept-encoding" for name, _ in headers)
        ):
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

    @staticmethod
    async def _problem(
        problem: ProblemDetailsException, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Answer as the framework's problem-details handler answers `problem`."""
        request = Request(scope, receive, send)
        response = problem.to_response(request)
        await response.to_asgi_response(app=None, request=request)(scope, receive, send)


def _tag(scope: Scope) -> str | None:
    """The tag a by-tag look-up names, where the router would read the path alike."""
    path = scope["path"]
    if root_path := scope.get("root_path", ""):
        path = path.split(root_path, maxsplit=1)[-1]  # as Litestar's router strips it
    if not path.startswith(PREFIX):
        return None
    tag = path[len(PREFIX) :]
    return tag if tag and "/" not in tag else None
