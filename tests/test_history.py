"""History: append-only, chained per unit, verified, and never blocking other units."""

from __future__ import annotations

import asyncio
import secrets
import threading
from typing import Any

import asyncpg
import pytest

from inventory.db.pool import connect
from inventory.history import cli as history_cli
from inventory.history import queries as history
from inventory.history.chain import GENESIS, event_hash
from inventory.history.write import Write
from tests.conftest import run_sql
from tests.world import World


def _room(world: World, unit: str = "A") -> dict[str, Any]:
    return world.create(
        "/api/v1/rooms", site_id=world.sites[unit], name=f"P {secrets.token_hex(3)}"
    )


def _verify(database_url: str, unit_id: int | None = None) -> Any:
    async def go() -> Any:
        conn = await connect(database_url)
        try:
            chains = (
                await history.all_chains(conn)
                if unit_id is None
                else await history.scope_chains(conn, unit_id)
            )
            return await history.verify(conn, chains)
        finally:
            await conn.close()

    return asyncio.run(go())


def test_events_refuse_update_and_delete(database_url: str, world: World) -> None:
    _room(world)
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        run_sql(database_url, "UPDATE events SET action = 'forged'")
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        run_sql(database_url, "DELETE FROM events")
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        run_sql(database_url, "TRUNCATE events")


def test_an_event_must_carry_its_own_hash(database_url: str, world: World) -> None:
    with pytest.raises(asyncpg.CheckViolationError, match="own hash"):
        run_sql(
            database_url,
            "INSERT INTO events (chain, seq, at, entity, entity_id, action, prev_hash, hash)"
            " VALUES (999999, 1, now(), 'room', 1, 'forged', $1, $1)",
            GENESIS,
        )


def test_each_unit_has_its_chain_and_the_api_shows_the_links(world: World) -> None:
    room = _room(world, "A")
    changed = world.officer_a.patch(
        f"/api/v1/rooms/{room['id']}", json={"seats": 3}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200
    created, updated = world.officer_a.get(f"/api/v1/rooms/{room['id']}/history").json()["items"]
    assert created["chain"] == updated["chain"] == world.units["A"]
    assert updated["seq"] > created["seq"]
    assert all(len(e["hash"]) == 64 and len(e["prev_hash"]) == 64 for e in (created, updated))
    # The event just before the update in unit A's chain is the one it links to.
    chain = world.auditor.get(
        "/api/v1/history", params={"unit_id": world.units["A"], "limit": 200}
    ).json()["items"]
    previous = next(e for e in chain if e["seq"] == updated["seq"] - 1)
    assert updated["prev_hash"] == previous["hash"]
    other = _room(world, "B")
    first_b = world.officer_b.get(f"/api/v1/rooms/{other['id']}/history").json()["items"][0]
    assert first_b["chain"] == world.units["B"]


def test_python_and_sql_make_the_same_hash(sql, world: World) -> None:
    _room(world)
    row = sql("SELECT * FROM events ORDER BY id DESC LIMIT 1")[0]
    mine = event_hash(
        bytes(row["prev_hash"]),
        row["chain"],
        row["seq"],
        row["at"],
        row["actor_id"],
        row["entity"],
        row["entity_id"],
        row["action"],
        row["before"],
        row["after"],
    )
    assert mine == bytes(row["hash"])


def test_writers_of_different_units_never_wait_for_each_other(
    database_url: str, world: World
) -> None:
    """Unit A's chain head is held as a writer of A holds it just before commit: a write
    of unit B goes through, and one of unit A waits for it."""
    holder_ready, release = threading.Event(), threading.Event()

    async def hold_head_of_a() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            async with conn.transaction():
                await conn.execute(
                    "SELECT 1 FROM event_heads WHERE chain = $1 FOR UPDATE", world.units["A"]
                )
                holder_ready.set()
                await asyncio.get_running_loop().run_in_executor(None, release.wait, 20)
        finally:
            await conn.close()

    _room(world, "A")  # unit A's chain exists
    holder = threading.Thread(target=asyncio.run, args=(hold_head_of_a(),))
    holder.start()
    try:
        assert holder_ready.wait(10)
        b_done: list[int] = []
        writer_b = threading.Thread(
            target=lambda: b_done.append(
                world.officer_b.post(
                    "/api/v1/rooms",
                    json={"site_id": world.sites["B"], "name": secrets.token_hex(4)},
                ).status_code
            )
        )
        writer_b.start()
        writer_b.join(10)
        assert b_done == [201], "a write of unit B waited for unit A's history"
        a_done: list[int] = []
        writer_a = threading.Thread(
            target=lambda: a_done.append(
                world.officer_a.post(
                    "/api/v1/rooms",
                    json={"site_id": world.sites["A"], "name": secrets.token_hex(4)},
                ).status_code
            )
        )
        writer_a.start()
        writer_a.join(1.0)
        assert a_done == [], "unit A's writers append to its chain one at a time"
    finally:
        release.set()
        holder.join(20)
    writer_a.join(10)
    assert a_done == [201]


def test_a_bulk_write_records_its_history_in_a_few_statements(
    database_url: str, world: World
) -> None:
    def statements_for(rows: int) -> list[str]:
        seen: list[str] = []

        async def go() -> None:
            conn = await connect(database_url)
            conn.add_query_logger(lambda record: seen.append(record.query))
            try:
                async with Write(conn, None) as write:
                    write.record_rows(
                        "import",
                        "test",
                        ((i, None, f'{{"n": {i}}}', world.units["B"]) for i in range(rows)),
                    )
            finally:
                await conn.close()

        asyncio.run(go())
        return [q for q in seen if "event" in q]

    few, many = statements_for(3), statements_for(3000)
    assert len(many) == len(few) <= 3, many
    assert _verify(database_url).ok


def test_verify_names_the_first_event_a_superuser_altered(
    database_url: str, world: World, capsys
) -> None:
    room = _room(world, "A")
    target = run_sql(
        database_url,
        "SELECT id, after::text AS after FROM events WHERE entity = 'room' AND entity_id = $1",
        room["id"],
    )[0]
    assert _verify(database_url).ok
    assert asyncio.run(history_cli.verify(database_url, None))

    def forge(after: str) -> None:
        # As a superuser can: with triggers off for the session.
        run_sql(
            database_url,
            "DO $$ BEGIN SET LOCAL session_replication_role = replica;"
            f" UPDATE events SET after = {_literal(after)}::json WHERE id = {target['id']};"
            " END $$",
        )

    forge(target["after"].replace("P ", "Kho "))
    try:
        found = _verify(database_url)
        assert not found.ok
        assert found.first_mismatch.event_id == target["id"]
        assert "content" in found.first_mismatch.problem
        in_scope = _verify(database_url, world.units["A"])
        assert not in_scope.ok and in_scope.first_mismatch.event_id == target["id"]
        assert _verify(database_url, world.units["B"]).ok  # other units' chains are fine
        api = world.auditor.get("/api/v1/history/verify").json()
        assert api["ok"] is False and api["first_mismatch"]["event_id"] == target["id"]
        assert world.officer_a.get("/api/v1/history/verify").status_code == 403
        capsys.readouterr()
        assert not asyncio.run(history_cli.verify(database_url, None))
        assert f"event {target['id']}" in capsys.readouterr().out
    finally:
        forge(target["after"])
    assert _verify(database_url).ok
    assert world.auditor.get("/api/v1/history/verify").json()["ok"] is True


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
