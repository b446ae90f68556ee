"""`inventory backup` and `inventory restore`: a round trip gives back the same rows and
the same history chains, and a restore that would mix two databases is refused."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from inventory.cli import main
from inventory.db import embedded
from inventory.db.backup import embedded_bin
from tests.conftest import run_sql
from tests.world import World

TABLES = """
SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname
"""
DIGEST = "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"


def digests(url: str, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """Every table's rows, as one digest per table (history and jobs' files included)."""

    async def go() -> dict[str, str]:
        conn = await asyncpg.connect(url)
        try:
            names = [r[0] for r in await conn.fetch(TABLES) if r[0] not in leave_out]
            return {name: await conn.fetchval(DIGEST.format(name)) for name in names}
        finally:
            await conn.close()

    return asyncio.run(go())


def _admin(server_url: str, sql: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


@pytest.fixture
def fresh_database(server_url: str) -> Iterator[str]:
    """An empty database on the same server, dropped afterwards."""
    name = f"inventory_restore_{os.getpid()}_{secrets.token_hex(4)}"
    _admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield embedded.with_database(server_url, name)
    finally:
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[callable]:
    """Point the command line at a database; the embedded server's tools if it runs one."""
    if not os.environ.get("INVENTORY_DATABASE_URL"):
        monkeypatch.setenv("INVENTORY_PG_BIN", str(embedded_bin()))

    def use(url: str) -> None:
        monkeypatch.setenv("INVENTORY_DATABASE_URL", url)

    yield use


def _run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_round_trip_gives_the_same_rows_and_history(
    world: World, database_url: str, fresh_database: str, cli_env, tmp_path: Path, capsys
) -> None:
    # Data with history: a moved asset and a new one, beside the seeded province.
    asset = world.create(
        "/api/v1/assets",
        name="Máy chiếu Epson =SUM(A1)",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
        original_cost=12_500_000,
    )
    assert asset["id"]
    file = tmp_path / "province.backup"
    cli_env(database_url)
    assert _run(["backup", str(file)]) == 0
    assert "backed up to" in capsys.readouterr().out
    assert file.read_bytes()[:5] == b"PGDMP"

    cli_env(fresh_database)
    assert _run(["restore", str(file)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "history verified" in out

    assert digests(fresh_database) == digests(database_url)
    heads = "SELECT chain, seq, hash FROM event_heads ORDER BY chain"
    assert run_sql(fresh_database, heads) == run_sql(database_url, heads)
    names = run_sql(fresh_database, "SELECT name FROM assets WHERE id = $1", asset["id"])
    assert names[0]["name"] == "Máy chiếu Epson =SUM(A1)"


def test_restore_into_a_database_with_tables_is_refused_unless_forced(
    world: World, database_url: str, fresh_database: str, cli_env, tmp_path: Path, capsys
) -> None:
    file = tmp_path / "p.backup"
    cli_env(database_url)
    assert _run(["backup", str(file)]) == 0
    cli_env(fresh_database)
    assert _run(["restore", str(file)]) == 0
    capsys.readouterr()
    # A second restore over it: refused in one line, nothing touched.
    run_sql(fresh_database, "CREATE TABLE local_notes (note text)")
    assert _run(["restore", str(file)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("inventory: the database is not empty") and "--force" in err
    assert "\n" not in err
    assert run_sql(fresh_database, "SELECT count(*) FROM local_notes")[0][0] == 0
    # Forced: the backup's objects are replaced; the rows are the backup's again.
    run_sql(fresh_database, "UPDATE assets SET name = 'changed since the backup'")
    assert _run(["restore", "--force", str(file)]) == 0
    assert "history verified" in capsys.readouterr().out
    assert digests(fresh_database, ("local_notes",)) == digests(database_url)
    assert run_sql(fresh_database, "SELECT count(*) FROM local_notes")[0][0] == 0


def test_a_file_that_is_not_a_backup_is_refused(
    fresh_database: str, cli_env, tmp_path: Path, capsys
) -> None:
    cli_env(fresh_database)
    file = tmp_path / "notes.txt"
    file.write_text("not a dump")
    assert _run(["restore", str(file)]) == 1
    assert "is not a backup made by `inventory backup`" in capsys.readouterr().err
    assert _run(["restore", str(tmp_path / "missing.backup")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_client_tools_older_than_the_server_are_refused(
    database_url: str, cli_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    old = tmp_path / "bin"
    old.mkdir()
    for name in ("pg_dump", "pg_restore"):
        tool = old / name
        tool.write_text("#!/bin/sh\necho '" + name + " (PostgreSQL) 9.6.24'\n")
        tool.chmod(0o755)
    cli_env(database_url)
    monkeypatch.setenv("INVENTORY_PG_BIN", str(old))
    file = tmp_path / "never.backup"
    assert _run(["backup", str(file)]) == 1
    err = capsys.readouterr().err
    assert "pg_dump 9 cannot work with PostgreSQL" in err
    assert not file.exists() and not (tmp_path / "never.backup.partial").exists()
    monkeypatch.setenv("INVENTORY_PG_BIN", str(tmp_path))  # a folder without the tools
    assert _run(["backup", str(file)]) == 1
    assert "pg_dump is not in" in capsys.readouterr().err
