"""A province per schema, as docs/scaling.md lays out a national deployment: two provinces
migrated into one database, each as its own role whose search_path is its own schema, hold
every object there, refer to nothing outside it, and are served by unchanged code."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from collections.abc import Iterator

import asyncpg
import pytest
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.db import embedded
from inventory.db.migrate import upgrade
from inventory.settings import Settings
from tests.world import World, seed_world

PROVINCES = ("gia_lai", "quang_ngai")


def _as_role(url: str, role: str) -> str:
    """The server URL with another user (both the embedded and the configured ones name
    `postgres`)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{role}@{rest.split('@', 1)[1]}"


async def _run(url: str, *statements: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        rows: list[asyncpg.Record] = []
        for statement in statements:
            rows = await conn.fetch(statement)
        return rows
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def provinces(server_url: str) -> Iterator[dict[str, str]]:
    """The URL of each province's role in one fresh database, migrated."""
    token = secrets.token_hex(3)
    database = f"inventory_provinces_{token}"
    roles = {name: f"{name}_{token}" for name in PROVINCES}
    asyncio.run(_run(server_url, f'CREATE DATABASE "{database}"'))
    admin = embedded.with_database(server_url, database)
    try:
        for role in roles.values():
            asyncio.run(
                _run(
                    admin,
                    f'CREATE ROLE "{role}" LOGIN',
                    f'CREATE SCHEMA "{role}" AUTHORIZATION "{role}"',
                    f'ALTER ROLE "{role}" IN DATABASE "{database}" SET search_path = "{role}"',
                    "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                )
            )
        urls = {name: _as_role(admin, role) for name, role in roles.items()}
        for url in urls.values():
            upgrade(url)  # as the province's role: no superuser, no extension
        yield urls
    finally:
        asyncio.run(_run(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        for role in roles.values():
            asyncio.run(_run(server_url, f'DROP ROLE IF EXISTS "{role}"'))


def test_each_province_holds_all_its_objects_in_its_own_schema(provinces: dict[str, str]) -> None:
    counts = []
    for url in provinces.values():
        schema = asyncio.run(_run(url, "SELECT current_schema()"))[0][0]
        objects = asyncio.run(
            _run(
                url,
                "SELECT n.nspname, count(*) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                " AND (pg_get_userbyid(c.relowner) = current_user OR n.nspname = 'public')"
                " GROUP BY 1",
            )
        )
        assert [row[0] for row in objects] == [schema]  # nothing in public or elsewhere
        counts.append(objects[0][1])
        functions = asyncio.run(
            _run(
                url,
                "SELECT count(*) FILTER (WHERE n.nspname = current_schema()), count(*)"
                " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE pg_get_userbyid(p.proowner) = current_user OR n.nspname = 'public'",
            )
        )[0]
        assert functions[0] == functions[1] > 0  # the triggers' functions too
        # A foreign key never leaves the schema: the schema can be placed whole on one node.
        outside = asyncio.run(
            _run(
                url,
                "SELECT conname FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.confrelid"
                " JOIN pg_namespace n ON n.oid = t.relnamespace"
                " JOIN pg_class f ON f.oid = c.conrelid"
                " WHERE c.contype = 'f' AND pg_get_userbyid(f.relowner) = current_user"
                " AND n.nspname <> current_schema()",
            )
        )
        assert outside == []
    assert counts[0] == counts[1]  # the same schema twice


def _world(url: str) -> tuple[TestClient, World]:
    settings = dataclasses.replace(
        Settings.from_env(),
        database_url=url,
        secret_key="test-secret-" + secrets.token_hex(8),
        public_base_url="http://127.0.0.1:8000",
        sign_in_failures=100_000,
    )
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    client.__enter__()
    return client, asyncio.run(seed_world(url, client))


def test_unchanged_code_serves_each_province_from_its_schema(provinces: dict[str, str]) -> None:
    served = {name: _world(url) for name, url in provinces.items()}
    try:
        name = f"Máy chiếu {secrets.token_hex(3)}"
        gia_lai, quang_ngai = (served[p][1] for p in PROVINCES)
        created = gia_lai.officer_a.post(
            "/api/v1/assets",
            json={
                "name": name,
                "category_id": gia_lai.categories["MT"],
                "holder_unit_id": gia_lai.units["A"],
                "room_id": gia_lai.rooms["A"],
            },
        )
        assert created.status_code == 201, created.text
        asset = created.json()

        def found(world: World) -> list[str]:
            listed = world.officer_a.get("/api/v1/assets", params={"q": name})
            assert listed.status_code == 200
            return [item["name"] for item in listed.json()["items"]]

        assert found(gia_lai) == [name]
        assert found(quang_ngai) == []  # the same code, the same ids: another province's data
        history = gia_lai.officer_a.get(f"/api/v1/assets/{asset['id']}/history")
        assert history.status_code == 200 and history.json()["items"]
    finally:
        for client, _ in served.values():
            client.__exit__(None, None, None)
