"""`inventory serve`, `run` and `worker` as processes: the port first, then the banner."""

from __future__ import annotations

import json
import os
import queue
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from inventory.cli import _job_worker
from inventory.db import embedded
from inventory.settings import PROJECT_ROOT, Settings
from tests.conftest import run_sql

START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(settings: Settings, database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "INVENTORY_DATABASE_URL": database_url,
        "INVENTORY_SECRET_KEY": settings.secret_key,
        "INVENTORY_HOST": "127.0.0.1",
        "INVENTORY_PORT": str(port),
        "INVENTORY_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "INVENTORY_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def _started(command: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, queue.Queue]]:
    """`inventory COMMAND` with its output lines (stdout and stderr) in a queue."""
    process = subprocess.Popen(
        [sys.executable, "-m", "inventory.cli", command],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        yield process, lines
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(lines: queue.Queue, text: str, seen: list[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return
    pytest.fail(f"no {text!r} within {START_TIMEOUT:.0f} s; output:\n{''.join(seen)}")


def test_a_busy_port_is_one_clear_line(settings: Settings, database_url: str) -> None:
    with socket.socket() as occupant:
        occupant.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "inventory.cli", "serve"],
            cwd=PROJECT_ROOT,
            env=_env(settings, database_url, port),
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
    assert done.returncode != 0
    assert done.stderr == (
        f"inventory: port {port} on 127.0.0.1 is in use: stop the other server or set"
        " INVENTORY_PORT\n"
    )
    assert "running on" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_running_on_is_printed_once_the_port_listens(settings: Settings, database_url: str) -> None:
    port = _free_port()
    with _started("serve", _env(settings, database_url, port)) as (process, lines):
        seen: list[str] = []
        _wait_for(lines, "running on", seen)
        assert f"Commune Inventory is running on http://127.0.0.1:{port}" in seen[-1]
        # No retry: the connection waits in the backlog until the app is up.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=START_TIMEOUT) as r:
            assert r.status == 200
        assert process.poll() is None


def test_the_server_cuts_off_a_huge_header_with_431(settings: Settings, database_url: str) -> None:
    """httptools buffers a request's head without bound: the server answers 431 (problem
    details) as soon as the head passes its bound, without waiting for the rest."""
    port = _free_port()
    with _started("serve", _env(settings, database_url, port)) as (_, lines):
        _wait_for(lines, "running on", [])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
            with suppress(OSError):  # the server may close while the header still flows
                for _ in range(64):  # 4 MiB, never ended
                    conn.sendall(b"a" * 65536)
            answer = b""
            with suppress(OSError):
                while chunk := conn.recv(65536):
                    answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"content-type: application/problem+json" in head
    assert json.loads(body)["status"] == 431


def test_the_job_worker_child_is_stopped_with_the_block(
    settings: Settings, database_url: str
) -> None:
    with _job_worker(settings, database_url) as child:
        assert child.args == [sys.executable, "-m", "inventory.cli", "worker"]
    assert child.returncode is not None  # stopped (or, without inventory.jobs, failed)


@pytest.fixture
def empty_database_url(server_url: str) -> Iterator[str]:
    """A database of its own: `inventory run` migrates it and loads the demo province."""
    name = f"inventory_test_run_{os.getpid()}_{secrets.token_hex(4)}"
    run_sql(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield embedded.with_database(server_url, name)
    finally:
        run_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_run_starts_the_job_worker_beside_the_server_and_stops_it(
    settings: Settings, empty_database_url: str
) -> None:
    port = _free_port()
    env = _env(settings, empty_database_url, port)
    with _started("run", env) as (process, lines):
        seen: list[str] = []
        _wait_for(lines, "running on", seen)
        _wait_for(lines, "job worker started", seen)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=START_TIMEOUT) as r:
            assert r.status == 200
        workers = {
            pid
            for pid in _children(process.pid)
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        }
        assert len(workers) == 1
        process.terminate()  # SIGTERM, as docker or systemd stop it
        process.wait(timeout=30)
    (worker,) = workers
    deadline = time.monotonic() + 5
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{worker}").exists(), "the job worker outlived `inventory run`"


def test_the_runtime_dir_warning_of_pgserver_is_silenced() -> None:
    pytest.importorskip("pgserver")
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"}
    code = (
        "import warnings, inventory.cli, pgserver;"
        " warnings.warn('XDG_RUNTIME_DIR is other', UserWarning)"
    )
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert "XDG_RUNTIME_DIR is not set" not in done.stderr
    assert "XDG_RUNTIME_DIR is other" in done.stderr  # other warnings still show
