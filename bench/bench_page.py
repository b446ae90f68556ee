"""Benchmark: the phone page a scan opens, /t/{TAG}, for a signed-in officer.

Against the raw ASGI app of bench/raw_asgi.py (the same by-tag query, answered as JSON)
in the same run, interleaved over rounds (bench/rounds.py), under 64 connections. The
page reads the session and the asset; it must not write to the database (sessions are
stored at sign-in only), which is what kept it at about 0.14x before. Target >= 0.5x.

    python bench/bench_page.py [--rounds 5 --seconds 3 --connections 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
import msgspec
from litestar.config.csrf import CSRFConfig
from litestar.middleware.csrf import generate_csrf_token

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_api import (  # noqa: E402
    POOL_SIZE,
    _create_database,
    _fill,
    _free_port,
    _sample,
    _sample_tags,
    _serve,
)
from bench.rounds import Comparison, Contender, Sample, report, run_rounds  # noqa: E402
from inventory.accounts.guards import SESSION_COOKIE, SESSION_KEY  # noqa: E402
from inventory.db import embedded  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.settings import Settings  # noqa: E402

CSRF_COOKIE = CSRFConfig(secret="").cookie_name


async def _session(url: str, province: int) -> str:
    """A signed-in officer's session, stored as the sign-in page stores one."""
    conn = await asyncpg.connect(url)
    try:
        user = await conn.fetchrow(
            "SELECT id, login FROM users WHERE unit_id = $1 ORDER BY id LIMIT 1", province
        )
        session_id = secrets.token_hex(32)
        data = {
            SESSION_KEY: {
                "user_id": user["id"],
                "login": user["login"],
                "role": "officer",
                "unit_id": province,
                "exp": int(time.time()) + 3600,
            }
        }
        await conn.execute(
            "INSERT INTO kv_store (namespace, key, value, expires_at)"
            " VALUES ('sessions', $1, $2, now() + interval '1 hour')",
            session_id,
            msgspec.json.encode(data),
        )
    finally:
        await conn.close()
    return session_id


def _load(port: int, paths: str, seconds: float, connections: int, cookie: str = "") -> dict:
    command = [
        sys.executable,
        str(ROOT / "bench" / "loadgen.py"),
        "--port",
        str(port),
        "--paths",
        paths,
        "--seconds",
        str(seconds),
        "--connections",
        str(connections),
    ]
    if cookie:
        command += ["--cookie", cookie]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def _cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far (Linux), whoever else shares the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measured(name: str, pid: int, load: Callable[[], dict]) -> Sample:
    """Requests per second, and the server's CPU per request: on a machine shared with
    others the rate follows their load, the CPU a request costs much less."""
    before = _cpu_seconds(pid)
    result = load()
    used = _cpu_seconds(pid) - before
    sample = _sample(name, result)
    per_request = used / max(1, len(result["latencies"])) * 1e6
    return Sample(sample.value, f"{sample.note}  server CPU {per_request:4.0f} µs/request")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communes", type=int, default=135)
    parser.add_argument("--assets-per-commune", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=3.0, help="per contender and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--order", choices=["alternate", "shuffle"], default="alternate")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()

    settings = Settings.from_env()
    server, server_url = None, settings.database_url
    if server_url is None:
        server, server_url = embedded.start(settings.data_dir)
    try:
        url = asyncio.run(_create_database(server_url))
        upgrade(url)
        province = asyncio.run(_fill(url, args.communes, args.assets_per_commune))
        tags = asyncio.run(_sample_tags(url, 5000))
        secret = secrets.token_urlsafe(32)
        # A signed-in browser carries the CSRF cookie the sign-in page set, and sends it back.
        cookie = (
            f"{SESSION_COOKIE}={asyncio.run(_session(url, province))};"
            f" {CSRF_COOKIE}={generate_csrf_token(secret)}"
        )
        env = {
            **os.environ,
            "INVENTORY_DATABASE_URL": url,
            "BENCH_DATABASE_URL": url,
            "INVENTORY_SECRET_KEY": secret,
            "BENCH_SCOPE_UNIT": str(province),
            "INVENTORY_POOL_MIN": str(POOL_SIZE),
            "INVENTORY_POOL_MAX": str(POOL_SIZE),
            "PYTHONPATH": str(ROOT),
        }
        files = {}
        for name, template in (("page", "/t/{}"), ("raw", "/api/v1/assets/by-tag/{}")):
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
                handle.write("\n".join(template.format(tag) for tag in tags))
                files[name] = handle.name
        ports = {"page": _free_port(), "raw": _free_port()}
        print(
            f"{len(tags)} tags, {args.connections} connections, {args.rounds} rounds of"
            f" {args.seconds:g} s, {args.order} order, pool {POOL_SIZE}, one uvicorn worker"
            f" per app, {os.cpu_count()} cores"
        )
        processes = [
            _serve("inventory.asgi:app", ports["page"], env),
            _serve("bench.raw_asgi:app", ports["raw"], env),
        ]
        try:
            _load(ports["page"], files["page"], 2.0, args.connections, cookie)
            _load(ports["raw"], files["raw"], 2.0, args.connections)
            page_pid, raw_pid = (p.pid for p in processes)
            contenders = [
                Contender(
                    "phone page /t/{TAG}",
                    lambda _: _measured(
                        "page",
                        page_pid,
                        lambda: _load(
                            ports["page"], files["page"], args.seconds, args.connections, cookie
                        ),
                    ),
                    "pages/s",
                ),
                Contender(
                    "raw ASGI + asyncpg",
                    lambda _: _measured(
                        "raw",
                        raw_pid,
                        lambda: _load(ports["raw"], files["raw"], args.seconds, args.connections),
                    ),
                    "req/s",
                ),
            ]
            result = run_rounds(contenders, args.rounds, order=args.order)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)
            for path in files.values():
                os.unlink(path)
    finally:
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]
    page, raw = (c.name for c in contenders)
    report(result, [Comparison(page, raw, target=0.5, label="phone page / raw ASGI")])


if __name__ == "__main__":
    main()
