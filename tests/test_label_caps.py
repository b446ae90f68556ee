"""Label runs per account: at most JOBS_PER_ACCOUNT label jobs queued or running, and
INVENTORY_LABELS_PER_MINUTE labels rendered at once, each counted in PostgreSQL so that
requests sent together, to one worker or two, never pass it. Every test signs in accounts
of its own: no worker runs here, so the jobs it queues stay queued."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from types import SimpleNamespace

import httpx
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.db.pool import create_pool
from inventory.jobs import queries as jobs
from inventory.jobs.kinds import REGISTRY
from inventory.jobs.worker import Worker, load_kinds
from inventory.printing.jobs import JOBS_PER_ACCOUNT, KIND
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


# --- Label jobs ---


def _queue(caller: Caller, world: World) -> httpx.Response:
    return caller.post(JOBS, json={"ids": [world.assets["A"]], "stock": "a4-4x10"})


def _run(settings: Settings, job_id: int) -> None:
    """Run one job as a worker does (its own statements, the label kind's handler)."""

    async def go() -> None:
        load_kinds()
        pool = await create_pool(settings.database_url, min_size=1, max_size=2)
        try:
            job = SimpleNamespace(payload=str(job_id).encode())  # pgqueuer's row: only the id
            await Worker(pool, None, settings).execute(REGISTRY.get(KIND), job)
        finally:
            await pool.close()

    asyncio.run(go())


def _owned(sql, caller_id: int) -> list[dict]:
    rows = sql("SELECT id, status FROM jobs WHERE owner_id = $1 AND kind = $2", caller_id, KIND)
    return [dict(row) for row in rows]


def test_an_account_queues_at_most_its_share_of_label_jobs(
    world: World, client: TestClient, settings: Settings, sql
) -> None:
    mine, other = _account(world, client), _account(world, client)
    queued = []
    for _ in range(JOBS_PER_ACCOUNT):
        answer = _queue(mine, world)
        assert answer.status_code == 202, answer.text
        queued.append(answer.json()["id"])
    detail = _refused(_queue(mine, world))
    assert "wait for one to finish" in detail and f"/api/v1/jobs/{queued[0]}" in detail
    assert all(str(job_id) in detail for job_id in queued)
    assert len(_owned(sql, mine.user_id)) == JOBS_PER_ACCOUNT  # the refused one left nothing
    # Another account, of the same unit, is not held back.
    assert _queue(other, world).status_code == 202

    # A job done frees its place, and so does a failed one.
    _run(settings, queued[0])
    assert mine.get(f"/api/v1/jobs/{queued[0]}").json()["status"] == "done"
    again = _queue(mine, world)
    assert again.status_code == 202, again.text
    _refused(_queue(mine, world))
    sql(jobs.FAILED, queued[1], "the printer caught fire")  # as the worker writes a failure
    assert _queue(mine, world).status_code == 202
    _refused(_queue(mine, world))


def test_label_jobs_sent_at_once_to_two_workers_pass_the_cap_no_more(
    world: World, client: TestClient, settings: Settings, sql
) -> None:
    caller = _account(world, client)
    at_once = 4 * JOBS_PER_ACCOUNT
    with ExitStack() as stack:
        workers = [stack.enter_context(TestClient(create_app(settings))) for _ in range(2)]
        start = threading.Barrier(at_once)

        def post(n: int) -> httpx.Response:
            start.wait()
            return _queue(Caller(workers[n % 2], caller.token), world)

        with ThreadPoolExecutor(at_once) as threads:
            answers = list(threads.map(post, range(at_once)))
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(202) == JOBS_PER_ACCOUNT, statuses
    assert statuses.count(429) == at_once - JOBS_PER_ACCOUNT, statuses
    assert len(_owned(sql, caller.user_id)) == JOBS_PER_ACCOUNT


def test_the_label_page_at_the_cap_answers_the_429_page(
    world: World, client: TestClient, settings: Settings
) -> None:
    caller = _account(world, client)
    for _ in range(JOBS_PER_ACCOUNT):
        assert _queue(caller, world).status_code == 202
    with TestClient(create_app(settings)) as browser:
        token = re.search(r'name="_csrf_token" value="([^"]+)"', browser.get("/login").text)
        signed = browser.post(
            "/login",
            data={"login": caller.login, "password": PASSWORD, "_csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text
        page = browser.get("/labels", params={"q": "SN-A-001"}).text
        form = re.search(r'<form method="post" action="/labels".*?</form>', page, re.S).group(0)
        data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        refused = browser.post("/labels", data=data, follow_redirects=False)
    assert refused.status_code == 429, refused.text[:300]
    assert "text/html" in refused.headers["content-type"]
    assert int(refused.headers["retry-after"]) >= 1
    assert "Quá nhiều yêu cầu" in refused.text


def test_the_job_cap_is_in_the_api_document(client: TestClient) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert "429" in paths[JOBS]["post"]["responses"]
    for path in ("/api/v1/labels/assets", "/api/v1/labels/assets/{asset_id}"):
        assert "429" in paths[path]["get"]["responses"]
