"""The demo province loader, on a database of its own (the shared test one has units)."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from datetime import date
from typing import Any

import asyncpg
import pytest

from inventory import tagcodes as codes
from inventory.accounts.passwords import verify_password
from inventory.accounts.queries import by_login, principal_of
from inventory.db.embedded import with_database
from inventory.db.migrate import upgrade
from inventory.demo import province
from inventory.demo.assets import Generator
from inventory.demo.catalog import CATEGORIES
from inventory.demo.load import DEMO_PASSWORD, DEMO_USERS, NotEmpty, is_empty, load
from inventory.history import queries as history
from inventory.settings import Settings

COMMUNES = 3
ASSETS = 120  # at least 100, so vehicles are made too


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _admin(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def fresh_database(server_url: str) -> Iterator[Any]:
    """A factory of migrated, empty databases, all dropped at the end."""
    made: list[str] = []

    def make() -> str:
        name = f"inventory_demo_{secrets.token_hex(4)}"
        run(_admin(server_url, f'CREATE DATABASE "{name}"'))
        made.append(name)
        url = with_database(server_url, name)
        upgrade(url)
        return url

    yield make
    for name in made:
        run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def demo_url(fresh_database: Any) -> str:
    url = fresh_database()
    assert run(is_empty(url))
    run(load(url, communes=COMMUNES, assets_per_commune=ASSETS, seed=7))
    return url


def verify_history(url: str) -> tuple[bool, int]:
    """Whether every chain verifies, and how many events they hold."""

    async def go() -> tuple[bool, int]:
        conn = await asyncpg.connect(url)
        try:
            found = await history.verify(conn, await history.all_chains(conn))
        finally:
            await conn.close()
        return found.ok, found.events

    return asyncio.run(go())


def query(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    async def go() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return run(go())


def test_units_are_the_named_gia_lai_ones_with_their_lineage(demo_url: str) -> None:
    assert not run(is_empty(demo_url))
    units = {r["code"]: r for r in query(demo_url, "SELECT * FROM units")}
    assert units["52"]["kind"] == "province"
    expected = province.NAMED[:COMMUNES]
    assert [c.code for c in expected] == ["24065", "24073", "24043"]
    for commune in expected:
        new = units[commune.code]
        assert (new["name"], new["kind"]) == (commune.name, "commune")
        assert new["parent_id"] == units["52"]["id"]
        assert new["valid_from"] == date(2025, 7, 1)
        formers = [u for u in units.values() if u["merged_into_id"] == new["id"]]
        assert len(formers) == len(commune.formers) >= 2
        assert all(
            f["kind"] == "former_commune"
            and f["valid_to"] == date(2025, 6, 30)
            and f["code"].startswith(f"F{commune.code}-")
            for f in formers
        )
    assert units["F24065-1"]["name"] == "Xã Chư Băh (cũ)"
    assert units["F24043-1"]["name"] == "Thị trấn Phú Thiện (cũ)"
    assert len(units) == 1 + COMMUNES + 2 + 2 + 4
    # The scope closure was rebuilt: a former unit is inside its new unit and the province.
    scope = query(
        demo_url,
        "SELECT count(*) FROM unit_scope WHERE unit_id = $1 AND ancestor_id = ANY($2::bigint[])",
        units["F24065-1"]["id"],
        [units["24065"]["id"], units["52"]["id"]],
    )
    assert scope[0][0] == 2


def test_sites_and_rooms_look_real(demo_url: str) -> None:
    sites = query(
        demo_url,
        "SELECT s.*, (SELECT count(*) FROM rooms r WHERE r.site_id = s.id) AS rooms FROM sites s",
    )
    per_holder: dict[int, list[asyncpg.Record]] = {}
    for site in sites:
        per_holder.setdefault(site["holder_unit_id"], []).append(site)
        assert 6 <= site["rooms"] <= 20
        assert 13.0 <= site["latitude"] <= 14.6 and 107.6 <= site["longitude"] <= 109.3
        assert site["floor_area_m2"] > 100 and site["land_area_m2"] >= site["floor_area_m2"] / 3
        assert site["address"].endswith(", tỉnh Gia Lai")
    assert len(per_holder) == COMMUNES
    assert all(1 <= len(s) <= 3 for s in per_holder.values())
    assert all(any(s["role"] == "main_hq" for s in group) for group in per_holder.values())
    old = [s for s in sites if s["role"] == "secondary_hq"]
    for site in old:  # an old headquarters came from one of the holder's former units
        assert site["name"].endswith("(cũ)")
        merged = query(
            demo_url, "SELECT merged_into_id FROM units WHERE id = $1", site["origin_unit_id"]
        )
        assert merged[0][0] == site["holder_unit_id"]
    rooms = query(demo_url, "SELECT name, purpose, area_m2, seats, tag FROM rooms")
    assert all(12 <= r["area_m2"] <= 120 for r in rooms)
    # Every room has its label's code, from the sequence the assets' tags come from.
    assert all(codes.validate(r["tag"]) is codes.TagProblem.VALID for r in rooms)
    room_tags = {r["tag"] for r in rooms}
    asset_tags = {r["tag"] for r in query(demo_url, "SELECT tag FROM assets")}
    assert len(room_tags) == len(rooms) and not room_tags & asset_tags
    assert {"office", "meeting", "archive"} <= {r["purpose"] for r in rooms}
    assert "Phòng Chủ tịch UBND" in {r["name"] for r in rooms}


def test_every_asset_is_tagged_placed_and_plausible(demo_url: str) -> None:
    assets = query(
        demo_url,
        """
        SELECT a.*, s.holder_unit_id AS site_holder, r.site_id AS room_site, u.merged_into_id
        FROM assets a JOIN sites s ON s.id = a.site_id LEFT JOIN rooms r ON r.id = a.room_id
        LEFT JOIN units u ON u.id = a.origin_unit_id""",
    )
    assert len(assets) == COMMUNES * ASSETS
    prefix = Settings.from_env().tag_prefix
    assert all(codes.validate(a["tag"]) is codes.TagProblem.VALID for a in assets)
    assert all(a["tag"].startswith(prefix + "-") for a in assets)
    assert len({a["tag"] for a in assets}) == len(assets)
    for a in assets:
        assert a["site_holder"] == a["holder_unit_id"]
        assert a["room_id"] is None or a["room_site"] == a["site_id"]
        assert a["origin_unit_id"] in (None, a["holder_unit_id"]) or (
            a["merged_into_id"] == a["holder_unit_id"]
        )
        assert 2008 <= a["acquisition_year"] <= 2025
        assert a["original_cost"] > 0 and a["original_cost"] % 1000 == 0
        assert a["unit_of_measure"] in ("cái", "bộ", "chiếc")
        assert a["custodian"]
    conditions = [a["condition"] for a in assets]
    assert conditions.count("good") + conditions.count("fair") > 0.6 * len(assets)
    assert sum(a["status"] == "in_use" for a in assets) > 0.6 * len(assets)
    assert sum(a["remaining_value"] is None for a in assets) > 0.8 * len(assets)
    assert any(a["quantity"] > 1 for a in assets)
    assert any(a["room_id"] is None and a["name"].startswith("Xe ") for a in assets)
    by_holder = {a["holder_unit_id"] for a in assets}
    assert len(by_holder) == COMMUNES


def test_names_keep_their_diacritics(demo_url: str) -> None:
    names = [
        r[0]
        for r in query(
            demo_url,
            "SELECT name FROM units UNION ALL SELECT name FROM"
            " sites UNION ALL SELECT name FROM rooms UNION ALL"
            " (SELECT name FROM assets LIMIT 50) UNION ALL"
            " (SELECT custodian FROM assets LIMIT 50)",
        )
    ]
    assert sum(any(ord(ch) > 127 for ch in n) for n in names) > 0.5 * len(names)
    assert "Trụ sở UBND xã Ia Rbol" in names
    # And the diacritic-blind search column was generated from them.
    hits = query(
        demo_url, "SELECT count(*) FROM assets WHERE search @@ to_tsquery('simple', 'may & tinh')"
    )
    assert hits[0][0] > 0


def test_categories_cover_form_02_groups_with_wear_rates(demo_url: str) -> None:
    rows = {r["code"]: r for r in query(demo_url, "SELECT * FROM categories")}
    assert set(rows) == {c.code for c in CATEGORIES}
    assert {r["form_group"] for r in rows.values()} == {"A", "B", "C", "D"}
    assert all(r["wear_rate"] > 0 for r in rows.values())
    assert float(rows["C-MTDB"]["wear_rate"]) == 0.1429
    assert float(rows["D-TU"]["wear_rate"]) == 0.125
    assert float(rows["B-OTO"]["wear_rate"]) == 0.0667
    assert rows["C-MTDB"]["norm_item"] == "computer"
    assert {r["norm_item"] for r in rows.values()} >= {
        "computer",
        "printer",
        "desk_set",
        "cabinet",
        "phone",
        "meeting_set",
        "scanner",
        "shredder",
        "photocopier",
        "document_shelf",
    }


def test_each_demo_user_signs_in_with_the_shared_password(demo_url: str) -> None:
    async def check() -> dict[str, tuple[str, str]]:
        conn = await asyncpg.connect(demo_url)
        try:
            out = {}
            for login in DEMO_USERS:
                account = await by_login(conn, login)
                assert account is not None and account["active"], login
                assert verify_password(account["password_hash"], DEMO_PASSWORD), login
                assert not verify_password(account["password_hash"], DEMO_PASSWORD + "x")
                principal = principal_of(account)
                code = await conn.fetchval(
                    "SELECT code FROM units WHERE id = $1", principal.unit_id
                )
                out[login] = (principal.role.value, code)
            return out
        finally:
            await conn.close()

    users = run(check())
    assert {role for role, _ in users.values()} == {"admin", "officer", "auditor", "leader"}
    assert users["admin"] == ("admin", "52")
    assert users["canbo.iarbol"] == ("officer", "24065")
    assert len(DEMO_PASSWORD) >= 8


def test_history_has_one_event_per_batch_and_the_chain_holds(demo_url: str) -> None:
    events = query(demo_url, "SELECT entity, action, chain, entity_id FROM events ORDER BY id")
    assert len(events) == 1 + COMMUNES
    assert {(e["entity"], e["action"]) for e in events} == {("import", "demo")}
    # Each commune's event is the first of that commune's own chain.
    assert all(e["chain"] == e["entity_id"] for e in events)
    assert verify_history(demo_url) == (True, 1 + COMMUNES)


def test_every_commune_has_a_plausible_staff(demo_url: str) -> None:
    """About 32 people a commune (norms.md), in every norm group, as its event says."""
    rows = query(
        demo_url,
        "SELECT u.code, p.norm_group, sum(p.holders) AS n, count(*) AS positions"
        " FROM staff_positions p JOIN units u ON u.id = p.unit_id GROUP BY 1, 2",
    )
    staff: dict[str, dict[str, int]] = {}
    for r in rows:
        staff.setdefault(r["code"], {})[r["norm_group"]] = r["n"]
    assert set(staff) == {c.code for c in province.NAMED[:COMMUNES]}
    for groups in staff.values():
        assert groups["secretary"] == 1 and groups["leader"] >= 5 and groups["head"] >= 6
        assert 25 <= sum(groups.values()) <= 45
    told = query(
        demo_url, "SELECT after::jsonb AS after FROM events WHERE after::text LIKE '%staff%'"
    )
    assert sorted(json.loads(e["after"])["staff"] for e in told) == sorted(
        sum(g.values()) for g in staff.values()
    )


def test_a_second_load_is_refused_and_changes_nothing(demo_url: str) -> None:
    before = query(
        demo_url,
        "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM"
        " assets), (SELECT count(*) FROM events)",
    )[0]
    with pytest.raises(NotEmpty, match="already has units"):
        run(load(demo_url, communes=1, assets_per_commune=1))
    after = query(
        demo_url,
        "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM"
        " assets), (SELECT count(*) FROM events)",
    )[0]
    assert tuple(before) == tuple(after)


def _schema(url: str) -> list[str]:
    return [
        r[0]
        for r in query(
            url,
            """
        SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'assets'::regclass
        UNION ALL
        SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'assets'::regclass
        ORDER BY 1""",
        )
    ]


def test_the_loader_leaves_the_assets_indexes_and_keys_as_migrated(
    demo_url: str, fresh_database: Any
) -> None:
    assert _schema(demo_url) == _schema(fresh_database())


def test_a_failure_half_way_leaves_nothing_behind(
    fresh_database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh_database()
    schema = _schema(url)
    rows = Generator.rows

    def failing(self: Generator, *args: Any) -> Iterator[tuple]:
        yield from list(rows(self, *args))[:10]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Generator, "rows", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run(load(url, communes=2, assets_per_commune=20))
    counts = query(
        url,
        "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM categories),"
        " (SELECT count(*) FROM users), (SELECT count(*) FROM assets),"
        " (SELECT count(*) FROM events)",
    )[0]
    assert tuple(counts) == (0, 0, 0, 0, 0)
    assert _schema(url) == schema
    assert run(is_empty(url))


def test_invented_communes_extend_the_named_ones_deterministically() -> None:
    many = province.communes(40, seed=3)
    assert many[: len(province.NAMED)] == province.NAMED
    assert province.communes(20, seed=3) == many[:20]
    assert province.communes(None, seed=3) == province.NAMED
    invented = many[len(province.NAMED) :]
    assert [c.code for c in invented] == [str(90001 + i) for i in range(len(invented))]
    assert all(2 <= len(c.formers) <= 4 for c in invented)
    codes_ = [c.code for c in many] + [f.code for c in many for f in c.formers]
    assert len(set(codes_)) == len(codes_)
    assert len({c.name for c in many}) == len(many)
    assert province.communes(40, seed=4) != many
