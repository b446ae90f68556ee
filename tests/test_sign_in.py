"""Signing in under load: the failure limit holds against attempts sent at once, on both
sign-in routes and across workers, and checking passwords stalls nobody else."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
from litestar.testing import TestClient

from inventory.accounts import passwords
from inventory.app import create_app
from inventory.settings import Settings
from tests.world import PASSWORD, World

TOKEN = "/api/v1/auth/token"
LIMIT = 5


class Hasher:
    """The app's argon2 hasher, with `checking` run before each check."""

    def __init__(self, checking: Callable[[str], None]) -> None:
        self.real = passwords._hasher
        self.checking = checking

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.checking(password)
        return self.real.verify(password_hash, password)


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """The passwords checked, wherever the check runs."""
    calls: list[str] = []
    monkeypatch.setattr(passwords, "_hasher", Hasher(calls.append))
    return calls


@pytest.fixture
def no_failures(sql) -> Iterator[None]:
    sql("DELETE FROM sign_in_failures")
    yield
    sql("DELETE FROM sign_in_failures")


def _csrf(client: TestClient) -> str:
    page = client.get("/login").text
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


def test_attempts_sent_at_once_on_both_routes_and_two_workers_are_checked_at_most_to_the_limit(
    settings: Settings, world: World, checked: list[str], no_failures: None
) -> None:
    """50 wrong passwords for one login at once, half through the API, half through the
    sign-in page, over two apps with a pool each (two workers): LIMIT are checked, every
    other one is refused before its check, as problem details or a page, with Retry-After."""
    strict = dataclasses.replace(settings, sign_in_failures=LIMIT)
    with ExitStack() as stack:
        workers = [stack.enter_context(TestClient(create_app(strict))) for _ in range(2)]
        forms = [_csrf(worker) for worker in workers]
        start = threading.Barrier(50)

        def attempt(n: int) -> tuple[str, httpx.Response]:
            worker, form = workers[n % 2], forms[n % 2]
            start.wait()
            if n % 4 < 2:
                return "api", worker.post(TOKEN, json={"login": "leader_a", "password": f"x{n}"})
            page = {"login": "Leader_A", "password": f"x{n}", "_csrf_token": form}
            return "page", worker.post("/login", data=page)

        with ThreadPoolExecutor(50) as threads:
            answers = list(threads.map(attempt, range(50)))
        statuses = [response.status_code for _, response in answers]
        assert statuses.count(401) == LIMIT == len(checked), statuses
        assert statuses.count(429) == 50 - LIMIT, statuses
        for route, response in answers:
            if response.status_code != 429:
                continue
            assert int(response.headers["retry-after"]) > 0
            if route == "api":
                assert response.headers["content-type"] == "application/problem+json"
                assert response.json()["status"] == 429
            else:
                assert "text/html" in response.headers["content-type"]
        # The right password is refused too until the window ends, and is not checked.
        right = workers[1].post(TOKEN, json={"login": "leader_a", "password": PASSWORD})
        assert right.status_code == 429 and len(checked) == LIMIT


def test_right_passwords_sent_at_once_leave_nothing_counted(
    settings: Settings, world: World, no_failures: None, sql
) -> None:
    """Each right password gives back the attempt it reserved, also when many arrive
    together: none is refused and no count is left behind, the address's included."""
    with TestClient(create_app(dataclasses.replace(settings, sign_in_failures=20))) as client:
        start = threading.Barrier(12)

        def sign_in(_: int) -> int:
            start.wait()
            return client.post(TOKEN, json={"login": "admin", "password": PASSWORD}).status_code

        with ThreadPoolExecutor(12) as threads:
            assert list(threads.map(sign_in, range(12))) == [200] * 12
    counts = sql("SELECT who, failures FROM sign_in_failures")
    assert counts and {r["failures"] for r in counts} == {0}, counts


def test_checking_passwords_leaves_the_loop_and_the_pool_to_others(
    settings: Settings, world: World, monkeypatch, no_failures: None
) -> None:
    """20 sign-ins at once, each check held until another request has been answered: with
    one database connection in the pool, that request is answered only if no check runs
    on the event loop and none holds the connection; and no more checks run at once than
    there are hashing threads."""
    answered = threading.Event()  # set: the request beside the burst has been answered
    lock = threading.Lock()
    running, most, waited_out = [0], [0], []

    def held(_: str) -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        if not answered.wait(5):  # on the loop, or holding the connection, this stalls all
            waited_out.append(True)
            answered.set()
        with lock:
            running[0] -= 1

    monkeypatch.setattr(passwords, "_hasher", Hasher(held))
    one = dataclasses.replace(settings, pool_min=1, pool_max=1)
    with TestClient(create_app(one)) as client:
        answered.set()  # the other caller's own sign-in waits for nothing
        other = client.post(TOKEN, json={"login": "auditor", "password": PASSWORD}).json()
        answered.clear()
        me = {"Authorization": f"Bearer {other['access_token']}"}

        def sign_in(_: int) -> int:
            return client.post(TOKEN, json={"login": "admin", "password": PASSWORD}).status_code

        with ThreadPoolExecutor(20) as threads:
            burst = [threads.submit(sign_in, n) for n in range(20)]
            for _ in range(3000):  # until the burst is being checked
                if running[0]:
                    break
                threading.Event().wait(0.01)
            assert client.get("/api/v1/auth/me", headers=me).status_code == 200
            answered.set()
            statuses = [future.result() for future in burst]
    assert statuses == [200] * 20
    assert not any(waited_out), "a check held the event loop or the only connection"
    assert 1 <= most[0] <= passwords.SLOTS
