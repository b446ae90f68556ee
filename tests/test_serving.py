"""Serving behind a reverse proxy: the client address it forwards, and who may read /metrics.

The app is wrapped in uvicorn's ProxyHeadersMiddleware exactly as `inventory serve`
wraps it. The test client connects from the address "testclient".
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from inventory import cli
from inventory.app import create_app
from inventory.metrics import UNMATCHED
from inventory.settings import Settings
from tests.world import World


@contextmanager
def behind_proxy(settings: Settings) -> Iterator[TestClient]:
    app = ProxyHeadersMiddleware(create_app(settings), trusted_hosts=settings.trusted_proxies)
    with TestClient(app) as client:  # type: ignore[arg-type]
        yield client


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def test_serve_trusts_the_configured_proxies(settings: Settings, monkeypatch) -> None:
    import socket

    import uvicorn

    configs: list[uvicorn.Config] = []

    class Recorded:
        started = True

        def __init__(self, config: uvicorn.Config) -> None:
            configs.append(config)

        def run(self, sockets: list[socket.socket]) -> None:
            pass

    monkeypatch.setattr(uvicorn, "Server", Recorded)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", "unused")
    monkeypatch.setenv("INVENTORY_SECRET_KEY", "unused")
    with socket.socket() as sock:
        cli._serve(dataclasses.replace(settings, trusted_proxies="10.0.0.0/8"), "unused", sock)
    assert configs[0].proxy_headers and configs[0].forwarded_allow_ips == "10.0.0.0/8"


def test_the_sign_in_throttle_counts_each_forwarded_client(settings: Settings, sql) -> None:
    """Behind a proxy, failures count per real client: one guessing many logins is
    stopped, another client behind the same proxy is not."""
    strict = dataclasses.replace(settings, sign_in_failures=2, trusted_proxies="testclient")
    sql("DELETE FROM sign_in_failures")
    try:
        with behind_proxy(strict) as client:
            answers = [
                client.post(
                    "/api/v1/auth/token",
                    json={"login": f"guess{n}", "password": "wrong"},
                    headers=_from("198.51.100.7"),
                ).status_code
                for n in range(21)  # 2 per login, 20 per address
            ]
            assert answers == [401] * 20 + [429]
            other = client.post(
                "/api/v1/auth/token",
                json={"login": "guess0b", "password": "wrong"},
                headers=_from("198.51.100.8"),
            )
            assert other.status_code == 401
    finally:
        sql("DELETE FROM sign_in_failures")


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(settings: Settings) -> None:
    with behind_proxy(settings) as client:  # trusts 127.0.0.1 only, not "testclient"
        assert client.get("/metrics", headers=_from("127.0.0.1")).status_code == 404


def test_metrics_only_for_allowed_addresses(settings: Settings) -> None:
    proxied = dataclasses.replace(
        settings,
        trusted_proxies="testclient",
        metrics_allow=(ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.9.0.0/16")),
    )
    with behind_proxy(proxied) as client:
        for allowed in ("127.0.0.1", "10.9.3.4"):
            response = client.get("/metrics", headers=_from(allowed))
            assert response.status_code == 200 and "# TYPE" in response.text
        refused = client.get("/metrics", headers=_from("203.0.113.5"))
        unknown = client.get("/no-such-page", headers=_from("203.0.113.5"))
        assert refused.status_code == unknown.status_code == 404
        assert refused.text == unknown.text.replace("/no-such-page", "/metrics")
        schema = client.get("/schema/openapi.json", headers=_from("203.0.113.5")).json()
        assert "/metrics" not in schema["paths"]


def test_metrics_count_each_request_by_route_and_status(settings: Settings, world: World) -> None:
    proxied = dataclasses.replace(settings, trusted_proxies="testclient")
    with behind_proxy(proxied) as client:

        def counts() -> dict[tuple[str, str], float]:
            text = client.get("/metrics", headers=_from("127.0.0.1")).text
            return {
                (sample.labels["path"], sample.labels["status_code"]): sample.value
                for family in text_string_to_metric_families(text)
                for sample in family.samples
                if sample.name == "inventory_requests_total" and sample.labels["method"] == "GET"
            }

        before = counts()
        signed_in = {"Authorization": f"Bearer {world.admin.token}"}
        for path in ("/api/v1/units", "/api/v1/units", "/api/v1/units/0", "/no-such-page"):
            client.get(path, headers=signed_in)
        after = counts()
    grown = {key: after[key] - before.get(key, 0.0) for key in after}
    assert grown[("/api/v1/units", "200")] == 2
    assert grown[("/api/v1/units/{unit_id}", "404")] == 1  # the route's template, not the path
    assert grown[(UNMATCHED, "404")] == 1
    assert grown[("/metrics", "200")] == 1


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ["127.0.0.1/32", "::1/128"]),
        ("10.0.0.0/8, 192.0.2.1", ["10.0.0.0/8", "192.0.2.1/32"]),
    ],
)
def test_metrics_allow_setting(monkeypatch, value: str | None, expected: list[str]) -> None:
    if value is None:
        monkeypatch.delenv("INVENTORY_METRICS_ALLOW", raising=False)
    else:
        monkeypatch.setenv("INVENTORY_METRICS_ALLOW", value)
    assert [str(n) for n in Settings.from_env().metrics_allow] == expected
