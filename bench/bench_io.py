"""Benchmark: importing a 100,000-row XLSX with validation and history, against the same
file read by the same reader and loaded with COPY, in the same run; and exporting
1,000,000 assets to XLSX, rows per second and peak memory.

Import. The file is made once (the app's export columns, categories by code, neither tag
nor serial: every row goes by its import key, the costliest match). Each round measures,
interleaved (bench/rounds.py):

  1. import: `inventory.imports.run.run_import`, as the job runs it: read (calamine),
     every cell checked, COPY into a temporary table, matched, tags issued, inserted, one
     history event per asset, committed;
  2. COPY: the same file read by the same reader (`imports.reader.table`), its cells
     taken as they are, and COPYed straight into `assets`, committed.

Each into a new commune of its own, in the database inventory_bench_io (made and
migrated here, kept between runs). Target: the import at least 0.5x the COPY's rows per
second, on the median of the per-round ratios.

Export. `GET /api/v1/assets/export.xlsx`'s own code (`api.exports.export_file`) for the
province's scope, every asset, in a child process of its own, whose peak resident memory
(the child's VmHWM) is the figure: at most 150 MB. The assets are those of a bench database
loaded by the demo loader (default inventory_bench_needs_1000000, which bench_needs.py
makes with 1,000,000 assets; --export-db names another).

    python bench/bench_io.py [--rows 100000 --rounds 3 --export-db NAME] [--skip-export]
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
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rounds import Comparison, Contender, Sample, report, run_rounds  # noqa: E402
from inventory.assets import export as asset_export  # noqa: E402
from inventory.db import embedded  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.documents.xlsx import Sheet, write_xlsx  # noqa: E402
from inventory.imports import reader  # noqa: E402
from inventory.imports.run import run_import  # noqa: E402
from inventory.settings import Settings  # noqa: E402

IMPORT_DB = "inventory_bench_io"
EXPORT_DB = "inventory_bench_needs_1000000"
CATEGORIES = [("MT", "Máy tính", "C", 0.2), ("BG", "Bàn ghế", "D", 0.125)]
NAMES = ["Máy tính để bàn", "Bàn làm việc", "Ghế xoay", "Tủ hồ sơ", "Máy in laser"]
COPY_COLUMNS = (
    "name",
    "category_id",
    "unit_of_measure",
    "quantity",
    "acquisition_year",
    "original_cost",
    "funding_source",
    "holder_unit_id",
)


async def _database(server_url: str, name: str) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return embedded.with_database(server_url, name)


async def _prepare(url: str) -> int:
    """The province and the categories the file names; the province's id."""
    conn = await asyncpg.connect(url)
    try:
        province = await conn.fetchval("SELECT id FROM units WHERE code = 'BIO'")
        if province is None:
            province = await conn.fetchval(
                "INSERT INTO units (code, name, kind) VALUES ('BIO', 'Tỉnh Đo', 'province')"
                " RETURNING id"
            )
        for code, name, group, rate in CATEGORIES:
            await conn.execute(
                "INSERT INTO categories (code, name, form_group, wear_rate)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING",
                code,
                name,
                group,
                rate,
            )
    finally:
        await conn.close()
    return province


async def _commune(url: str, province: int) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "INSERT INTO units (code, name, kind, parent_id) VALUES ($1, $2, 'commune', $3)"
            " RETURNING id",
            f"BIO-{secrets.token_hex(4)}",
            "Xã Đo",
            province,
        )
    finally:
        await conn.close()


def make_file(rows: int, path: Path) -> None:
    """`rows` assets in the export's columns (no id, tag or serial), through the kernel."""
    columns = [c for c in asset_export.COLUMNS if c.title not in ("Mã hệ thống", "Mã tài sản")]
    titles = [c.title for c in columns]
    keep = {
        "Tên tài sản": lambda i: f"{NAMES[i % len(NAMES)]} số {i}",
        "Loại tài sản": lambda i: CATEGORIES[i % 2][0],
        "Đơn vị tính": lambda i: "cái",
        "Số lượng": lambda i: 1 + i % 3,
        "Năm sử dụng": lambda i: 2015 + i % 10,
        "Nguyên giá (đồng)": lambda i: 1_000_000 + (i * 7919) % 50_000_000,
        "Nguồn vốn": lambda i: "Ngân sách nhà nước",
        "Tình trạng": lambda i: "Tốt",  # as the export writes it
    }
    body = ([keep[t](i) if t in keep else None for t in titles] for i in range(rows))
    with path.open("wb") as file:
        write_xlsx(file, [Sheet("Tài sản", columns, body)])


async def _import(url: str, province: int, content: bytes) -> float:
    unit = await _commune(url, province)
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        found = await run_import(conn, None, unit, unit, content, dry_run=False, prefix="52")
        elapsed = time.perf_counter() - started
    finally:
        await conn.close()
    if found.problem_count or found.added != found.rows:
        raise SystemExit(f"the import did not add every row: {found.problems[:3]}")
    return found.added / elapsed


async def _copy(url: str, province: int, content: bytes) -> float:
    unit = await _commune(url, province)
    conn = await asyncpg.connect(url)
    try:
        ids = dict(await conn.fetch("SELECT code, id FROM categories"))
        started = time.perf_counter()
        _, table = reader.table(content)
        header = next(table)
        at = {title: n for n, title in enumerate(header)}

        def record(cells: list) -> tuple:
            return (
                cells[at["Tên tài sản"]],
                ids[cells[at["Loại tài sản"]]],
                cells[at["Đơn vị tính"]],
                int(cells[at["Số lượng"]]),
                int(cells[at["Năm sử dụng"]]),
                int(cells[at["Nguyên giá (đồng)"]]),
                cells[at["Nguồn vốn"]],
                unit,
            )

        async with conn.transaction():
            records = [record(cells) for cells in table]
            await conn.copy_records_to_table("assets", records=records, columns=COPY_COLUMNS)
        elapsed = time.perf_counter() - started
    finally:
        await conn.close()
    return len(records) / elapsed


def _export_child(url: str) -> None:
    """In the child: the province's every asset to XLSX through the export's code."""
    import anyio

    from inventory.api.exports import export_file
    from inventory.assets.export import ASSETS as EXPORT
    from inventory.assets.filters import ASSETS as LISTING
    from inventory.db.pool import create_pool

    async def go() -> dict[str, float]:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                province = await conn.fetchval("SELECT id FROM units WHERE kind = 'province'")
                rows = await conn.fetchval("SELECT count(*) FROM assets")
            started = time.perf_counter()
            file = await export_file(pool, EXPORT, LISTING.choices(), province, "xlsx")
            elapsed = time.perf_counter() - started
            size = os.fstat(file.fileno()).st_size
            file.close()
        finally:
            await pool.close()
        return {"rows": rows, "seconds": elapsed, "bytes": size, "peak_mb": _peak_mb()}

    print(json.dumps(anyio.run(go)))


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM). Not getrusage's maxrss from the
    parent: Linux carries the parent's high-water mark into a child across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _export(url: str) -> dict[str, float]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--export-child", url], stdout=subprocess.PIPE, text=True
    )
    out, _ = child.communicate()
    if child.returncode:
        raise SystemExit(f"the export failed ({child.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def _bench_import(server_url: str, rows: int, rounds: int) -> bool:
    url = asyncio.run(_database(server_url, IMPORT_DB))
    upgrade(url)
    province = asyncio.run(_prepare(url))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tai-san.xlsx"
        started = time.perf_counter()
        make_file(rows, path)
        content = path.read_bytes()
        print(
            f"file: {rows:,} rows, {len(content) / 1e6:.1f} MB XLSX,"
            f" made in {time.perf_counter() - started:.1f} s"
        )

    def measure(how):
        def run(round_number: int) -> Sample:
            rate = asyncio.run(how(url, province, content))
            return Sample(rate, f"{rows / rate:.1f} s")

        return run

    result = run_rounds(
        [
            Contender("import", measure(_import), "rows/s"),
            Contender("COPY", measure(_copy), "rows/s"),
        ],
        rounds=rounds,
    )
    met = report(result, [Comparison("import", "COPY", target=0.5)])
    print(f"peak memory of this process (import and COPY rounds): {_peak_mb():.0f} MB")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--export-db", default=EXPORT_DB)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        _export_child(args.export_child)
        return

    settings = Settings.from_env()
    server_url = settings.database_url
    if server_url is None:
        _server, server_url = embedded.start(settings.data_dir)
    ok = True
    if not args.skip_import:
        ok = _bench_import(server_url, args.rows, args.rounds)
    if not args.skip_export:
        export_url = embedded.with_database(server_url, args.export_db)
        figures = _export(export_url)
        rate = figures["rows"] / figures["seconds"]
        print(
            f"export: {figures['rows']:,} assets to XLSX in {figures['seconds']:.1f} s,"
            f" {rate:,.0f} rows/s, {figures['bytes'] / 1e6:.0f} MB file,"
            f" peak memory {figures['peak_mb']:.0f} MB (target at most 150 MB)"
        )
        ok = ok and figures["peak_mb"] <= 150
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
