"""Prometheus metrics at /metrics, for the addresses in INVENTORY_METRICS_ALLOW only."""

from __future__ import annotations

import ipaddress

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController


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
