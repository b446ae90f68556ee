"""The scan lane: look-ups by tag answered ahead of the router, exactly as the route would."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from litestar.testing import TestClient
from prometheus_client import REGISTRY

from inventory.accounts import tokens
from inventory.accounts.principal import Principal, Role
from inventory.app import create_app
from inventory.assets.fastpath import TEMPLATE, ScanLane
from inventory.db import pool as db_pool
from inventory.metrics import UNMATCHED
from inventory.settings import Settings
from tests.world import World

PATH = "/api/v1/assets"
BY_TAG = f"{PATH}/by-tag"


def _lane(client: TestClient) -> ScanLane:
    lane = client.app.asgi_handler.app.app  # Edge, RequestMetrics wrap the lane
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


def _same(fast: httpx.Response, routed: httpx.Response) -> None:
    assert (fast.status_code, fast.headers.multi_items(), fast.content) == (
        routed.status_code,
        routed.headers.multi_items(),
        routed.content,
    )


def _typed(tag: str) -> str:
    """A tag as a person might type it: lower case, 0/1/2 read as o/l/z."""
    return tag.lower().translate(str.maketrans("012", "olz"))


@pytest.mark.parametrize(
    "caller, tag, status",
    [
        ("officer_a", "ta-test", 200),  # its own unit's asset, typed in lower case
        ("leader_a", "TA-TEST", 200),
        ("auditor", "TA-TEST", 200),  # the province's scope holds the commune's asset
        ("leader", "TA-TEST", 200),
        ("admin", "TA-TEST", 200),
        ("officer_b", "TA-TEST", 404),  # another unit's asset is not found
        ("admin", "NO-SUCH-TAG", 404),
    ],
)
def test_the_lane_answers_byte_for_byte_as_the_route(
    world: World,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    passed: list[str],
    caller: str,
    tag: str,
    status: int,
) -> None:
    path = f"{BY_TAG}/{tag}"
    fast = getattr(world, caller).get(path)
    assert fast.status_code == status and passed == []
    routed = _by_the_route(client, monkeypatch, lambda: getattr(world, caller).get(path))
    assert passed == [path]
    _same(fast, routed)
    if status == 200:
        assert fast.json()["id"] == world.assets["A"]
        assert "content-encoding" not in fast.headers  # one asset fits a TCP segment as it is
    else:
        assert fast.headers["content-type"] == "application/problem+json"


def test_a_typed_tag_and_a_last_sighting_read_alike(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch, passed: list[str], sql
) -> None:
    asset = world.create(
        PATH, name="Máy chiếu", category_id=world.categories["MT"], holder_unit_id=world.units["A"]
    )
    sql(
        "UPDATE assets SET last_seen_at = now(), last_seen_room_id = room_id WHERE id = $1",
        asset["id"],
    )
    path = f"{BY_TAG}/{_typed(asset['tag'])}"
    passed.clear()
    fast = world.officer_a.get(path)
    assert fast.status_code == 200 and fast.json()["last_seen_at"] and passed == []
    _same(fast, _by_the_route(client, monkeypatch, lambda: world.officer_a.get(path)))


def _expired(settings: Settings, world: World) -> str:
    principal = Principal(
        user_id=world.users["admin"], login="admin", role=Role.ADMIN, unit_id=world.units["P"]
    )
    return tokens.issue(principal, settings.secret_key, -60)[0]


@pytest.mark.parametrize(
    "case, status",
    [
        ("no token", 401),
        ("forged token", 401),
        ("expired token", 401),
        ("another scheme", 401),
        ("another scheme first", 401),  # the first Authorization header is the one read
        ("a longer path", 404),
        ("a Host header the router refuses", 400),
    ],
)
def test_what_the_lane_does_not_answer_the_route_does(
    world: World, settings: Settings, client: TestClient, passed: list[str], case: str, status: int
) -> None:
    valid = ("authorization", f"Bearer {world.admin.token}")
    path = f"{BY_TAG}/TA-TEST"
    headers: list[tuple[str, str]] = {
        "no token": [],
        "forged token": [("authorization", "Bearer forged.token")],
        "expired token": [("authorization", f"Bearer {_expired(settings, world)}")],
        "another scheme": [("authorization", "Basic YWRtaW46eA==")],
        "another scheme first": [("authorization", "Basic YWRtaW46eA=="), valid],
        "a longer path": [valid],
        "a Host header the router refuses": [valid, ("host", "bad host")],
    }[case]
    if case == "a longer path":
        path += "/history"
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert passed == [path]


def test_an_answer_to_compress_is_left_to_the_route(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch, passed: list[str]
) -> None:
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
    path = f"{BY_TAG}/{asset['tag']}"
    passed.clear()
    response = world.officer_a.get(path)  # httpx accepts gzip unless told otherwise
    assert response.status_code == 200 and response.json()["id"] == asset["id"]
    assert response.headers["content-encoding"] == "gzip"
    assert passed == [path]

    # A client that does not ask for compression gets the lane's answer, as the route's.
    with TestClient(create_app(settings)) as plain:
        del plain.headers["accept-encoding"]
        seen = _spy(plain, monkeypatch)
        headers = {"Authorization": f"Bearer {world.officer_a.token}"}
        fast = plain.get(path, headers=headers)
        assert seen == []
        _same(fast, _by_the_route(plain, monkeypatch, lambda: plain.get(path, headers=headers)))
    assert len(fast.content) >= 1200 and "content-encoding" not in fast.headers


def test_a_root_path_is_read_as_the_router_reads_it(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(settings), root_path="/kiemke") as client:
        seen = _spy(client, monkeypatch)
        headers = {"Authorization": f"Bearer {world.officer_a.token}"}
        path = f"/kiemke{BY_TAG}/TA-TEST"
        fast = client.get(path, headers=headers)
        assert fast.status_code == 200 and seen == []
        _same(fast, _by_the_route(client, monkeypatch, lambda: client.get(path, headers=headers)))


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
    keys = [(TEMPLATE, "200"), (TEMPLATE, "404"), (TEMPLATE, "401"), (UNMATCHED, "404")]
    before = [_count(*key) for key in keys]
    assert world.officer_a.get(f"{BY_TAG}/TA-TEST").status_code == 200  # the lane
    assert world.officer_b.get(f"{BY_TAG}/TA-TEST").status_code == 404  # the lane
    assert client.get(f"{BY_TAG}/TA-TEST").status_code == 401  # the route, named by the router
    page = f"/no-such-page-{secrets.token_hex(3)}"
    assert client.get(page).status_code == 404
    after = [_count(*key) for key in keys]
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1, 1]
    assert passed == [f"{BY_TAG}/TA-TEST", page]


@contextmanager
def _app(settings: Settings, **changes: object) -> Iterator[TestClient]:
    with TestClient(create_app(dataclasses.replace(settings, **changes))) as client:
        yield client


def test_a_busy_pool_gets_the_routes_503_at_once_and_nothing_leaks(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_pool, "ACQUIRE_TIMEOUT", 0.05)
    headers = {"Authorization": f"Bearer {world.officer_a.token}"}
    with _app(settings, pool_min=1, pool_max=1) as client:
        pool = client.app.state.pool
        seen = _spy(client, monkeypatch)
        held = client.blocking_portal.call(pool.acquire)
        try:
            fast = client.get(f"{BY_TAG}/TA-TEST", headers=headers)
            routed = client.get(f"{PATH}/{world.assets['A']}", headers=headers)
        finally:
            client.blocking_portal.call(pool.release, held)
        # The one connection goes back after every answer: a leak would time out here.
        answers = [client.get(f"{BY_TAG}/{tag}", headers=headers).status_code for tag in "XYZ"]
        answers.append(client.get(f"{BY_TAG}/TA-TEST", headers=headers).status_code)
    assert answers == [404, 404, 404, 200]
    assert seen == [f"{PATH}/{world.assets['A']}"]  # the lane answered every scan itself
    _same_unavailable(fast, routed)


def test_a_database_outage_is_the_routes_503(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"Authorization": f"Bearer {world.officer_a.token}"}
    down = {"database_url": "postgresql://postgres@127.0.0.1:1/none", "pool_min": 0}
    with _app(settings, **down) as client:
        seen = _spy(client, monkeypatch)
        fast = client.get(f"{BY_TAG}/TA-TEST", headers=headers)
        routed = client.get(f"{PATH}/{world.assets['A']}", headers=headers)
    assert seen == [f"{PATH}/{world.assets['A']}"]
    _same_unavailable(fast, routed)


def _same_unavailable(fast: httpx.Response, routed: httpx.Response) -> None:
    """The lane's 503 and another route's: the same problem, the same headers."""
    assert fast.status_code == 503
    _same(fast, routed)
    assert fast.headers["content-type"] == "application/problem+json"
    assert fast.headers["retry-after"].isdigit()
