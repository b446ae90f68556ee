"""Benchmark: the needs of a whole province (135 communes) at 1,000,000 assets, against the
same at 100,000, and against one hand-written SQL statement computing the same gap table.

Each data set is the demo province loaded by the same loader as the other benchmarks
(inventory.demo.load: 135 communes, their sites, rooms, staffing and assets), in a
database of its own on the server, kept between runs. What is measured:

  1. needs: what GET /api/v1/needs computes (inventory.needs.report: the norms in force,
     the per-commune counts in one statement, the arithmetic in Python), without HTTP;
  2. SQL over assets: one hand-written statement giving each commune's gap per item
     (required, held, gap, surplus, estimated cost) straight from the assets table, as
     one would write it without the service;
  3. SQL over asset_counts: the same statement reading the summary the service reads.

Before measuring, the gap tables of (1) and (2) are compared row by row. Rounds are
interleaved (bench/rounds.py); each figure is the median of --repeat runs, in ms. The
targets: at most 2x the time for 10x the data (1M against 100k), and at most 2x the time
of the hand-written statement over assets, both on the median of per-round ratios.

    python bench/bench_needs.py [--small 100000 --large 1000000 --communes 135]
                                [--rounds 5 --repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rounds import Comparison, Contender, Sample, report, run_rounds  # noqa: E402
from inventory.clock import VIETNAM  # noqa: E402
from inventory.db import embedded  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.demo.load import load  # noqa: E402
from inventory.needs import report as needs  # noqa: E402
from inventory.settings import Settings  # noqa: E402

DB_PREFIX = "inventory_bench_needs_"

# The gap table in one statement: each norm's required quantity per commune, the usable
# assets per item, covered in rank order (window sum), priced at each norm's maximum.
GAP_SQL = """
WITH communes AS (
    SELECT u.id FROM units u
    WHERE u.kind IN ('commune', 'ward', 'special_zone')
      AND u.id IN (SELECT unit_id FROM unit_scope WHERE ancestor_id = $1)
),
n AS (
    SELECT * FROM norms
    WHERE kind = 'equipment' AND (valid_from IS NULL OR valid_from <= $2)
      AND (valid_to IS NULL OR valid_to >= $2)
),
staff AS (
    SELECT unit_id, norm_group, sum(holders) AS h FROM staff_positions
    WHERE unit_id IN (SELECT id FROM communes) GROUP BY 1, 2
),
offices AS (
    SELECT s.holder_unit_id AS unit_id, count(*) AS n FROM rooms r JOIN sites s ON s.id = r.site_id
    WHERE s.status = 'in_use' AND r.purpose = 'office'
      AND s.holder_unit_id IN (SELECT id FROM communes)
    GROUP BY 1
),
lines AS (
    SELECT c.id AS unit_id, n.id AS norm_id, n.item, n.max_price,
        (SELECT min(array_position(ARRAY['secretary', 'leader', 'head', 'staff'], g))
         FROM unnest(n.position_groups) g) AS rank_group,
        array_position(ARRAY['person', 'office_room', 'staff', 'unit'], n.basis) AS rank_basis,
        ceil(n.value * (CASE n.basis
            WHEN 'office_room' THEN CASE WHEN m.members > 0
                THEN greatest(0, coalesce(o.n, 0) - m.others) ELSE 0 END
            WHEN 'unit' THEN 1
            ELSE m.members END) / n.per)::bigint AS required
    FROM communes c CROSS JOIN n
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(h) FILTER (WHERE norm_group = ANY (n.position_groups)), 0) AS members,
            coalesce(sum(h) FILTER (WHERE NOT norm_group = ANY (n.position_groups)), 0) AS others
        FROM staff WHERE staff.unit_id = c.id
    ) m
    LEFT JOIN offices o ON o.unit_id = c.id
),
held AS (
    SELECT a.holder_unit_id AS unit_id, k.norm_item AS item, sum(a.quantity) AS q
    FROM {held_from} a JOIN categories k ON k.id = a.category_id
    WHERE k.norm_item IS NOT NULL AND a.status IN ('in_use', 'in_storage')
      AND a.condition IN ('good', 'fair') AND a.holder_unit_id IN (SELECT id FROM communes)
    GROUP BY 1, 2
),
covered AS (
    SELECT l.*, coalesce(h.q, 0) AS held,
        least(l.required, greatest(0, coalesce(h.q, 0) - (sum(l.required) OVER w - l.required)))
            AS covered
    FROM lines l LEFT JOIN held h ON h.unit_id = l.unit_id AND h.item = l.item
    WINDOW w AS (PARTITION BY l.unit_id, l.item ORDER BY rank_group, rank_basis, norm_id)
)
SELECT unit_id, item, sum(required)::bigint AS required, max(held)::bigint AS held,
    sum(required - covered)::bigint AS gap,
    greatest(0, max(held) - sum(required))::bigint AS surplus,
    sum((required - covered) * coalesce(max_price, 0))::bigint AS cost
FROM covered GROUP BY unit_id, item
"""
OVER_ASSETS = GAP_SQL.format(held_from="assets")
OVER_COUNTS = GAP_SQL.format(held_from="(SELECT *, quantity AS q FROM asset_counts)")


async def _database(server_url: str, name: str) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return embedded.with_database(server_url, name)


async def _fill(url: str, communes: int, per_commune: int) -> int:
    """The demo province at this scale (kept between runs); the province's id."""
    conn = await asyncpg.connect(url)
    try:
        have = await conn.fetchval("SELECT count(*) FROM units WHERE kind IN ('commune', 'ward')")
        assets = await conn.fetchval("SELECT count(*) FROM assets")
    finally:
        await conn.close()
    if (have, assets) != (communes, communes * per_commune):
        if have:
            raise SystemExit(f"{url} holds other data; drop it first")
        started = time.perf_counter()
        await load(url, communes=communes, assets_per_commune=per_commune, progress=True)
        print(f"loaded {communes * per_commune:,} assets in {time.perf_counter() - started:.0f} s")
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE")
        return await conn.fetchval("SELECT id FROM units WHERE kind = 'province' LIMIT 1")
    finally:
        await conn.close()


def service_table(all_needs: list) -> dict[tuple[int, str], tuple[int, ...]]:
    return {
        (n.unit.id, g.item): (g.required, g.held, g.gap, g.surplus, g.estimated_cost)
        for n in all_needs
        for g in n.equipment
    }


def sql_table(rows: list[asyncpg.Record]) -> dict[tuple[int, str], tuple[int, ...]]:
    return {
        (r["unit_id"], r["item"]): (r["required"], r["held"], r["gap"], r["surplus"], r["cost"])
        for r in rows
    }


class Target:
    """One data set: its connection and province, and the three things measured on it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, url: str, province: int) -> None:
        self.loop, self.url, self.province = loop, url, province
        self.conn: asyncpg.Connection = loop.run_until_complete(asyncpg.connect(url))
        self.today = datetime.now(UTC).astimezone(VIETNAM).date()

    async def service(self) -> object:
        return needs.overview(await needs.needs_of(self.conn, self.province))

    async def sql(self, statement: str) -> list[asyncpg.Record]:
        return await self.conn.fetch(statement, self.province, self.today)

    def timed(self, make: Callable[[], Awaitable[object]], repeat: int) -> Sample:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            self.loop.run_until_complete(make())
            times.append((time.perf_counter() - started) * 1000)
        return Sample(statistics.median(times), f"min {min(times):.1f} max {max(times):.1f}")

    def check(self) -> int:
        """The service's gap table and the hand-written statements' are the same."""
        mine = service_table(self.loop.run_until_complete(needs.needs_of(self.conn, self.province)))
        for statement in (OVER_ASSETS, OVER_COUNTS):
            theirs = sql_table(self.loop.run_until_complete(self.sql(statement)))
            if mine != theirs:
                wrong = sorted(
                    k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)
                )
                raise SystemExit(
                    f"gap tables differ at {wrong[:5]}: {mine.get(wrong[0])}"
                    f" against {theirs.get(wrong[0])}"
                )
        return len(mine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=135)
    parser.add_argument("--small", type=int, default=100_000, help="assets in the small set")
    parser.add_argument("--large", type=int, default=1_000_000, help="assets in the large set")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    server = Settings.from_env().database_url
    if not server:
        raise SystemExit("set INVENTORY_DATABASE_URL to a PostgreSQL server")
    loop = asyncio.new_event_loop()
    targets = {}
    for label, total in (("100k", args.small), ("1M", args.large)):
        per_commune = math.ceil(total / args.communes)
        url = loop.run_until_complete(_database(server, f"{DB_PREFIX}{total}"))
        upgrade(url)
        province = loop.run_until_complete(_fill(url, args.communes, per_commune))
        targets[label] = Target(loop, url, province)
        rows = targets[label].check()
        print(
            f"{label}: {args.communes} communes x {per_commune:,} assets;"
            f" gap tables agree on {rows:,} (commune, item) rows"
        )
    small, large = targets["100k"], targets["1M"]
    repeat = args.repeat
    contenders = [
        Contender("needs 100k", lambda _r: small.timed(small.service, repeat), "ms", False),
        Contender("needs 1M", lambda _r: large.timed(large.service, repeat), "ms", False),
        Contender(
            "SQL over assets 1M",
            lambda _r: large.timed(lambda: large.sql(OVER_ASSETS), repeat),
            "ms",
            False,
        ),
        Contender(
            "SQL over asset_counts 1M",
            lambda _r: large.timed(lambda: large.sql(OVER_COUNTS), repeat),
            "ms",
            False,
        ),
    ]
    for contender in contenders:  # warm the caches once
        contender.measure(0)
    result = run_rounds(contenders, args.rounds)
    report(
        result,
        [
            Comparison(
                "needs 1M", "needs 100k", target=0.5, label="1M / 100k (>= 0.5: <= 2x time)"
            ),
            Comparison(
                "needs 1M",
                "SQL over assets 1M",
                target=0.5,
                label="needs / hand-written SQL over assets (>= 0.5)",
            ),
            Comparison(
                "needs 1M",
                "SQL over asset_counts 1M",
                label="needs / the same SQL over asset_counts",
            ),
        ],
    )


if __name__ == "__main__":
    main()
