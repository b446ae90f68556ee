"""Benchmark: stocktake scans received through the service, against asyncpg executemany.

In the same run, interleaved (bench/rounds.py), each round:
  1. the service: 8 concurrent clients, each sending 2,000 scans in batches of 100 to
     POST /api/v1/stocktakes/{id}/scans of one stocktake (a fresh one per round), with an
     officer's bearer token: the whole route (token, recheck, lock, one classifying
     INSERT ... ON CONFLICT per batch, answer per scan);
  2. the baseline: the same rows (kind and asset already known) inserted into
     stocktake_scans with asyncpg `executemany`, batches of 100, 8 concurrent connections.
Figures are scans per second; the target, service >= 0.5x executemany, is checked
against the median of the per-round ratios.

    python bench/bench_scans.py [--rounds 5 --clients 8 --scans 2000 --batch 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_api import POOL_SIZE, _free_port, _serve  # noqa: E402
from bench.rounds import Comparison, Contender, Sample, report, run_rounds  # noqa: E402
from inventory.accounts import tokens  # noqa: E402
from inventory.accounts.principal import Principal, Role  # noqa: E402
from inventory.db import embedded  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.settings import Settings  # noqa: E402

DB_NAME = "inventory_bench_scans"
ASSETS = 2000
BASELINE = """
INSERT INTO stocktake_scans (scan_id, stocktake_id, tag, kind, asset_id, room_id, seen_at,
                             condition, quantity, scanned_by, late)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false)
ON CONFLICT (scan_id) DO NOTHING
"""


async def _fresh_database(server_url: str) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await admin.close()
    return embedded.with_database(server_url, DB_NAME)


async def _seed(url: str) -> dict[str, object]:
    """A commune with one site, two rooms, an officer and ASSETS tagged assets."""
    conn = await asyncpg.connect(url)
    try:
        province = await conn.fetchval(
            "INSERT INTO units (code, name, kind) VALUES ('B52', 'Tỉnh', 'province') RETURNING id"
        )
        unit = await conn.fetchval(
            "INSERT INTO units (code, name, kind, parent_id)"
            " VALUES ('B24065', 'Xã', 'commune', $1) RETURNING id",
            province,
        )
        user = await conn.fetchval(
            "INSERT INTO users (login, password_hash, role, unit_id)"
            " VALUES ('bench', 'x', 'officer', $1) RETURNING id",
            unit,
        )
        site = await conn.fetchval(
            "INSERT INTO sites (holder_unit_id, name) VALUES ($1, 'Trụ sở') RETURNING id", unit
        )
        rooms = [
            await conn.fetchval(
                "INSERT INTO rooms (site_id, name) VALUES ($1, $2) RETURNING id", site, name
            )
            for name in ("Phòng 1", "Phòng 2")
        ]
        category = await conn.fetchval(
            "INSERT INTO categories (code, name, form_group) VALUES ('BG', 'Bàn ghế', 'D')"
            " RETURNING id"
        )
        rows = await conn.fetch(
            "INSERT INTO assets (tag, name, category_id, holder_unit_id, site_id, room_id)"
            " SELECT 'BN-' || lpad(i::text, 7, '0'), 'Ghế ' || i, $1, $2, $3,"
            " CASE WHEN i % 2 = 0 THEN $4::bigint ELSE $5::bigint END"
            " FROM generate_series(1, $6::int) AS i RETURNING id, tag",
            category,
            unit,
            site,
            rooms[0],
            rooms[1],
            ASSETS,
        )
    finally:
        await conn.close()
    return {
        "unit": unit,
        "user": user,
        "site": site,
        "rooms": rooms,
        "assets": {r["tag"]: r["id"] for r in rows},
    }


def _scans(world: dict[str, object], count: int, rng: random.Random) -> list[dict[str, object]]:
    """Scans as a phone queues them: mostly the unit's assets, some unknown tags."""
    tags = list(world["assets"])  # type: ignore[call-overload]
    rooms = world["rooms"]
    now = datetime.now(UTC).isoformat()
    scans = []
    for i in range(count):
        tag = rng.choice(tags) if i % 10 else f"XX-{rng.randrange(10**7):07d}"
        scan = {"id": str(uuid.uuid4()), "tag": tag, "room_id": rng.choice(rooms), "seen_at": now}
        if i % 7 == 0:
            scan["condition"] = "good"
        scans.append(scan)
    return scans


class Bench:
    def __init__(self, url: str, port: int, token: str, world: dict[str, object], args) -> None:
        self.url, self.port, self.token, self.world, self.args = url, port, token, world, args
        self.rng = random.Random(8)

    def _batches(self) -> list[list[list[dict[str, object]]]]:
        """Per client, its scans in batches."""
        a = self.args
        per_client = [_scans(self.world, a.scans, self.rng) for _ in range(a.clients)]
        return [[s[i : i + a.batch] for i in range(0, len(s), a.batch)] for s in per_client]

    async def _open(self, client: httpx.AsyncClient) -> int:
        body = {"unit_id": self.world["unit"], "site_id": self.world["site"], "name": "bench"}
        response = await client.post("/api/v1/stocktakes", json=body)
        response.raise_for_status()
        return response.json()["id"]

    def service(self, _round: int) -> Sample:
        return asyncio.run(self._service())

    async def _service(self) -> Sample:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        base = f"http://127.0.0.1:{self.port}"
        clients = [
            httpx.AsyncClient(base_url=base, headers=headers, timeout=60)
            for _ in range(self.args.clients)
        ]
        try:
            stocktake = await self._open(clients[0])
            bodies = [
                [msgspec.json.encode({"scans": batch}) for batch in batches]
                for batches in self._batches()
            ]
            wire = sum(len(b) for bs in bodies for b in bs) / (self.args.clients * self.args.scans)
            latencies: list[float] = []

            async def send(client: httpx.AsyncClient, mine: list[bytes]) -> int:
                accepted = 0
                for body in mine:
                    started = time.perf_counter()
                    response = await client.post(
                        f"/api/v1/stocktakes/{stocktake}/scans", content=body
                    )
                    latencies.append(time.perf_counter() - started)
                    response.raise_for_status()
                    accepted += response.json()["accepted"]
                return accepted

            for client in clients:  # connections made before the clock starts
                (await client.get(f"/api/v1/stocktakes/{stocktake}")).raise_for_status()
            started = time.perf_counter()
            accepted = await asyncio.gather(
                *(send(c, b) for c, b in zip(clients, bodies, strict=True))
            )
            elapsed = time.perf_counter() - started
        finally:
            for client in clients:
                await client.aclose()
        total = self.args.clients * self.args.scans
        assert sum(accepted) == total, f"{sum(accepted)} of {total} scans accepted"
        latencies.sort()
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        return Sample(
            total / elapsed,
            f"batch p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  {wire:.0f} B/scan on the wire",
        )

    def baseline(self, _round: int) -> float:
        return asyncio.run(self._baseline())

    async def _baseline(self) -> float:
        assets: dict[str, int] = self.world["assets"]  # type: ignore[assignment]
        user = self.world["user"]
        pool = await asyncpg.create_pool(
            self.url, min_size=self.args.clients, max_size=self.args.clients
        )
        try:
            async with pool.acquire() as conn:
                stocktake = await conn.fetchval(
                    "INSERT INTO stocktakes (unit_id, site_id, name) VALUES ($1, $2, 'baseline')"
                    " RETURNING id",
                    self.world["unit"],
                    self.world["site"],
                )
            rows = [
                [
                    [
                        (
                            uuid.UUID(s["id"]),
                            stocktake,
                            s["tag"],
                            "found" if s["tag"] in assets else "unknown",
                            assets.get(s["tag"]),  # type: ignore[arg-type]
                            s["room_id"],
                            datetime.fromisoformat(s["seen_at"]),  # type: ignore[arg-type]
                            s.get("condition"),
                            None,
                            user,
                        )
                        for s in batch
                    ]
                    for batch in batches
                ]
                for batches in self._batches()
            ]

            async def insert(mine: list[list[tuple]]) -> None:
                async with pool.acquire() as conn:
                    for batch in mine:
                        await conn.executemany(BASELINE, batch)

            started = time.perf_counter()
            await asyncio.gather(*(insert(r) for r in rows))
            elapsed = time.perf_counter() - started
        finally:
            await pool.close()
        return self.args.clients * self.args.scans / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--scans", type=int, default=2000, help="per client and round")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--order", choices=["alternate", "shuffle"], default="alternate")
    args = parser.parse_args()

    settings = Settings.from_env()
    server = None
    server_url = settings.database_url
    if server_url is None:
        server, server_url = embedded.start(settings.data_dir)
    process = None
    try:
        url = asyncio.run(_fresh_database(server_url))
        upgrade(url)  # alembic runs its own event loop
        world = asyncio.run(_seed(url))
        secret = secrets.token_urlsafe(32)
        principal = Principal(
            user_id=world["user"],
            login="bench",
            role=Role.OFFICER,
            unit_id=world["unit"],  # type: ignore[arg-type]
        )
        token, _ = tokens.issue(principal, secret, 3600)
        env = {
            **os.environ,
            "INVENTORY_DATABASE_URL": url,
            "INVENTORY_SECRET_KEY": secret,
            "INVENTORY_POOL_MIN": str(POOL_SIZE),
            "INVENTORY_POOL_MAX": str(POOL_SIZE),
            "PYTHONPATH": str(ROOT),
        }
        port = _free_port()
        process = _serve("inventory.asgi:app", port, env)
        bench = Bench(url, port, token, world, args)
        print(
            f"{args.clients} clients x {args.scans} scans in batches of {args.batch}, one"
            f" stocktake per round, {args.rounds} rounds, {args.order} order, pool {POOL_SIZE},"
            f" one uvicorn worker, {os.cpu_count()} cores"
        )
        bench.service(0)  # warm-up
        contenders = [
            Contender("service (POST scans)", bench.service, "scans/s"),
            Contender("asyncpg executemany", bench.baseline, "scans/s"),
        ]
        result = run_rounds(contenders, args.rounds, order=args.order)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]
    service_name, baseline_name = (c.name for c in contenders)
    report(
        result,
        [Comparison(service_name, baseline_name, target=0.5, label="service / executemany")],
    )


if __name__ == "__main__":
    main()
