"""Background jobs: a label run from the API through a real worker, scope, failures,
a worker killed mid-way, the progress page and the command line."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from litestar.testing import TestClient

from inventory.accounts.principal import Principal, Role
from inventory.app import create_app
from inventory.cli import main
from inventory.db.pool import connect
from inventory.jobs import kinds, worker
from inventory.jobs.kinds import REGISTRY, Context, Result, register
from inventory.printing.render import PARALLEL_FROM
from tests.world import PASSWORD, World

JOBS = "/api/v1/jobs"
FAST = {"heartbeat_timeout": timedelta(seconds=1), "dequeue_timeout": timedelta(seconds=0.2)}
ROOT = Path(__file__).resolve().parent.parent


# --- Job kinds of these tests only ---


@register("test.fail")
async def _fail(ctx: Context, params: dict[str, Any]) -> Result:
    ctx.progress(1, 3)
    raise ValueError(params.get("why", "the printer caught fire"))


def _first_time(marker: Path) -> bool:
    if marker.exists():
        return False
    marker.write_text(str(os.getpid()))
    return True


@register("test.blocks_once")
async def _blocks_once(ctx: Context, params: dict[str, Any]) -> Result:
    """Blocks (until its worker is killed) the first time; then finishes."""
    if _first_time(Path(params["marker"])):
        ctx.progress(1, 2)
        await asyncio.sleep(3600)
    ctx.progress(2, 2)
    return Result(f"attempt {ctx.attempt}".encode(), "text/plain; charset=utf-8", "blocks.txt")


# --- Helpers ---


class WorkerThread:
    """`worker.serve` in a thread, with its own event loop, stopped on exit; `options` go
    to `serve` (its settings, say)."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url, self.options = url, {**FAST, **options}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop: asyncio.Event | None = None
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def go() -> None:
            self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
            self.ready.set()
            await worker.serve(self.url, stop=self.stop, **self.options)

        try:
            asyncio.run(go())
        except BaseException as exc:
            self.error = exc
            self.ready.set()

    def __enter__(self) -> WorkerThread:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        if self.loop is not None and self.stop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)
        assert not self.thread.is_alive(), "the worker did not stop"
        assert self.error is None, self.error


def _until(check: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or check}")


def _status(sql, job_id: int) -> dict[str, Any]:
    return dict(sql("SELECT * FROM jobs WHERE id = $1", job_id)[0])


def _enqueue(url: str, kind: str, owner: Principal, params: dict[str, Any]) -> int:
    async def go() -> int:
        conn = await connect(url)
        try:
            return await kinds.enqueue(conn, kind, owner, owner.unit_id, params)
        finally:
            await conn.close()

    return asyncio.run(go())


def _officer_a(world: World) -> Principal:
    return Principal(world.users["officer_a"], "officer_a", Role.OFFICER, world.units["A"])


def _tagged_room(sql, world: World, count: int, unit: str = "A") -> int:
    """A room of `unit` with `count` tagged assets, written straight to the database."""
    token = secrets.token_hex(3).upper()
    room = sql(
        "INSERT INTO rooms (site_id, name) VALUES ($1, $2) RETURNING id",
        world.sites[unit],
        f"Kho {token}",
    )[0]["id"]
    sql(
        "INSERT INTO assets (tag, name, category_id, quantity, holder_unit_id, site_id, room_id,"
        " origin_unit_id) SELECT 'TJ' || $1 || '-' || i, 'Ghế ' || i, $2, 1, $3, $4, $5, $3"
        " FROM generate_series(1, $6) i",
        token,
        world.categories["BG"],
        world.units[unit],
        world.sites[unit],
        room,
        count,
    )
    return room


def _post_label_job(world: World, room: int, **extra: Any) -> dict[str, Any]:
    response = world.officer_a.post(
        "/api/v1/labels/jobs", json={"room_id": room, "stock": "a4-4x10", **extra}
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"{JOBS}/{job['id']}"
    return job


# --- Tests ---


def test_the_migration_installs_pgqueuer_as_its_builder_does() -> None:
    import importlib.util

    from pgqueuer.adapters.persistence.qb import QueryBuilderEnvironment

    spec = importlib.util.spec_from_file_location(
        "m0007", ROOT / "migrations" / "versions" / "0007_jobs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def words(sql: str) -> str:
        return " ".join(re.sub(r"--[^\n]*", "", sql).split()).replace(";", "")

    installed = QueryBuilderEnvironment().build_install_query(create_schema=False)
    assert words(" ".join(module.PGQUEUER)) == words(installed)


def test_a_label_job_runs_in_the_worker_and_is_scoped(world: World, sql, database_url) -> None:
    count = PARALLEL_FROM + 20  # big enough for the process pool, which reports progress
    room = _tagged_room(sql, world, count)
    job = _post_label_job(world, room)
    assert job["status"] == "queued" and job["kind"] == "labels"
    assert job["scope_unit_id"] == world.units["A"]
    assert job["owner_id"] == world.users["officer_a"]
    assert job["params"]["count"] == count
    path = f"{JOBS}/{job['id']}"
    assert world.officer_a.get(f"{path}/result").status_code == 409  # queued: no file yet

    with WorkerThread(database_url):  # the job was queued before any worker ran
        done = _until(
            lambda: (r := world.officer_a.get(path).json())["status"] in ("done", "failed") and r,
            what="the label job",
        )
    assert done["status"] == "done", done
    assert done["progress"]["total"] == 3  # pages: 84 labels on 40 a sheet
    assert done["progress"]["done"] == done["progress"]["total"]
    assert done["attempts"] == 1 and done["error"] is None
    assert done["result"]["url"] == f"{path}/result"

    result = world.officer_a.get(f"{path}/result")
    assert result.status_code == 200
    assert result.headers["content-type"] == "application/pdf"
    assert "attachment" in result.headers["content-disposition"]
    assert result.content.startswith(b"%PDF")
    assert len(pypdfium2.PdfDocument(result.content)) == 3
    assert done["result"]["size"] == len(result.content)

    # Another unit's officer, and a leader of the same unit who is not the owner: 404.
    for caller in (world.officer_b, world.leader_a):
        assert caller.get(path).status_code == 404
        assert caller.get(f"{path}/result").status_code == 404
        assert job["id"] not in [j["id"] for j in caller.get(JOBS).json()["items"]]
    # The province's auditor and admin oversee every job of their scope.
    assert world.auditor.get(f"{path}/result").status_code == 200
    assert job["id"] in [j["id"] for j in world.admin.get(JOBS).json()["items"]]


def test_a_label_job_selects_within_the_callers_scope(world: World, sql) -> None:
    room_b = _tagged_room(sql, world, 2, "B")
    # B's room, asked for by A's officer: nothing of A's scope matches.
    response = world.officer_a.post("/api/v1/labels/jobs", json={"room_id": room_b})
    assert response.status_code == 404
    response = world.officer_a.post(
        "/api/v1/labels/jobs", json={"ids": [world.assets["B"]], "format": "zpl"}
    )
    assert response.status_code == 404
    bad = world.officer_a.post("/api/v1/labels/jobs", json={"room_id": room_b, "skip": 99})
    assert bad.status_code == 422 and bad.json()["field"] == "skip"
    unknown = world.officer_a.post("/api/v1/labels/jobs", json={"rooms": 1})
    assert unknown.status_code == 400


def test_the_list_is_newest_first_with_cursor_pages(world: World, database_url) -> None:
    owner = _officer_a(world)
    ids = [_enqueue(database_url, "test.fail", owner, {"why": f"n{i}"}) for i in range(3)]
    first = world.officer_a.get(JOBS, params={"limit": 2, "kind": "test.fail"}).json()
    assert [j["id"] for j in first["items"]] == ids[::-1][:2]
    second = world.officer_a.get(
        JOBS, params={"limit": 2, "kind": "test.fail", "cursor": first["next_cursor"]}
    ).json()
    assert ids[0] in [j["id"] for j in second["items"]]
    assert not set(j["id"] for j in first["items"]) & set(j["id"] for j in second["items"])


def test_a_failing_job_keeps_its_error(world: World, database_url, sql) -> None:
    job_id = _enqueue(database_url, "test.fail", _officer_a(world), {"why": "no paper in tray 2"})
    with WorkerThread(database_url):
        row = _until(lambda: (r := _status(sql, job_id))["status"] == "failed" and r)
    assert row["error"] == "no paper in tray 2"
    assert row["finished_at"] is not None and row["result_content"] is None
    api = world.officer_a.get(f"{JOBS}/{job_id}").json()
    assert api["status"] == "failed" and api["error"] == "no paper in tray 2"
    assert api["progress"] == {"done": 1, "total": 3}
    assert world.officer_a.get(f"{JOBS}/{job_id}/result").status_code == 409


def test_a_job_whose_worker_was_killed_runs_again(
    world: World, database_url, sql, tmp_path
) -> None:
    marker = tmp_path / "started"
    job_id = _enqueue(database_url, "test.blocks_once", _officer_a(world), {"marker": str(marker)})
    code = (
        "import sys, asyncio, tests.test_jobs as t;"
        " from inventory.jobs import worker;"
        " asyncio.run(worker.serve(sys.argv[1], **t.FAST))"
    )
    first = subprocess.Popen([sys.executable, "-c", code, database_url], cwd=ROOT)
    try:
        _until(marker.exists, 60, "the first attempt to start")
        _until(lambda: _status(sql, job_id)["status"] == "running", 10)
        os.kill(first.pid, signal.SIGKILL)  # mid-way: no chance to mark anything
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert _status(sql, job_id)["status"] == "running"
    with WorkerThread(database_url):  # a new worker takes it over once its heartbeat is stale
        row = _until(lambda: (r := _status(sql, job_id))["status"] == "done" and r, 60)
    assert row["attempts"] == 2
    assert row["result_content"] == b"attempt 2"
    assert (row["progress_done"], row["progress_total"]) == (2, 2)


def test_progress_is_throttled() -> None:
    ctx = Context(job_id=1, kind="k", owner_id=1, scope_unit_id=1, attempt=1, conn=None)
    assert ctx.pending() is None
    for done in range(1000):
        ctx.progress(done, 1000)
    assert ctx.pending() == (999, 1000)  # one write for a thousand reports
    assert ctx.pending() == (999, 1000)  # until it is stored: a write cut off is made again
    ctx.wrote((999, 1000))
    assert ctx.pending() is None


def _sign_in(client: TestClient, login: str, next_path: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token, "next": next_path},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@pytest.fixture
def finished_job(world: World, database_url, sql) -> Iterator[int]:
    owner = _officer_a(world)
    job_id = _enqueue(database_url, "test.blocks_once", owner, {"marker": __file__})
    with WorkerThread(database_url):
        _until(lambda: _status(sql, job_id)["status"] == "done")
    yield job_id


def test_the_job_page(settings, world: World, finished_job: int, database_url) -> None:
    queued = _enqueue(database_url, "test.fail", _officer_a(world), {})
    with TestClient(create_app(settings)) as browser:
        signed_out = browser.get(f"/jobs/{finished_job}", follow_redirects=False)
        assert signed_out.status_code == 303
        assert signed_out.headers["location"] == f"/login?next=%2Fjobs%2F{finished_job}"
        _sign_in(browser, "officer_a", f"/jobs/{finished_job}")
        page = browser.get(f"/jobs/{finished_job}")
        assert page.status_code == 200
        assert "Hoàn thành" in page.text and "<progress" in page.text
        assert f'href="/jobs/{finished_job}/result"' in page.text
        assert "refresh.js" not in page.text  # done: no more refreshing
        file = browser.get(f"/jobs/{finished_job}/result")
        assert file.status_code == 200 and file.content == b"attempt 1"
        waiting = browser.get(f"/jobs/{queued}", params={"lang": "en"})
        assert "Queued" in waiting.text and "refresh.js" in waiting.text
        assert "/result" not in waiting.text
    with TestClient(create_app(settings)) as other:
        _sign_in(other, "officer_b", "/")
        missing = other.get(f"/jobs/{finished_job}")
        assert missing.status_code == 404 and "Không tìm thấy công việc" in missing.text
        assert other.get(f"/jobs/{finished_job}/result").status_code == 404


def test_the_command_line(
    finished_job: int, world: World, database_url, sql, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)
    main(["jobs", "show", str(finished_job)])
    shown = capsys.readouterr().out
    assert f"job {finished_job}: test.blocks_once, done" in shown and "blocks.txt" in shown
    main(["jobs", "wait", str(finished_job)])
    drawn = capsys.readouterr()
    assert "] 2/2" in drawn.err and "done" in drawn.out
    failed = _enqueue(database_url, "test.fail", _officer_a(world), {"why": "jammed"})
    with WorkerThread(database_url), pytest.raises(SystemExit) as exit_status:
        main(["jobs", "wait", str(failed)])
    assert exit_status.value.code == 1
    assert "jammed" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["jobs", "show", "999999999"])


def test_a_label_job_takes_more_than_the_synchronous_limit(world: World, sql) -> None:
    from inventory.printing.jobs import JOB_MAX_LABELS
    from inventory.printing.render import MAX_LABELS

    room = _tagged_room(sql, world, MAX_LABELS + 1)
    assert world.officer_a.get("/api/v1/labels/assets", params={"room_id": room}).status_code == 422
    job = _post_label_job(world, room, format="zpl")
    assert job["params"]["count"] == MAX_LABELS + 1 < JOB_MAX_LABELS
    # Not run here (a few seconds of rendering): taken off the queue.
    sql("DELETE FROM pgqueuer WHERE convert_from(payload, 'UTF8') = $1", str(job["id"]))
    sql("UPDATE jobs SET status = 'failed', finished_at = now() WHERE id = $1", job["id"])


def test_the_routes_are_in_the_api_schema(client) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in ("/api/v1/jobs", "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job_id}/result"):
        assert path in paths
    assert "/api/v1/labels/jobs" in paths
    assert not any(p.startswith("/jobs") for p in paths)  # the page is not API


def test_the_result_download_names_the_media_types_of_every_kind(client: TestClient) -> None:
    """A generated client knows what a job's file may be: each kind's own media types."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    declared = paths["/api/v1/jobs/{job_id}/result"]["get"]["responses"]["200"]["content"]
    assert sorted(declared) == REGISTRY.files()
    assert {
        "application/pdf",  # labels, handover minutes
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",  # a PNG per label
        "application/json",  # an import's report
        "text/plain",  # ZPL
    } <= set(declared)
    assert "application/octet-stream" not in declared
