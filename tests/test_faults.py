"""Fault tests: the database lost in each way it can be, and the writes it had acknowledged.

Every test here works on a database of its own (made and dropped by the module), so
terminating its backends or refusing its connections touches no other test. Each prints
one `FAULT` line: what was done, what came back, and how many acknowledged writes were
lost (always 0: a 201 is a promise).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from litestar import get
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.db import embedded
from inventory.db import pool as db_pool
from inventory.db import store as db_store
from inventory.db.dependencies import Conn
from inventory.db.migrate import upgrade
from inventory.settings import Settings
from tests.browser.proxy import Proxy
from tests.conftest import run_sql
from tests.test_cli_serve import _env, _free_port, _started, _wait_for
from tests.world import PASSWORD, World, seed_world

HEAL_WITHIN = 10.0  # seconds for the app to answer again once the database is back


@dataclasses.dataclass
class Faulty:
    """The module's own database, an app on it and its seeded province."""

    server_url: str
    name: str
    url: str
    settings: Settings
    client: TestClient
    world: World

    def admin(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        """A statement on the server's maintenance database, never on the faulty one."""
        return run_sql(self.server_url, sql, *args)

    def terminate(self) -> int:
        """End every backend of the faulty database (as pg_terminate_backend does)."""
        rows = self.admin(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            self.name,
        )
        return rows[0][0]

    def refuse(self, refusing: bool) -> None:
        self.admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS {str(not refusing).lower()}')

    def count(self, sql: str, *args: Any) -> int:
        return run_sql(self.url, sql, *args)[0][0]


@pytest.fixture(scope="module")
def faulty(server_url: str, settings: Settings) -> Iterator[Faulty]:
    name = f"inventory_faults_{secrets.token_hex(4)}"
    run_sql(server_url, f'CREATE DATABASE "{name}"')
    url = embedded.with_database(server_url, name)
    try:
        upgrade(url)
        own = dataclasses.replace(settings, database_url=url)
        with TestClient(create_app(own), base_url="http://127.0.0.1:8000") as client:
            world = asyncio.run(seed_world(url, client))
            yield Faulty(server_url, name, url, own, client, world)
    finally:
        run_sql(server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        run_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _room(caller: Any, site_id: int, name: str, **headers: str) -> httpx.Response:
    return caller.post("/api/v1/rooms", json={"site_id": site_id, "name": name}, headers=headers)


def _unavailable(response: httpx.Response, *, page: bool = False) -> bool:
    """A 503 with Retry-After: problem details on the API, the error page on pages."""
    kind = "text/html" if page else "application/problem+json"
    return (
        response.status_code == 503
        and response.headers["content-type"].startswith(kind)
        and response.headers.get("retry-after", "").isdigit()
        and (page or response.json()["status"] == 503)
    )


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def _sign_in_page(client: TestClient, login: str) -> httpx.Response:
    token = _csrf(client, "/login")
    return client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


def _healed(probe: Any) -> float:
    """Seconds until `probe()` answers 200 (the app reconnecting by itself)."""
    started = time.monotonic()
    while (answer := probe()).status_code != 200:
        assert _unavailable(answer), answer.text
        assert time.monotonic() - started < HEAL_WITHIN, "the app did not heal"
        time.sleep(0.1)
    return time.monotonic() - started


def test_backends_terminated_under_load_lose_no_acknowledged_write(faulty: Faulty) -> None:
    officer, site = faulty.world.officer_a, faulty.world.sites["A"]
    run = secrets.token_hex(3)
    answers: Counter[int] = Counter()
    acknowledged: list[int] = []
    lock, done = threading.Lock(), threading.Event()
    killed = 0

    def write(n: int) -> None:
        for i in range(20):
            answer = _room(officer, site, f"Tải {run} {n}-{i}")
            with lock:
                answers[answer.status_code] += 1
                if answer.status_code == 201:
                    acknowledged.append(answer.json()["id"])
                else:
                    assert _unavailable(answer), answer.text

    def kill() -> None:
        nonlocal killed
        while not done.wait(0.2):
            killed += faulty.terminate()

    killer = threading.Thread(target=kill)
    killer.start()
    try:
        with ThreadPoolExecutor(4) as writers:
            list(writers.map(write, range(4)))
    finally:
        done.set()
        killer.join()
    found = faulty.count("SELECT count(*) FROM rooms WHERE id = ANY($1)", acknowledged)
    written = faulty.count("SELECT count(*) FROM rooms WHERE name LIKE $1", f"Tải {run} %")
    lost = len(acknowledged) - found
    print(
        f"FAULT backends terminated under load: {dict(answers)} from 80 writes,"
        f" {killed} backends ended; {written - found} written but answered 503;"
        f" acknowledged writes lost: {lost} of {len(acknowledged)}"
    )
    assert lost == 0
    assert set(answers) <= {201, 503} and answers[201] and killed
    assert _room(officer, site, f"Tải {run} after").status_code == 201  # healed


def test_a_database_refusing_connections_is_503_then_heals(faulty: Faulty) -> None:
    client, officer = faulty.client, faulty.world.officer_a
    assert _sign_in_page(client, "officer_a").status_code == 303
    before = faulty.count("SELECT count(*) FROM rooms")
    try:
        faulty.refuse(True)
        faulty.terminate()  # the pool's connections: new ones are refused (SQLSTATE 55000)
        api = officer.get("/api/v1/assets")
        write = _room(officer, faulty.world.sites["A"], "Phòng khi từ chối")
        token = client.post("/api/v1/auth/token", json={"login": "officer_a", "password": "x"})
        page = client.get("/")  # signed in: its session cannot be read
        assert all(_unavailable(a) for a in (api, write, token)), (api.text, write.text)
        assert _unavailable(page, page=True) and "Tạm thời" in page.text
    finally:
        faulty.refuse(False)
    healed = max(_healed(lambda: officer.get("/api/v1/assets")), _healed(lambda: client.get("/")))
    client.cookies.clear()
    lost = before - faulty.count("SELECT count(*) FROM rooms")
    print(
        f"FAULT database refusing connections: API, write, sign-in and page 503;"
        f" healed {healed:.2f} s after it accepted again; acknowledged writes lost: {lost}"
    )
    assert lost == 0


def test_a_connection_left_broken_never_goes_back_to_the_pool(faulty: Faulty) -> None:
    """With one connection in the pool, every request after the broken one draws it."""

    left_running: list[asyncio.Future[str]] = []

    @get("/api/v1/faults/broken")
    async def broken(conn: Conn) -> None:
        left_running.append(asyncio.ensure_future(conn.execute("SELECT pg_sleep(0.5)")))
        await asyncio.sleep(0.05)
        await conn.fetchval("SELECT 1")  # "another operation is in progress"

    app = create_app(dataclasses.replace(faulty.settings, pool_min=1, pool_max=1))
    app.register(broken)
    headers = {"Authorization": f"Bearer {faulty.world.officer_a.token}"}
    with TestClient(app) as client:
        first = client.get("/api/v1/faults/broken", headers=headers)
        after = [client.get("/api/v1/assets", headers=headers).status_code for _ in range(3)]
    print(f"FAULT connection left mid-operation: {first.status_code}, then {after}")
    assert _unavailable(first)
    assert after == [200, 200, 200]


def test_a_session_that_cannot_be_saved_is_a_503_page(
    faulty: Faulty, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sign-in's answer is ready before its session is stored: a store that times out
    then must still give a page, not a bare 500 after the answer has begun."""
    monkeypatch.setattr(db_store, "ACQUIRE_TIMEOUT", 0.3)
    client = faulty.client
    client.cookies.clear()

    async def lock() -> tuple[asyncpg.Connection, Any]:
        holder = await asyncpg.connect(faulty.url)
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE kv_store IN ACCESS EXCLUSIVE MODE")
        return holder, transaction

    async def unlock(holder: asyncpg.Connection, transaction: Any) -> None:
        await transaction.rollback()
        await holder.close()

    token = _csrf(client, "/login")
    held = client.blocking_portal.call(lock)
    try:
        answer = client.post(
            "/login",
            data={"login": "officer_a", "password": PASSWORD, "_csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
    finally:
        client.blocking_portal.call(unlock, *held)
    try:
        assert _unavailable(answer, page=True) and "Tạm thời" in answer.text, answer.text
        assert (
            "set-cookie" not in answer.headers
            or "inventory_session" not in answer.headers["set-cookie"]
        )
        assert _sign_in_page(client, "officer_a").status_code == 303
        assert client.get("/").status_code == 200
    finally:
        client.cookies.clear()
    print("FAULT session store timing out at sign-in: a 503 page, then signed in")


def test_an_exhausted_pool_is_503_within_the_acquire_timeout(
    faulty: Faulty, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_pool, "ACQUIRE_TIMEOUT", 0.5)
    headers = {"Authorization": f"Bearer {faulty.world.officer_a.token}"}
    app = create_app(dataclasses.replace(faulty.settings, pool_min=0, pool_max=2))

    with TestClient(app) as client:
        pool = client.app.state.pool
        held = [client.blocking_portal.call(pool.acquire) for _ in range(2)]

        def timed(_: int) -> tuple[httpx.Response, float]:
            started = time.monotonic()
            answer = client.get("/api/v1/assets", headers=headers)
            return answer, time.monotonic() - started

        try:
            with ThreadPoolExecutor(3) as callers:
                timings = list(callers.map(timed, range(3)))
        finally:
            for conn in held:
                client.blocking_portal.call(pool.release, conn)
        after = client.get("/api/v1/assets", headers=headers).status_code
    slowest = max(seconds for _, seconds in timings)
    print(f"FAULT pool exhausted: 3 x 503 within {slowest:.2f} s (acquire timeout 0.5 s)")
    assert all(_unavailable(answer) for answer, _ in timings)
    assert 0.5 <= slowest < 3.0  # waited for the timeout, never hung
    assert after == 200


def test_a_query_past_the_statement_timeout_is_503(faulty: Faulty) -> None:
    headers = {"Authorization": f"Bearer {faulty.world.officer_a.token}"}
    faulty.admin(f'ALTER DATABASE "{faulty.name}" SET statement_timeout = 300')
    try:
        app = create_app(dataclasses.replace(faulty.settings, pool_min=1, pool_max=2))
        with TestClient(app) as client:

            async def lock() -> asyncpg.Connection:
                holder = await asyncpg.connect(
                    faulty.url, server_settings={"statement_timeout": "0"}
                )
                await holder.execute("BEGIN; LOCK TABLE rooms IN ACCESS EXCLUSIVE MODE")
                return holder

            holder = client.blocking_portal.call(lock)
            try:
                started = time.monotonic()
                slow = client.get("/api/v1/rooms", headers=headers)
                waited = time.monotonic() - started
            finally:
                client.blocking_portal.call(holder.close)
            after = client.get("/api/v1/rooms", headers=headers).status_code
    finally:
        faulty.admin(f'ALTER DATABASE "{faulty.name}" RESET statement_timeout')
    print(f"FAULT slow query: {slow.status_code} after {waited:.2f} s (statement_timeout 0.3 s)")
    assert _unavailable(slow), slow.text
    assert after == 200


@contextmanager
def _served(settings: Settings) -> Iterator[int]:
    """The app under uvicorn in a thread of its own, on a free port (for a TCP proxy)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def _again(url: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/rooms", json=body, headers=headers, timeout=10)


def test_an_answer_lost_after_commit_is_answered_again_by_its_key(faulty: Faulty) -> None:
    """The server commits and answers; the connection drops before the client hears it.
    Sent again with its Idempotency-Key, the write is answered as it was, not made twice."""
    world, name, key = faulty.world, f"Phòng mất {secrets.token_hex(3)}", secrets.token_hex(8)
    headers = {"Authorization": f"Bearer {world.officer_a.token}", "Idempotency-Key": key}
    body = {"site_id": world.sites["A"], "name": name}
    with _served(faulty.settings) as port, Proxy(port, "POST", "/api/v1/rooms").running() as cut:
        cut.plan = ["after"]
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{cut.url}/api/v1/rooms", json=body, headers=headers, timeout=10)
        busy, started = 0, time.monotonic()
        while (
            again := httpx.post(f"{cut.url}/api/v1/rooms", json=body, headers=headers)
        ).status_code == 409:
            busy += 1  # the first is still storing its answer
            assert time.monotonic() - started < 5
            time.sleep(0.1)
    lost_answer = cut.done[0].answer
    rows = faulty.count("SELECT count(*) FROM rooms WHERE name = $1", name)
    print(
        f"FAULT answer lost after COMMIT: retried with its key -> {again.status_code}"
        f" (replayed: {again.headers.get('idempotent-replayed')}, {busy} x 409 first);"
        f" rooms made: {rows}; acknowledged writes lost: {1 - rows}"
    )
    assert b" 201 " in lost_answer.split(b"\r\n", 1)[0]  # the server had answered 201
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["name"] == name and again.content in lost_answer
    assert rows == 1


def test_the_embedded_server_stopped_and_restarted_heals(settings: Settings) -> None:
    """A private embedded server (the suite's own may be shared by other workers), stopped
    under the running app and started again: the app answers 503, then heals by itself."""
    pytest.importorskip("pgserver")
    from pgserver._commands import pg_ctl

    data_dir = Path(tempfile.mkdtemp(prefix="inventory-faults-pg-"))
    server, url = embedded.start(data_dir)
    try:
        upgrade(url)
        app = create_app(dataclasses.replace(settings, database_url=url, pool_min=1))
        with TestClient(app) as client:
            world = asyncio.run(seed_world(url, client))
            officer, site = world.officer_a, world.sites["A"]
            before = _room(officer, site, "Phòng trước khi dừng")
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
            down = [officer.get("/api/v1/assets"), _room(officer, site, "Phòng khi dừng")]
            server.ensure_postgres_running()
            healed = _healed(lambda: officer.get("/api/v1/assets"))
            after = _room(officer, site, "Phòng sau khi chạy lại")
        made = [answer.json()["id"] for answer in (before, after) if answer.status_code == 201]
        found = run_sql(url, "SELECT count(*) FROM rooms WHERE id = ANY($1)", made)[0][0]
    finally:
        server.cleanup()  # type: ignore[attr-defined]
        shutil.rmtree(data_dir, ignore_errors=True)
    print(
        f"FAULT embedded server stopped: {[a.status_code for a in down]}; healed"
        f" {healed:.2f} s after it started again; acknowledged writes lost: {len(made) - found}"
    )
    assert before.status_code == after.status_code == 201
    assert all(_unavailable(answer) for answer in down)
    assert found == len(made)


def test_two_workers_sign_in_and_write_while_backends_are_terminated(faulty: Faulty) -> None:
    """`inventory serve` with INVENTORY_WORKERS=2 (uvicorn's supervisor): sign-ins and
    writes spread over both processes, backends terminated meanwhile."""
    port = _free_port()
    env = {**_env(faulty.settings, faulty.url, port), "INVENTORY_WORKERS": "2"}
    base, site, run = f"http://127.0.0.1:{port}", faulty.world.sites["A"], secrets.token_hex(3)
    answers: Counter[int] = Counter()
    acknowledged: list[int] = []
    lock, done = threading.Lock(), threading.Event()
    killed = 0

    def sign_in(_: int) -> str:
        answer = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"login": "officer_a", "password": PASSWORD},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def write(n: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        for i in range(6):
            body = {"site_id": site, "name": f"Hai {run} {n}-{i}"}
            answer = httpx.post(f"{base}/api/v1/rooms", json=body, headers=headers, timeout=30)
            with lock:
                answers[answer.status_code] += 1
                if answer.status_code == 201:
                    acknowledged.append(answer.json()["id"])
                else:
                    assert _unavailable(answer), answer.text

    def kill() -> None:
        nonlocal killed
        while not done.wait(0.4):
            killed += faulty.terminate()

    started = time.monotonic()
    with _started("serve", env) as (_, lines):
        _wait_for(lines, "running on", [])
        # Both workers up: the port listens before the apps have started.
        assert httpx.get(f"{base}/login", timeout=60).status_code == 200
        up = time.monotonic() - started
        with ThreadPoolExecutor(4) as callers:
            tokens = list(callers.map(sign_in, range(8)))  # each connection: either worker
            killer = threading.Thread(target=kill)
            killer.start()
            try:
                list(callers.map(write, range(4)))
            finally:
                done.set()
                killer.join()
        worked = time.monotonic() - started - up
    found = faulty.count("SELECT count(*) FROM rooms WHERE id = ANY($1)", acknowledged)
    lost = len(acknowledged) - found
    print(
        f"FAULT two workers (up in {up:.1f} s, then {worked:.1f} s): 8 of 8 sign-ins;"
        f" writes {dict(answers)} from 24, {killed} backends ended;"
        f" acknowledged writes lost: {lost} of {len(acknowledged)}"
    )
    assert lost == 0 and set(answers) <= {201, 503} and answers[201]
