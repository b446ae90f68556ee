"""Prometheus metrics: every request counted and timed, served at /metrics to the addresses
in INVENTORY_METRICS_ALLOW only.

The counting is ours rather than Litestar's PrometheusMiddleware, which builds a Request,
a URL and four labelled children per request: about 50 µs, as much as the scan look-up's
SQL (bench/bench_api.py). This one keeps each labelled child once and, wrapped around the
whole app (`app.asgi_handler`), also counts what is answered ahead of the router.
"""

from __future__ import annotations

import ipaddress
import time

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter, Gauge, Histogram

LABELS = ("method", "path", "status_code")
REQUESTS = Counter("inventory_requests_total", "Requests answered", LABELS)
DURATION = Histogram(
    "inventory_request_duration_seconds", "Time to the last byte of the answer", LABELS
)
IN_PROGRESS = Gauge(
    "inventory_requests_in_progress",
    "Requests being answered",
    ("method",),
    multiprocess_mode="livesum",
)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"
"""The path label of requests no route took: labels take route templates, never raw paths,
so that a scan of made-up URLs cannot grow the series without bound."""


class RequestMetrics:
    """ASGI middleware counting and timing each HTTP request by method, route and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._in_progress = {method: IN_PROGRESS.labels(method) for method in (*_METHODS, "OTHER")}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        status = 500  # unless an answer starts

        async def counted_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        in_progress = self._in_progress[method]
        in_progress.inc()
        try:
            await self.app(scope, receive, counted_send)
        finally:
            in_progress.dec()
            # The router (or whatever answered) names the route it took.
            key = (method, scope.get("path_template") or UNMATCHED, status)
            children = self._children.get(key)
            if children is None:
                labels = (key[0], key[1], str(status))
                children = self._children[key] = (
                    REQUESTS.labels(*labels),
                    DURATION.labels(*labels),
                )
            children[0].inc()
            children[1].observe(time.perf_counter() - started)


async def allowed_scraper(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Answer others as if there were no such route, so its existence does not leak.

    Behind a trusted proxy the client is the forwarded address (see INVENTORY_TRUSTED_PROXIES).
    """
    client = connection.client
    try:
        address = ipaddress.ip_address(client.host) if client else None
    except ValueError:  # e.g. a unix socket peer
        address = None
    networks = connection.app.state.settings.metrics_allow
    if address is None or not any(address in network for network in networks):
        raise NotFoundException()


class MetricsController(PrometheusController):
    guards = (allowed_scraper,)
    include_in_schema = False
