"""Test set-up: a throwaway database on a real PostgreSQL, and a seeded little province.

With INVENTORY_DATABASE_URL set, the database is made on that server; otherwise
on the embedded server in the project's data folder. Either way it is dropped
after the run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.db import embedded
from inventory.db.migrate import upgrade
from inventory.settings import Settings
from tests.world import World, seed_world


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    configured = os.environ.get("INVENTORY_DATABASE_URL")
    if configured:
        yield configured
        return
    server, url = embedded.start(Settings.from_env().data_dir)
    yield url
    server.cleanup()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    name = f"inventory_test_{os.getpid()}_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = embedded.with_database(server_url, name)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return dataclasses.replace(
        Settings.from_env(),
        database_url=database_url,
        secret_key="test-secret-" + secrets.token_hex(8),
        public_base_url="http://127.0.0.1:8000",
        # Every test signs in; tests/test_accounts.py checks the limit.
        sign_in_failures=100_000,
    )


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def world(database_url: str, client: TestClient) -> World:
    """Province P with communes A and B (each formed from former units) and a user per
    role: admin, auditor and leader for P; officer and leader for A; officer for B."""
    return asyncio.run(seed_world(database_url, client))


def run_sql(database_url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Run one statement on a fresh connection (the app has its own pool and loop)."""

    async def go() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(database_url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(go())


@pytest.fixture
def sql(database_url: str):
    return lambda query, *args: run_sql(database_url, query, *args)
