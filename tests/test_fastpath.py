"""The scan lane: look-ups by tag answered ahead of the router, exactly as the route would."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable

import httpx
import pytest
from litestar.testing import TestClient
from prometheus_client import REGISTRY

from inventory.app import create_app
from inventory.assets.fastpath import TEMPLATE, ScanLane
from inventory.db import pool as db_pool
from inventory.metrics import UNMATCHED
from inventory.settings import Settings
from tests.world import World

PATH = "/api/v1/assets"


def _lane(client: TestClient) -> ScanLane:
    lane = client.app.asgi_handler.app  # RequestMetrics wraps the lane
    assert isinstance(lane, ScanLane)
    return lane


def _spy(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the lane passes on to the framework from now on."""
    lane = _lane(client)
    framework = lane.framework
    seen: list[str] = []

    async def counting(scope, receive, send) -> None:
        seen.append(scope["path"])
        await framework(scope, receive, send)

    monkeypatch.setattr(lane, "framework", counting)
    return seen


@pytest.fixture
def passed(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the lane passed on to the framework during the test."""
    return _spy(client, monkeypatch)


def _by_the_route(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, call: Callable[[], httpx.Response]
) -> httpx.Response:
    """The same request answered by the framework's route, the lane standing aside."""

    async def stand_aside(*_: object) -> bool:
        return False

    with monkeypatch.context() as patch:
        patch.setattr(_lane(client), "_answer", stand_aside)
        return call()


def test_the_lane_answers_a_scan_byte_for_byte_as_the_route(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch, passed: list[str]
) -> None:
    path = f"{PATH}/by-tag/ta-test"  # typed in lower case: normalised as the route does
    fast = world.officer_a.get(path)
    assert fast.status_code == 200 and passed == []
    routed = _by_the_route(client, monkeypatch, lambda: world.officer_a.get(path))
    assert passed == [path]
    assert fast.content == routed.content
    assert fast.headers.multi_items() == routed.headers.multi_items()
    assert fast.json()["id"] == world.assets["A"]
    assert "content-encoding" not in fast.headers  # one asset fits one TCP segment as it is


@pytest.mark.parametrize(
    "caller, tail, headers, status",
    [
        (None, "ta-test", {}, 401),
        (None, "ta-test", {"Authorization": "Bearer forged.token"}, 401),
        (None, "ta-test", {"Authorization": "Basic YWRtaW46eA=="}, 401),
        ("officer_b", "ta-test", {}, 404),  # unit A's asset
        ("admin", "NO-SUCH-TAG", {}, 404),
        ("admin", "ta-test/history", {}, 404),
    ],
)
def test_what_the_lane_does_not_answer_the_route_does(
    world: World,
    client: TestClient,
    passed: list[str],
    caller: str | None,
    tail: str,
    headers: dict[str, str],
    status: int,
) -> None:
    path = f"{PATH}/by-tag/{tail}"
    if caller is None:
        response = client.get(path, headers=headers)
    else:
        response = getattr(world, caller).get(path, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert passed == [path]


def test_an_answer_to_compress_is_left_to_the_route(world: World, passed: list[str]) -> None:
    asset = world.create(
        PATH,
        name="Bộ bàn ghế họp " + "Đ" * 180,
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
        model="M" * 100,
        serial="S" * 100,
        funding_source="Ngân sách " * 20,
        custodian="Nguyễn Thị " * 18,
    )
    path = f"{PATH}/by-tag/{asset['tag']}"
    passed.clear()
    response = world.officer_a.get(path)  # httpx accepts gzip unless told otherwise
    assert response.status_code == 200 and response.json()["id"] == asset["id"]
    assert response.headers["content-encoding"] == "gzip"
    assert passed == [path]


def test_lists_are_still_compressed(world: World) -> None:
    response = world.admin.get(PATH, params={"limit": 20})
    assert response.status_code == 200 and len(response.json()["items"]) >= 3
    assert response.headers["content-encoding"] == "gzip"


def _count(path: str, status: str) -> float:
    labels = {"method": "GET", "path": path, "status_code": status}
    return REGISTRY.get_sample_value("inventory_requests_total", labels) or 0.0


def test_requests_are_counted_by_route_whoever_answers(
    world: World, client: TestClient, passed: list[str]
) -> None:
    before = (_count(TEMPLATE, "200"), _count(TEMPLATE, "404"), _count(UNMATCHED, "404"))
    assert world.officer_a.get(f"{PATH}/by-tag/TA-TEST").status_code == 200  # the lane
    assert world.officer_b.get(f"{PATH}/by-tag/TA-TEST").status_code == 404  # the route
    assert client.get(f"/no-such-page-{secrets.token_hex(3)}").status_code == 404
    after = (_count(TEMPLATE, "200"), _count(TEMPLATE, "404"), _count(UNMATCHED, "404"))
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1]
    assert len(passed) == 2


def test_a_busy_pool_gets_the_routes_503_at_once(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_pool, "ACQUIRE_TIMEOUT", 0.05)
    small = dataclasses.replace(settings, pool_min=1, pool_max=1)
    headers = {"Authorization": f"Bearer {world.officer_a.token}"}
    with TestClient(create_app(small)) as client:
        pool = client.app.state.pool
        passed = _spy(client, monkeypatch)
        held = client.blocking_portal.call(pool.acquire)
        try:
            fast = client.get(f"{PATH}/by-tag/TA-TEST", headers=headers)
            routed = client.get(f"{PATH}/{world.assets['A']}", headers=headers)
        finally:
            client.blocking_portal.call(pool.release, held)
        assert client.get(f"{PATH}/by-tag/TA-TEST", headers=headers).status_code == 200
    assert fast.status_code == routed.status_code == 503
    assert passed == [f"{PATH}/{world.assets['A']}"]  # the lane answered the scan itself
    assert fast.json() == routed.json()
    assert fast.headers["retry-after"] == routed.headers["retry-after"]
    assert fast.headers["content-type"] == "application/problem+json"
