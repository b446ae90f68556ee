"""Benchmark: closing a stocktake of 20,000 expected assets with 18,000 scans, against one
hand-written SQL statement computing the same lists.

Each round opens two stocktakes of the same site through the API (20,000 assets expected
in each), sends 18,000 scans to the first through the API (as phones do: batches of 500,
mostly the unit's assets, some seen twice, some in another room, some unknown tags and
some of another unit's assets) and copies them to the second. Then, interleaved
(bench/rounds.py):
  1. the service: POST /api/v1/stocktakes/{id}/close: the status, the result lines
     (found in place, misplaced, missing, unknown and blank tags, other units' assets),
     each found asset's last seen and its event in the hash-chained history, in one
     transaction;
  2. the baseline: one INSERT ... SELECT computing and storing the same result lines for
     the second stocktake, nothing else.
Both stocktakes' lines are then compared, line for line. Figures are seconds; the target,
the service within 2x the statement's time, is checked against the median of the
per-round ratios.

    python bench/bench_close.py [--rounds 5 --expected 20000 --scans 18000]
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_api import POOL_SIZE, _free_port, _serve  # noqa: E402
from bench.rounds import Comparison, Contender, Sample, report, run_rounds  # noqa: E402
from inventory.accounts import tokens  # noqa: E402
from inventory.accounts.principal import Principal, Role  # noqa: E402
from inventory.db import embedded  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.settings import Settings  # noqa: E402

DB_NAME = "inventory_bench_close"
ROOMS = 40
OTHERS = 500
"""Assets of another unit, some of whose tags are scanned (not ours)."""
BATCH = 500
COPY_SCANS = """
INSERT INTO stocktake_scans (scan_id, stocktake_id, tag, kind, asset_id, room_id, seen_at,
                             condition, quantity, scanned_by, received_at, late)
SELECT gen_random_uuid(), $2, tag, kind, asset_id, room_id, seen_at, condition, quantity,
       scanned_by, received_at, late
FROM stocktake_scans WHERE stocktake_id = $1
"""
# The baseline: every result line in one statement, as a person would write it by hand.
BASELINE = """
WITH sightings AS (
    SELECT * FROM stocktake_scans WHERE stocktake_id = $1 AND NOT late
),
found AS (
    SELECT asset_id, count(*) AS sightings, array_agg(room_id) AS rooms,
           (array_agg(room_id ORDER BY seen_at DESC, received_at DESC))[1] AS seen_room_id,
           max(seen_at) AS seen_at,
           (array_agg(scanned_by ORDER BY seen_at DESC, received_at DESC))[1] AS seen_by,
           (array_agg(quantity ORDER BY seen_at DESC) FILTER (WHERE quantity IS NOT NULL))[1]
               AS counted
    FROM sightings WHERE kind = 'found' GROUP BY asset_id
),
tags AS (
    SELECT DISTINCT ON (tag, kind) kind, tag, room_id, seen_at, scanned_by,
           count(*) OVER (PARTITION BY tag, kind) AS sightings
    FROM sightings WHERE kind <> 'found'
    ORDER BY tag, kind, seen_at DESC, received_at DESC
)
INSERT INTO stocktake_results (stocktake_id, outcome, asset_id, tag, name, ownership, expected,
    quantity, counted_quantity, recorded_room_id, seen_room_id, seen_at, seen_by, sightings)
SELECT $1, CASE WHEN a.room_id = ANY(f.rooms) THEN 'in_place' ELSE 'misplaced' END, a.id,
       a.tag, a.name, a.ownership, e.asset_id IS NOT NULL, a.quantity, f.counted, a.room_id,
       f.seen_room_id, f.seen_at, f.seen_by, f.sightings
FROM found f JOIN assets a ON a.id = f.asset_id
LEFT JOIN stocktake_expected e ON e.stocktake_id = $1 AND e.asset_id = f.asset_id
UNION ALL
SELECT $1, 'missing', e.asset_id, e.tag, e.name, e.ownership, true, e.quantity, NULL,
       e.room_id, NULL, NULL, NULL, 0
FROM stocktake_expected e
WHERE e.stocktake_id = $1 AND NOT EXISTS (SELECT 1 FROM found f WHERE f.asset_id = e.asset_id)
UNION ALL
SELECT $1, kind, NULL, tag, '', NULL, false, NULL, NULL, NULL, room_id, seen_at, scanned_by,
       sightings
FROM tags
"""
LINES = """
SELECT outcome, asset_id, tag, name, ownership, expected, quantity, counted_quantity,
       recorded_room_id, seen_room_id, seen_at, seen_by, sightings
FROM stocktake_results WHERE stocktake_id = $1
"""


async def _fresh_database(server_url: str) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await admin.close()
    return embedded.with_database(server_url, DB_NAME)


async def _seed(url: str, expected: int) -> dict[str, object]:
    """A commune with one site of ROOMS rooms holding `expected` tagged assets, an officer,
    and a neighbour commune holding OTHERS."""
    conn = await asyncpg.connect(url)
    try:
        province = await conn.fetchval(
            "INSERT INTO units (code, name, kind) VALUES ('B52', 'Tỉnh', 'province') RETURNING id"
        )
        units = [
            await conn.fetchval(
                "INSERT INTO units (code, name, kind, parent_id)"
                " VALUES ($1, $2, 'commune', $3) RETURNING id",
                code,
                name,
                province,
            )
            for code, name in (("B24065", "Xã A"), ("B24066", "Xã B"))
        ]
        user = await conn.fetchval(
            "INSERT INTO users (login, password_hash, role, unit_id)"
            " VALUES ('bench', 'x', 'officer', $1) RETURNING id",
            units[0],
        )
        category = await conn.fetchval(
            "INSERT INTO categories (code, name, form_group) VALUES ('BG', 'Bàn ghế', 'D')"
            " RETURNING id"
        )
        sites, rooms = [], []
        for unit in units:
            site = await conn.fetchval(
                "INSERT INTO sites (holder_unit_id, name) VALUES ($1, 'Trụ sở') RETURNING id", unit
            )
            sites.append(site)
            rooms.append(
                [
                    r["id"]
                    for r in await conn.fetch(
                        "INSERT INTO rooms (site_id, name)"
                        " SELECT $1, 'Phòng ' || i FROM generate_series(1, $2::int) AS i"
                        " RETURNING id",
                        site,
                        ROOMS,
                    )
                ]
            )
        assets = []
        for unit, site, its_rooms, count, prefix in (
            (units[0], sites[0], rooms[0], expected, "BN"),
            (units[1], sites[1], rooms[1], OTHERS, "BK"),
        ):
            assets.append(
                await conn.fetch(
                    "INSERT INTO assets (tag, name, category_id, holder_unit_id, site_id,"
                    " room_id)"
                    " SELECT $1 || lpad(i::text, 7, '0'), 'Ghế ' || i, $2, $3, $4,"
                    " ($5::bigint[])[1 + i % cardinality($5::bigint[])]"
                    " FROM generate_series(1, $6::int) AS i RETURNING id, tag, room_id",
                    f"{prefix}-",
                    category,
                    unit,
                    site,
                    its_rooms,
                    count,
                )
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {
        "unit": units[0],
        "user": user,
        "site": sites[0],
        "rooms": rooms[0],
        "assets": [(r["tag"], r["room_id"]) for r in assets[0]],
        "others": [r["tag"] for r in assets[1]],
    }


def _scans(world: dict[str, object], count: int, rng: random.Random) -> list[dict[str, object]]:
    """What phones send over a count: 90% of the expected assets once (a tenth of them in
    another room), a few seen again, some unknown tags and some of the neighbour's."""
    assets: list[tuple[str, int]] = list(world["assets"])  # type: ignore[call-overload]
    rooms: list[int] = world["rooms"]  # type: ignore[assignment]
    others: list[str] = world["others"]  # type: ignore[assignment]
    unknown, theirs = count // 60, count // 90
    again = count // 18
    first = count - unknown - theirs - again
    seen = rng.sample(assets, first)
    now = datetime.now(UTC)
    picks = [(tag, room if i % 10 else rng.choice(rooms)) for i, (tag, room) in enumerate(seen)]
    picks += [rng.choice(seen) for _ in range(again)]
    picks += [(f"XX-{rng.randrange(10**7):07d}", rng.choice(rooms)) for _ in range(unknown)]
    picks += [(rng.choice(others), rng.choice(rooms)) for _ in range(theirs)]
    return [
        {
            "id": str(uuid.uuid4()),
            "tag": tag,
            "room_id": room,
            "seen_at": (now - timedelta(seconds=count - i)).isoformat(),
        }
        for i, (tag, room) in enumerate(picks)
    ]


class Bench:
    def __init__(self, url: str, port: int, token: str, world: dict[str, object], args) -> None:
        self.url, self.world, self.args = url, world, args
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=600,
        )
        self.rng = random.Random(20)
        self.rounds: dict[int, tuple[int, int]] = {}

    def _open(self) -> int:
        body = {"unit_id": self.world["unit"], "site_id": self.world["site"], "name": "bench"}
        response = self.http.post("/api/v1/stocktakes", json=body)
        response.raise_for_status()
        opened = response.json()
        assert opened["expected"] == self.args.expected, opened["expected"]
        return opened["id"]

    def prepare(self, round_: int) -> tuple[int, int]:
        """The round's two stocktakes, the same scans in each (made on first use)."""
        if round_ not in self.rounds:
            service, baseline = self._open(), self._open()
            scans = _scans(self.world, self.args.scans, self.rng)
            for i in range(0, len(scans), BATCH):
                response = self.http.post(
                    f"/api/v1/stocktakes/{service}/scans", json={"scans": scans[i : i + BATCH]}
                )
                response.raise_for_status()
            asyncio.run(self._sql(COPY_SCANS, service, baseline))
            self.rounds[round_] = (service, baseline)
        return self.rounds[round_]

    async def _sql(self, sql: str, *args: object) -> float:
        conn = await asyncpg.connect(self.url)
        try:
            started = time.perf_counter()
            await conn.execute(sql, *args)
            return time.perf_counter() - started
        finally:
            await conn.close()

    def service(self, round_: int) -> Sample:
        stocktake, _ = self.prepare(round_)
        started = time.perf_counter()
        response = self.http.post(f"/api/v1/stocktakes/{stocktake}/close")
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        results = self.http.get(f"/api/v1/stocktakes/{stocktake}/results", params={"limit": 1})
        results.raise_for_status()
        counts = results.json()["counts"]
        return Sample(elapsed, " ".join(f"{k} {v:,}" for k, v in counts.items() if v))

    def baseline(self, round_: int) -> float:
        _, stocktake = self.prepare(round_)
        return asyncio.run(self._sql(BASELINE, stocktake))

    def check(self) -> None:
        """Each round's two stocktakes have the same lines."""
        asyncio.run(self._check())

    async def _check(self) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            for service, baseline in self.rounds.values():
                ours = sorted(map(tuple, await conn.fetch(LINES, service)), key=repr)
                theirs = sorted(map(tuple, await conn.fetch(LINES, baseline)), key=repr)
                assert ours == theirs, f"stocktakes {service} and {baseline} differ"
        finally:
            await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--expected", type=int, default=20000)
    parser.add_argument("--scans", type=int, default=18000)
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
        world = asyncio.run(_seed(url, args.expected))
        secret = secrets.token_urlsafe(32)
        principal = Principal(
            user_id=world["user"],  # type: ignore[arg-type]
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
            f"{args.expected:,} assets expected, {args.scans:,} scans, two stocktakes per"
            f" round, {args.rounds} rounds, {args.order} order, one uvicorn worker,"
            f" {os.cpu_count()} cores"
        )
        bench.service(0)  # warm-up
        bench.baseline(0)
        contenders = [
            Contender("service (POST close)", bench.service, "s", higher_is_better=False),
            Contender("one SQL statement", bench.baseline, "s", higher_is_better=False),
        ]
        result = run_rounds(contenders, args.rounds, order=args.order)
        bench.check()
        print("each round's two stocktakes have the same result lines")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]
    service_name, baseline_name = (c.name for c in contenders)
    # Within 2x the statement's time is a speed ratio of at least 0.5.
    report(
        result,
        [Comparison(service_name, baseline_name, target=0.5, label="service / one statement")],
    )


if __name__ == "__main__":
    main()
