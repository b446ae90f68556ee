"""Backups: the whole database in pg_dump's custom format, and restoring one.

The embedded server's own pg_dump and pg_restore are those pgserver ships beside its
postgres; a configured server's are found on PATH (or in INVENTORY_PG_BIN), and must
be of the server's major version or newer (an older pg_dump refuses a newer server,
and an older pg_restore may not read a newer archive). Everything the app keeps is in
the database (sessions, history and its chain heads, jobs and their files), so one
file is the whole deployment.

Restoring is one transaction (`--single-transaction --exit-on-error`): it is all
restored or nothing is. It goes into an empty database; into one that holds tables it
is refused unless forced, which drops the backup's objects before making them again.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from inventory.console import Failure
from inventory.db.pool import connect

# What a fresh database holds besides its tables: nothing in these schemas counts.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
TABLES = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname <> ALL($1::text[])
  AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
"""


@dataclass(frozen=True, slots=True)
class Tools:
    """The pg_dump and pg_restore a backup or restore runs."""

    pg_dump: Path
    pg_restore: Path


def embedded_bin() -> Path:
    """The folder of the embedded server's binaries (pgserver's pginstall/bin)."""
    import pgserver  # only for the embedded server

    return Path(pgserver.__file__).resolve().parent / "pginstall" / "bin"


def find_tools(bin_dir: Path | None) -> Tools:
    """pg_dump and pg_restore in `bin_dir`, or on PATH; a one-line failure if missing."""
    found = []
    for name in ("pg_dump", "pg_restore"):
        path = bin_dir / name if bin_dir else None
        if path is None or not path.is_file():
            where = shutil.which(name) if bin_dir is None else None
            path = Path(where) if where else None
        if path is None:
            place = f"in {bin_dir}" if bin_dir else "on PATH"
            raise Failure(
                f"{name} is not {place}: install PostgreSQL's client tools"
                " (e.g. postgresql-client-16) or set INVENTORY_PG_BIN to their folder"
            )
        found.append(path)
    return Tools(*found)


def tool_major(tool: Path) -> int:
    """The major version `tool --version` prints ("pg_dump (PostgreSQL) 16.2" is 16)."""
    out = subprocess.run(  # noqa: S603 (the tools found by find_tools, no shell)
        [str(tool), "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"\)\s*(\d+)", out)
    if match is None:
        raise Failure(f"{tool} --version did not say its version: {out.strip()!r}")
    return int(match.group(1))


async def _server(url: str) -> tuple[int, int]:
    """The server's major version and how many tables the database holds."""
    conn = await connect(url)
    try:
        version = int(await conn.fetchval("SHOW server_version_num")) // 10000
        tables = await conn.fetchval(TABLES, list(SYSTEM_SCHEMAS))
    finally:
        await conn.close()
    return version, tables


def _check_version(tool: Path, server: int) -> None:
    major = tool_major(tool)
    if major < server:
        raise Failure(
            f"{tool.name} {major} cannot work with PostgreSQL {server}: install the"
            f" {server} client tools and set INVENTORY_PG_BIN to their folder"
        )


def _run(args: list[str], what: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise Failure(f"{what} failed: {lines[0] if lines else f'exit {result.returncode}'}")


def backup(url: str, target: Path, tools: Tools) -> int:
    """Dump the database at `url` to `target` (custom format); its size in bytes.

    Written beside the target and renamed at the end, so a failed backup never leaves a
    truncated file under the name of a good one.
    """
    server, _ = asyncio.run(_server(url))
    _check_version(tools.pg_dump, server)
    partial = target.with_name(target.name + ".partial")
    try:
        _run(
            [str(tools.pg_dump), "--format=custom", f"--file={partial}", f"--dbname={url}"],
            "pg_dump",
        )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def restore(url: str, source: Path, tools: Tools, *, force: bool = False) -> None:
    """Restore `source` into the database at `url`, in one transaction.

    Refused when the database holds tables, unless `force`: then the backup's objects
    are dropped first (`--clean`), in the same transaction.
    """
    if not source.is_file():
        raise Failure(f"{source}: no such file")
    with source.open("rb") as file:
        if file.read(5) != b"PGDMP":
            raise Failure(f"{source} is not a backup made by `inventory backup` (pg_dump -Fc)")
    server, tables = asyncio.run(_server(url))
    _check_version(tools.pg_restore, server)
    if tables and not force:
        raise Failure(
            f"the database is not empty ({tables} tables): restore into a new database,"
            " or add --force to replace what the backup holds"
        )
    args = [
        str(tools.pg_restore),
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        f"--dbname={url}",
    ]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, str(source)], "pg_restore")
