"""Benchmark: the authenticated look-up of an asset by tag, against two baselines.

All three do the same SQL query (inventory.assets.queries.BY_TAG) in the same run:
  1. the service: GET /api/v1/assets/by-tag/{tag} with a bearer token;
  2. a minimal raw ASGI app (bench/raw_asgi.py) with an asyncpg pool, same server;
  3. a bare asyncpg loop with the same pool size and concurrency.
HTTP load comes from bench/loadgen.py in its own process, on 127.0.0.1 only.

Each server is started once (and warmed up); then --rounds rounds (default 5) measure
all three for --seconds each, in alternating order (bench/rounds.py), and the ratios
are taken per round. The target, service >= 0.75x the raw ASGI app, is checked
against the median of the per-round ratios; their spread shows how much to trust it.

    python bench/bench_api.py [--communes 135 --assets-per-commune 2000]
                              [--rounds 5 --seconds 3 --order alternate|shuffle]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rounds import Comparison, Contender, Sample, report, run_rounds  # noqa: E402
from inventory.accounts import tokens  # noqa: E402
from inventory.accounts.principal import Principal, Role  # noqa: E402
from inventory.assets.queries import BY_TAG  # noqa: E402
from inventory.db import embedded  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.db.pool import create_pool  # noqa: E402
from inventory.demo.load import load  # noqa: E402
from inventory.settings import Settings  # noqa: E402

DB_NAME = "inventory_bench"
POOL_SIZE = 10
START_SECONDS = 60.0
"""How long a server may take to start: on a busy shared machine, more than 10 s."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def _create_database(server_url: str) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB_NAME)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await admin.close()
    return embedded.with_database(server_url, DB_NAME)


async def _fill(url: str, communes: int, per_commune: int) -> int:
    """The demo province at scale (kept between runs); returns the province's id."""
    conn = await asyncpg.connect(url)
    try:
        have = await conn.fetchval("SELECT count(*) FROM units WHERE kind IN ('commune', 'ward')")
        assets = await conn.fetchval("SELECT count(*) FROM assets")
    finally:
        await conn.close()
    expected = communes * per_commune
    if have != communes or assets != expected:
        if have:
            raise SystemExit(f"{DB_NAME} holds other data; drop it first")
        started = time.perf_counter()
        await load(url, communes=communes, assets_per_commune=per_commune, progress=True)
        print(f"loaded {expected:,} assets in {time.perf_counter() - started:.0f} s")
    conn = await asyncpg.connect(url)
    try:
        province = await conn.fetchval("SELECT id FROM units WHERE kind = 'province' LIMIT 1")
    finally:
        await conn.close()
    return province


async def _sample_tags(url: str, n: int) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT tag FROM assets TABLESAMPLE SYSTEM (2) WHERE tag IS NOT NULL LIMIT $1", n
        )
    finally:
        await conn.close()
    tags = [r["tag"] for r in rows]
    random.Random(1).shuffle(tags)
    return tags


async def _bare_loop(
    url: str, tags: list[str], scope_unit: int, seconds: float, concurrency: int
) -> dict[str, object]:
    pool = await create_pool(url, min_size=POOL_SIZE, max_size=POOL_SIZE)
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            async with pool.acquire() as conn:
                await conn.fetchrow(BY_TAG, tags[rng.randrange(len(tags))], scope_unit)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return {"requests": len(latencies), "errors": 0, "seconds": elapsed, "latencies": latencies}


def _serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


def _load(
    port: int, paths_file: str, token: str, seconds: float, connections: int
) -> dict[str, object]:
    output = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "loadgen.py"),
            "--port",
            str(port),
            "--paths",
            paths_file,
            "--token",
            token,
            "--seconds",
            str(seconds),
            "--connections",
            str(connections),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout)


class _Server:
    """One uvicorn process serving `app`, started and warmed up once for every round."""

    def __init__(
        self, app: str, env: dict[str, str], paths_file: str, token: str, connections: int
    ) -> None:
        self.app, self.env, self.paths_file = app, env, paths_file
        self.token, self.connections = token, connections
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, warmup_seconds: float) -> None:
        self.process = _serve(self.app, self.port, self.env)
        _load(self.port, self.paths_file, self.token, warmup_seconds, self.connections)

    def measure(self, seconds: float) -> dict[str, object]:
        return _load(self.port, self.paths_file, self.token, seconds, self.connections)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _sample(name: str, result: dict[str, object]) -> Sample:
    """Requests per second, with the round's latencies as its note."""
    latencies = result["latencies"]
    assert isinstance(latencies, list) and latencies, f"{name}: no requests completed"
    rps = len(latencies) / float(result["seconds"])  # type: ignore[arg-type]
    if result.get("errors"):
        print(f"warning: {name}: {result['errors']} non-200 answers {result.get('error_statuses')}")
    p50, p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)
    return Sample(rps, f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")


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
    server = None
    server_url = settings.database_url
    if server_url is None:
        server, server_url = embedded.start(settings.data_dir)
    try:
        url = asyncio.run(_create_database(server_url))
        upgrade(url)  # alembic runs its own event loop
        province = asyncio.run(_fill(url, args.communes, args.assets_per_commune))
        tags = asyncio.run(_sample_tags(url, 5000))
        secret = secrets.token_urlsafe(32)
        principal = Principal(user_id=0, login="bench", role=Role.AUDITOR, unit_id=province)
        token, _ = tokens.issue(principal, secret, 3600)
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
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(f"/api/v1/assets/by-tag/{tag}" for tag in tags))
            paths_file = handle.name
        print(
            f"{len(tags)} tags, {args.connections} connections, {args.rounds} rounds of "
            f"{args.seconds:g} s each, {args.order} order, pool {POOL_SIZE}, "
            f"one uvicorn worker per app, {os.cpu_count()} cores"
        )
        raw = _Server("bench.raw_asgi:app", env, paths_file, "", args.connections)
        service = _Server("inventory.asgi:app", env, paths_file, token, args.connections)
        try:
            for http in (raw, service):
                http.start(min(2.0, args.seconds))
            contenders = [
                Contender(
                    "service (Litestar)",
                    lambda _: _sample("service", service.measure(args.seconds)),
                    "req/s",
                ),
                Contender(
                    "raw ASGI + asyncpg",
                    lambda _: _sample("raw ASGI", raw.measure(args.seconds)),
                    "req/s",
                ),
                Contender(
                    "bare asyncpg loop",
                    lambda _: _sample(
                        "bare asyncpg",
                        asyncio.run(
                            _bare_loop(url, tags, province, args.seconds, args.connections)
                        ),
                    ),
                    "req/s",
                ),
            ]
            result = run_rounds(contenders, args.rounds, order=args.order)
        finally:
            for http in (raw, service):
                http.stop()
            os.unlink(paths_file)
    finally:
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]

    service_name, raw_name, bare_name = (c.name for c in contenders)
    report(
        result,
        [
            Comparison(service_name, raw_name, target=0.75, label="service / raw ASGI"),
            Comparison(service_name, bare_name, label="service / bare asyncpg"),
            Comparison(raw_name, bare_name, label="raw ASGI / bare asyncpg"),
        ],
    )


if __name__ == "__main__":
    main()
