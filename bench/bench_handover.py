"""Benchmark: a merger handover of 8,000 assets through the API, against the same state
change written as hand-written SQL.

Each round hands over two former communes, each holding one site with its rooms and
8,000 assets, to the new commune, interleaved (bench/rounds.py):
  1. the service, as a province admin (who holds both sides): POST /api/v1/handovers
     built from everything the former unit holds (`items: {from_unit_id}`), submit, the
     assets received by scanned tag in batches of 200 and the site and rooms ticked,
     then both signatures, the second completing it: items listed with what the giver
     lists, each receipt, the signatures' minutes hash, the sites and assets passed to
     the receiving unit, every change in the hash-chained history;
  2. the baseline: the same state change as hand-written SQL (INSERT ... SELECT for the
     handover, its items and their open-handover keys, an UPDATE per batch of 200 tags,
     the statuses step by step as the database's workflow allows, UPDATE ... FROM passing
     sites and assets), no history.
Both end with the same handover items and the same holders, checked after the rounds.
Figures are seconds; the target, the service within 3x the SQL's time, is checked against
the median of the per-round ratios.

    python bench/bench_handover.py [--rounds 5 --assets 8000 --batch 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from datetime import date
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_api import POOL_SIZE, _free_port, _serve  # noqa: E402
from bench.rounds import Comparison, Contender, report, run_rounds  # noqa: E402
from inventory.accounts import tokens  # noqa: E402
from inventory.accounts.principal import Principal, Role  # noqa: E402
from inventory.db import embedded  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.settings import Settings  # noqa: E402

DB_NAME = "inventory_bench_handover"
ROOMS = 20
DECISION = {"number": "1234/QĐ-UBND", "date": "2025-07-01", "issuer": "UBND tỉnh Gia Lai"}

# --- The baseline, statement by statement ---
CREATE = """
INSERT INTO handovers (kind, decision_number, decision_date, decision_issuer, giving_unit_id,
    receiving_unit_id, place, giver_parties, receiver_parties, created_by)
VALUES ('merger', $1, $2::date, $3, $4, $5, 'Trụ sở',
    '[{"name": "Nguyễn Văn A", "position": "Chủ tịch"}]',
    '[{"name": "Trần Thị B", "position": "Chủ tịch"}]', $6)
RETURNING id
"""
LIST = """
WITH inserted AS (
    INSERT INTO handover_items (handover_id, kind, site_id, room_id, asset_id, tag, name,
        form_group, unit_of_measure, quantity, original_cost, remaining_value, condition, notes)
    SELECT $1::bigint, 'site', s.id, NULL::bigint, NULL::bigint, NULL::text, s.name, 'A',
        'cơ sở', 1, 0::bigint, NULL::bigint, s.condition,
        concat_ws('; ', nullif(s.address, ''), 'đất ' || s.land_area_m2 || ' m²',
                  'sàn ' || s.floor_area_m2 || ' m²')
    FROM sites s WHERE s.holder_unit_id = $2
    UNION ALL
    SELECT $1::bigint, 'room', r.site_id, r.id, NULL, NULL, r.name, 'A', 'phòng', 1, 0, NULL,
        s.condition, concat_ws('; ', s.name, 'tầng ' || r.floor, r.area_m2 || ' m²')
    FROM rooms r JOIN sites s ON s.id = r.site_id WHERE s.holder_unit_id = $2
    UNION ALL
    SELECT $1::bigint, 'asset', NULL, NULL, a.id, a.tag, a.name, c.form_group, a.unit_of_measure,
        a.quantity, a.original_cost, a.remaining_value, a.condition,
        concat_ws('; ', nullif(a.model, ''), nullif(a.serial, ''))
    FROM assets a JOIN categories c ON c.id = a.category_id
    WHERE a.holder_unit_id = $2 AND a.status <> 'disposed'
    RETURNING id, kind, coalesce(asset_id, room_id, site_id) AS entity_id
)
INSERT INTO handover_open_items (entity, entity_id, handover_id, item_id)
SELECT kind, entity_id, $1, id FROM inserted
"""
STATUS = "UPDATE handovers SET status = $2, version = version + 1, updated_at = now() WHERE id = $1"
RECEIVE_TAGS = """
UPDATE handover_items SET transfer_status = 'received', recorded_by = $3, recorded_at = now()
WHERE handover_id = $1 AND kind = 'asset' AND tag = ANY($2::text[])
"""
RECEIVE_PLACES = """
UPDATE handover_items SET transfer_status = 'received', recorded_by = $2, recorded_at = now()
WHERE handover_id = $1 AND kind IN ('site', 'room')
"""
SIGN_GIVER = """
UPDATE handovers SET status = 'signed_by_giver', giver_signed_by = $2,
    giver_signer_name = 'Nguyễn Văn A', giver_signer_position = 'Chủ tịch',
    giver_signed_at = now(), giver_signed_hash = $3, version = version + 1, updated_at = now()
WHERE id = $1
"""
PASS_SITES = """
UPDATE sites s SET holder_unit_id = $2, version = s.version + 1, updated_at = now()
FROM handover_items i
WHERE i.handover_id = $1 AND i.kind = 'site' AND i.transfer_status = 'received'
  AND s.id = i.site_id
"""
PASS_ASSETS = """
UPDATE assets a SET holder_unit_id = $2, version = a.version + 1, updated_at = now()
FROM handover_items i
WHERE i.handover_id = $1 AND i.kind = 'asset' AND i.transfer_status = 'received'
  AND a.id = i.asset_id
"""
COMPLETE = """
UPDATE handovers SET status = 'completed', receiver_signed_by = $2,
    receiver_signer_name = 'Trần Thị B', receiver_signer_position = 'Chủ tịch',
    receiver_signed_at = now(), receiver_signed_hash = $3, completed_at = now(),
    version = version + 1, updated_at = now()
WHERE id = $1
"""
# What both ways must leave alike: the items as listed and recorded, and who holds what.
STATE = """
SELECT (SELECT status FROM handovers WHERE id = $1) AS status,
    (SELECT array_agg(x ORDER BY x) FROM (
        SELECT (kind, form_group, transfer_status, count(*), sum(quantity), sum(original_cost),
                sum(remaining_value), count(DISTINCT coalesce(asset_id, room_id, site_id)))::text
        FROM handover_items WHERE handover_id = $1 GROUP BY kind, form_group, transfer_status
    ) AS t(x)) AS items,
    (SELECT count(*) FROM assets WHERE holder_unit_id = $2)
        + (SELECT count(*) FROM sites WHERE holder_unit_id = $2) AS still_held,
    (SELECT count(*) FROM handover_open_items WHERE handover_id = $1) AS open_keys
"""


async def _fresh_database(server_url: str) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await admin.close()
    return embedded.with_database(server_url, DB_NAME)


async def _seed(url: str, former: int, per_unit: int) -> dict[str, object]:
    """A province with its admin, the new commune, and `former` former communes merged
    into it, each holding a site of ROOMS rooms and `per_unit` tagged assets."""
    conn = await asyncpg.connect(url)
    try:
        province = await conn.fetchval(
            "INSERT INTO units (code, name, kind) VALUES ('B52', 'Tỉnh', 'province') RETURNING id"
        )
        commune = await conn.fetchval(
            "INSERT INTO units (code, name, kind, parent_id)"
            " VALUES ('B24065', 'Xã mới', 'commune', $1) RETURNING id",
            province,
        )
        admin = await conn.fetchval(
            "INSERT INTO users (login, password_hash, role, unit_id)"
            " VALUES ('bench', 'x', 'admin', $1) RETURNING id",
            province,
        )
        categories = [
            await conn.fetchval(
                "INSERT INTO categories (code, name, form_group) VALUES ($1, $2, $3) RETURNING id",
                code,
                name,
                group,
            )
            for code, name, group in (("BG", "Bàn ghế", "D"), ("MT", "Máy tính", "C"))
        ]
        units = []
        for n in range(former):
            unit = await conn.fetchval(
                "INSERT INTO units (code, name, kind, parent_id, merged_into_id)"
                " VALUES ($1, $2, 'former_commune', $3, $4) RETURNING id",
                f"F{n:03d}",
                f"Xã cũ {n}",
                province,
                commune,
            )
            site = await conn.fetchval(
                "INSERT INTO sites (holder_unit_id, name) VALUES ($1, $2) RETURNING id",
                unit,
                f"Trụ sở xã cũ {n}",
            )
            rooms = [
                r["id"]
                for r in await conn.fetch(
                    "INSERT INTO rooms (site_id, name)"
                    " SELECT $1, 'Phòng ' || i FROM generate_series(1, $2::int) AS i"
                    " RETURNING id",
                    site,
                    ROOMS,
                )
            ]
            await conn.execute(
                "INSERT INTO assets (tag, name, category_id, holder_unit_id, site_id, room_id,"
                " original_cost, remaining_value)"
                " SELECT $1 || lpad(i::text, 7, '0'), 'Tài sản ' || i,"
                " ($2::bigint[])[1 + i % 2], $3, $4, ($5::bigint[])[1 + i % cardinality($5)],"
                " 1000000 + i, 500000 + i"
                " FROM generate_series(1, $6::int) AS i",
                f"F{n:03d}-",
                categories,
                unit,
                site,
                rooms,
                per_unit,
            )
            units.append(unit)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"province": province, "commune": commune, "admin": admin, "former": units}


class Bench:
    def __init__(self, url: str, port: int, token: str, world: dict[str, object], args) -> None:
        self.url, self.world, self.args = url, world, args
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=600,
        )
        self.former: list[int] = list(world["former"])  # type: ignore[call-overload]
        self.done: list[tuple[int, int]] = []  # (handover, former unit), both ways

    async def _tags(self, unit: int) -> list[str]:
        conn = await asyncpg.connect(self.url)
        try:
            rows = await conn.fetch("SELECT tag FROM assets WHERE holder_unit_id = $1", unit)
        finally:
            await conn.close()
        return [r["tag"] for r in rows]

    def _batches(self, unit: int) -> list[list[str]]:
        tags = asyncio.run(self._tags(unit))
        return [tags[i : i + self.args.batch] for i in range(0, len(tags), self.args.batch)]

    def _post(self, path: str, body: dict[str, object] | None = None) -> dict:
        response = self.http.post(f"/api/v1/handovers{path}", json=body)
        if response.is_error:
            raise SystemExit(f"POST {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def service(self, _round: int) -> float:
        unit = self.former.pop()
        batches = self._batches(unit)
        started = time.perf_counter()
        handover = self._post(
            "",
            {
                "kind": "merger",
                "decision": DECISION,
                "giving_unit_id": unit,
                "receiving_unit_id": self.world["commune"],
                "place": "Trụ sở",
                "giver_parties": [{"name": "Nguyễn Văn A", "position": "Chủ tịch"}],
                "receiver_parties": [{"name": "Trần Thị B", "position": "Chủ tịch"}],
                "items": {"from_unit_id": unit},
            },
        )["id"]
        self._post(f"/{handover}/submit")
        for tags in batches:
            self._post(f"/{handover}/receipts", {"status": "received", "tags": tags})
        places = self.http.get(
            f"/api/v1/handovers/{handover}/items",
            params={"transfer_status": "listed", "limit": 200},
        )
        places.raise_for_status()
        item_ids = [item["id"] for item in places.json()["items"]]
        self._post(f"/{handover}/receipts", {"status": "received", "item_ids": item_ids})
        for side, name in (("giver", "Nguyễn Văn A"), ("receiver", "Trần Thị B")):
            signed = self._post(
                f"/{handover}/sign", {"name": name, "position": "Chủ tịch", "side": side}
            )
        elapsed = time.perf_counter() - started
        assert signed["status"] == "completed", signed["status"]
        self.done.append((handover, unit))
        return elapsed

    def baseline(self, _round: int) -> float:
        unit = self.former.pop()
        batches = self._batches(unit)
        return asyncio.run(self._baseline(unit, batches))

    async def _baseline(self, unit: int, batches: list[list[str]]) -> float:
        admin = self.world["admin"]
        digest = secrets.token_hex(32)
        conn = await asyncpg.connect(self.url)
        try:
            started = time.perf_counter()
            async with conn.transaction():
                handover = await conn.fetchval(
                    CREATE,
                    DECISION["number"],
                    date.fromisoformat(DECISION["date"]),
                    DECISION["issuer"],
                    unit,
                    self.world["commune"],
                    admin,
                )
                await conn.execute(LIST, handover, unit)
            await conn.execute(STATUS, handover, "submitted")
            await conn.execute(STATUS, handover, "verifying")
            for tags in batches:
                await conn.execute(RECEIVE_TAGS, handover, tags, admin)
            await conn.execute(RECEIVE_PLACES, handover, admin)
            await conn.execute(SIGN_GIVER, handover, admin, digest)
            async with conn.transaction():
                await conn.execute(PASS_SITES, handover, self.world["commune"])
                await conn.execute(PASS_ASSETS, handover, self.world["commune"])
                await conn.execute(COMPLETE, handover, admin, digest)
            elapsed = time.perf_counter() - started
        finally:
            await conn.close()
        self.done.append((handover, unit))
        return elapsed

    def check(self) -> None:
        """Every handover completed, each giver left holding nothing, and the items alike
        (the same shape of list, whichever way it was made)."""
        asyncio.run(self._check())

    async def _check(self) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            lists = set()
            for handover, unit in self.done:
                state = await conn.fetchrow(STATE, handover, unit)
                assert state["status"] == "completed", (handover, state["status"])
                assert state["still_held"] == 0 and state["open_keys"] == 0, (handover, state)
                lists.add(tuple(state["items"]))  # the former units are alike
            assert len(lists) == 1, f"{len(lists)} different item lists"
        finally:
            await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--assets", type=int, default=8000, help="per former commune")
    parser.add_argument("--batch", type=int, default=200, help="tags per receipt")
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
        started = time.perf_counter()
        world = asyncio.run(_seed(url, 2 * (args.rounds + 1), args.assets))
        print(
            f"seeded {2 * (args.rounds + 1)} former communes"
            f" in {time.perf_counter() - started:.0f} s"
        )
        secret = secrets.token_urlsafe(32)
        principal = Principal(
            user_id=world["admin"],  # type: ignore[arg-type]
            login="bench",
            role=Role.ADMIN,
            unit_id=world["province"],  # type: ignore[arg-type]
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
            f"{args.assets:,} assets, a site and {ROOMS} rooms per handover, receipts of"
            f" {args.batch} tags, {args.rounds} rounds, {args.order} order, one uvicorn"
            f" worker, {os.cpu_count()} cores"
        )
        bench.service(0)  # warm-up
        bench.baseline(0)
        contenders = [
            Contender("service (API)", bench.service, "s", higher_is_better=False),
            Contender("hand-written SQL", bench.baseline, "s", higher_is_better=False),
        ]
        result = run_rounds(contenders, args.rounds, order=args.order)
        bench.check()
        print("every handover completed, its giver left with nothing, the same items each way")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]
    service_name, baseline_name = (c.name for c in contenders)
    # Within 3x the SQL's time is a speed ratio of at least 1/3.
    report(
        result,
        [Comparison(service_name, baseline_name, target=0.333, label="service / SQL")],
    )


if __name__ == "__main__":
    main()
