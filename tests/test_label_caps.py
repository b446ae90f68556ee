"""Label runs per account: INVENTORY_LABELS_PER_MINUTE labels rendered a minute, counted
in PostgreSQL so that requests sent together, to one worker or two, never pass it. Every
test signs in accounts of its own."""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.settings import Settings
from tests.world import PASSWORD, Caller, World

JOBS = "/api/v1/labels/jobs"
ONE = "/api/v1/labels/assets/{}"


def _account(world: World, client: TestClient, unit: str = "A") -> Caller:
    """A new officer of `unit`, signed in with a token on `client` (its id in `user_id`)."""
    login = f"labels.{secrets.token_hex(4)}"
    user = world.create(
        "/api/v1/users",
        login=login,
        password=PASSWORD,
        role="officer",
        unit_id=world.units[unit],
        full_name="Người In Tem",
    )
    answer = client.post("/api/v1/auth/token", json={"login": login, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    caller = Caller(client, answer.json()["access_token"])
    caller.user_id, caller.login = user["id"], login  # type: ignore[attr-defined]
    return caller


def _refused(answer: httpx.Response) -> str:
    """The detail of a 429 in problem details, with a Retry-After of a second or more."""
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) >= 1
    problem = answer.json()
    assert problem["status"] == 429 and problem["title"] == "Too many requests"
    return problem["detail"]


def _strict(settings: Settings, labels: int) -> Callable[[], TestClient]:
    """An app whose accounts render `labels` labels a minute."""
    limited = dataclasses.replace(settings, labels_per_minute=labels)
    return lambda: TestClient(create_app(limited))


def test_an_account_renders_at_most_its_labels_a_minute(
    world: World, settings: Settings, sql
) -> None:
    with _strict(settings, 3)() as app:
        mine, other = _account(world, app), _account(world, app)
        one = ONE.format(world.assets["A"])
        for _ in range(3):
            assert mine.get(one, params={"format": "zpl"}).status_code == 200
        detail = _refused(mine.get(one, params={"format": "zpl"}))
        assert "3 labels a minute" in detail and JOBS in detail
        assert int(mine.get(one).headers["retry-after"]) <= 60
        # Another account has its own minute.
        for _ in range(2):
            assert other.get(one, params={"format": "zpl"}).status_code == 200
        # A run larger than what is left is refused whole and takes nothing: the rest stays.
        two = world.create(
            "/api/v1/assets",
            name=f"Bàn làm việc {secrets.token_hex(3)}",
            category_id=world.categories["BG"],
            holder_unit_id=world.units["A"],
        )
        pair = {"ids": [world.assets["A"], two["id"]], "format": "zpl"}
        _refused(other.get("/api/v1/labels/assets", params=pair))
        left = other.get("/api/v1/labels/assets", params={**pair, "ids": [two["id"]]})
        assert left.status_code == 200, left.text
        _refused(other.get(one, params={"format": "zpl"}))


def test_renders_sent_at_once_to_two_workers_pass_the_minute_no_more(
    world: World, settings: Settings
) -> None:
    budget, at_once = 4, 16
    make = _strict(settings, budget)
    with ExitStack() as stack:
        workers = [stack.enter_context(make()) for _ in range(2)]
        token = _account(world, workers[0]).token
        start = threading.Barrier(at_once)

        def render(n: int) -> int:
            start.wait()
            caller = Caller(workers[n % 2], token)
            return caller.get(ONE.format(world.assets["A"]), params={"format": "zpl"}).status_code

        with ThreadPoolExecutor(at_once) as threads:
            statuses = list(threads.map(render, range(at_once)))
    assert statuses.count(200) == budget and statuses.count(429) == at_once - budget, statuses
