"""Needs against the norms: the arithmetic on worked examples from domain/norms.md, and a
commune's room shortfall and equipment gap through the API, scope and failures included."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import random
import secrets
from typing import Any

import asyncpg
import pytest

from bench import bench_needs
from inventory.clock import VIETNAM
from inventory.demo import province
from inventory.demo.staffing import positions
from inventory.needs import report, rules
from inventory.needs.report import norm_of
from inventory.norms import queries as norms
from tests.world import World

M = 1_000_000


@pytest.fixture(scope="module")
def seeded(database_url: str) -> list[rules.Norm]:
    """The norms as the migration seeds them from domain/norms.md."""

    async def go() -> list[rules.Norm]:
        conn = await asyncpg.connect(database_url)
        try:
            day = datetime.date(2026, 1, 1)
            return [norm_of(r) for r in await norms.in_force(conn, day)]
        finally:
            await conn.close()

    return asyncio.run(go())


def _counts(
    staff: dict[str, int],
    rooms: dict[str, tuple[int, float]] | None = None,
    held: dict[str, int] | None = None,
) -> rules.Counts:
    rooms = rooms or {}
    return rules.Counts(
        staff=staff,
        rooms={p: n for p, (n, _) in rooms.items()},
        room_area={p: a for p, (_, a) in rooms.items()},
        rooms_without_area=0,
        held=held or {},
    )


# 32 staff, as norms.md says a commune has: 1 secretary, 6 leaders, 8 heads, 17 staff.
COMMUNE = {"secretary": 1, "leader": 6, "head": 8, "staff": 17}
NAMES = {"printer": "Máy in", "computer": "Máy vi tính"}


def _item(gaps: list[Any], item: str) -> Any:
    return next(g for g in gaps if g.item == item)


def test_round_up_is_exact_and_rounds_up() -> None:
    assert rules.round_up(1, 24, 3) == 8  # not 9: no float error
    assert rules.round_up(1, 25, 3) == 9
    assert rules.round_up(1, 15, 15) == 1
    assert rules.round_up(1, 16, 15) == 2
    assert rules.round_up(1, 0, 15) == 0
    assert rules.round_up(2, 6) == 12
    assert rules.round_up(0.7, 10) == 7


def test_area_is_positions_times_m2_plus_the_shared_allowance(seeded: list[rules.Norm]) -> None:
    rooms = {"office": (12, 400.0), "meeting": (1, 60.0), "reception": (1, 30.0)}
    found = rules.room_shortfall(rules.plan(seeded), _counts(COMMUNE, rooms))
    # 1 × 30 + 6 × 20 + 8 × 18 + 17 × 15 = 549 m²; 70% of it shared: 384.3 m².
    assert [(line.norm_group, line.required_m2) for line in found.position_lines] == [
        ("secretary", 30.0),
        ("leader", 120.0),
        ("head", 144.0),
        ("staff", 255.0),
    ]
    assert (found.position_m2, found.shared_allowance, found.shared_m2) == (549.0, 0.7, 384.3)
    assert found.required_m2 == 933.3
    assert (found.office_m2, found.shared_rooms_m2, found.present_m2) == (400.0, 90.0, 490.0)
    assert found.shortfall_m2 == 443.3 and found.shortfall_pct == 47.5
    assert found.shared_source is not None and found.shared_source.code == "area.shared_allowance"
    assert {line.source.code for line in found.position_lines} == {
        "area.secretary",
        "area.leader",
        "area.head",
        "area.staff",
    }
    # Rooms: a meeting room and a reception room, no archive.
    assert [(r.purpose, r.required, r.present, r.missing) for r in found.rooms] == [
        ("meeting", 1, 1, 0),
        ("reception", 1, 1, 0),
        ("archive", 1, 0, 1),
    ]
    assert found.has_meeting_room and found.has_reception_room and not found.has_archive


def test_the_shared_allowance_is_a_setting(seeded: list[rules.Norm]) -> None:
    half = [dataclasses.replace(n, value=0.5) if n.kind == "shared_area" else n for n in seeded]
    found = rules.room_shortfall(rules.plan(half), _counts(COMMUNE))
    assert (found.shared_m2, found.required_m2) == (274.5, 823.5)
    assert found.shortfall_m2 == 823.5 and found.shortfall_pct == 100.0
    none = rules.room_shortfall(
        rules.plan(n for n in seeded if n.kind != "shared_area"), _counts(COMMUNE)
    )
    assert (none.shared_m2, none.required_m2, none.shared_source) == (0.0, 549.0, None)


def test_per_person_and_per_n_staff_items_round_up(seeded: list[rules.Norm]) -> None:
    # 25 in group VIII (heads and staff): printers 1 per 3 → 9, scanners 1 per 15 → 2,
    # shelves 1 per 10 → 3; the secretary and leaders have printers of their own.
    gaps = rules.equipment_gap(rules.plan(seeded), _counts(COMMUNE, {"office": (14, 400.0)}), NAMES)
    printer = _item(gaps, "printer")
    assert [(line.source.code, line.count, line.required) for line in printer.lines] == [
        ("equipment.vi.printer", 1, 1),
        ("equipment.vii.printer", 6, 6),
        ("equipment.viii.printer", 25, 9),
    ]
    assert printer.required == 16
    assert _item(gaps, "scanner").required == 2
    assert _item(gaps, "shredder").required == 2
    assert _item(gaps, "photocopier").required == 2
    assert _item(gaps, "document_shelf").required == 3
    # The secretary has a desktop and a laptop: 2 + 6 + 25 computers.
    assert _item(gaps, "computer").required == 33
    assert _item(gaps, "cabinet").required == 2 + 12 + 25
    # Meeting sets: the secretary's, the leaders', and one per other office room
    # (14 office rooms less the 7 of the secretary and the leaders).
    meeting = _item(gaps, "meeting_set")
    assert [line.count for line in meeting.lines] == [1, 6, 7] and meeting.required == 14
    # 24 in group VIII: 8 printers, not 9.
    fewer = rules.equipment_gap(rules.plan(seeded), _counts({**COMMUNE, "staff": 16}), NAMES)
    assert _item(fewer, "printer").lines[-1].required == 8


def test_held_assets_cover_by_rank_so_the_gap_is_priced_at_the_last_norms(
    seeded: list[rules.Norm],
) -> None:
    held = {"printer": 10, "computer": 8, "photocopier": 3}
    gaps = rules.equipment_gap(rules.plan(seeded), _counts(COMMUNE, held=held), NAMES)
    printer = _item(gaps, "printer")
    # 10 printers: the secretary's, the 6 leaders', 3 of the 9 shared ones.
    assert [(line.covered, line.gap) for line in printer.lines] == [(1, 0), (6, 0), (3, 6)]
    assert (printer.held, printer.gap, printer.surplus) == (10, 6, 0)
    assert printer.estimated_cost == 6 * 13 * M
    computer = _item(gaps, "computer")
    # 8 computers: the secretary's desktop (20) and laptop (25), 6 leaders'; 25 short.
    assert [line.gap for line in computer.lines] == [0, 0, 0, 25]
    assert computer.estimated_cost == 25 * 20 * M
    photocopier = _item(gaps, "photocopier")
    assert (photocopier.required, photocopier.gap, photocopier.surplus) == (2, 0, 1)
    assert photocopier.estimated_cost == 0


def test_no_staff_needs_nothing_and_what_is_held_is_surplus(seeded: list[rules.Norm]) -> None:
    gaps = rules.equipment_gap(
        rules.plan(seeded), _counts({}, {"office": (3, 50.0)}, {"printer": 2}), NAMES
    )
    assert all(g.required == 0 and g.gap == 0 and g.estimated_cost == 0 for g in gaps)
    assert _item(gaps, "printer").surplus == 2
    rooms = rules.room_shortfall(rules.plan(seeded), _counts({}, {"office": (3, 50.0)}))
    assert (rooms.required_m2, rooms.shortfall_m2, rooms.shortfall_pct) == (0.0, 0.0, 0.0)


def test_the_demo_gives_each_commune_a_plausible_staff() -> None:
    for commune in province.communes(20, 2025):
        rng = random.Random(commune.code)
        total = rng.randint(25, 40)
        staff = positions(rng, commune, total)
        count = sum(p.holders for p in staff)
        assert abs(count - total) <= 3
        by_group = {g: sum(p.holders for p in staff if p.norm_group == g) for g in COMMUNE}
        assert by_group["secretary"] == 1
        assert 5 <= by_group["leader"] <= 9 and 6 <= by_group["head"] <= 12
        assert by_group["staff"] >= 4
        assert len({p.position for p in staff}) == len(staff)


# --- Through the API: a commune of its own, so other tests' assets do not count ---


def _token() -> str:
    return secrets.token_hex(3)


@pytest.fixture(scope="module")
def commune(world: World) -> dict[str, Any]:
    """Commune C: a site in use (two offices of 100 and 80 m², a meeting room of 40, an
    archive of 15, a store of 30 that counts for nothing), an idle site whose 500 m² office
    does not count, and printers and computers in every state."""
    unit = world.create(
        "/api/v1/units",
        code=f"N{_token()}",
        name="Xã Ia Needs",
        kind="commune",
        parent_id=world.units["P"],
    )["id"]
    site = world.create("/api/v1/sites", holder_unit_id=unit, name="Trụ sở", role="main_hq")
    idle = world.create("/api/v1/sites", holder_unit_id=unit, name="Trụ sở cũ", status="idle")
    rooms = {}
    for name, purpose, area in [
        ("Phòng 1", "office", 100),
        ("Phòng 2", "office", 80),
        ("Phòng họp", "meeting", 40),
        ("Kho lưu trữ", "archive", 15),
        ("Kho", "storage", 30),
    ]:
        rooms[name] = world.create(
            "/api/v1/rooms", site_id=site["id"], name=name, purpose=purpose, area_m2=area
        )["id"]
    world.create("/api/v1/rooms", site_id=idle["id"], name="Phòng lớn", area_m2=500)
    printer = world.create(
        "/api/v1/categories",
        code=f"NP{_token()}",
        name="Máy in",
        form_group="C",
        norm_item="printer",
    )["id"]
    computer = world.create(
        "/api/v1/categories",
        code=f"NC{_token()}",
        name="Máy tính",
        form_group="C",
        norm_item="computer",
    )["id"]
    assets = {}
    for key, category, condition, status, quantity in [
        ("p1", printer, "good", "in_use", 1),
        ("p2", printer, "good", "in_use", 1),
        ("p3", printer, "fair", "in_storage", 1),
        ("broken", printer, "broken", "in_storage", 1),  # not usable
        ("repair", printer, "good", "under_repair", 1),  # not usable
        ("lot", computer, "good", "in_use", 3),  # a counted lot of 3
    ]:
        assets[key] = world.create(
            "/api/v1/assets",
            name=f"Thiết bị {key}",
            category_id=category,
            holder_unit_id=unit,
            room_id=rooms["Phòng 1"],
            condition=condition,
            status=status,
            quantity=quantity,
        )["id"]
    staffing = {
        "positions": [
            {"position": "Bí thư Đảng ủy", "norm_group": "secretary", "holders": 1},
            {"position": "Chủ tịch UBND", "norm_group": "leader", "holders": 1},
            {"position": "Phó Chủ tịch UBND", "norm_group": "leader", "holders": 1},
            {"position": "Trưởng phòng Kinh tế", "norm_group": "head", "holders": 2},
            {"position": "Chuyên viên", "norm_group": "staff", "holders": 7},
        ]
    }
    made = world.admin.put(
        f"/api/v1/units/{unit}/staffing", json=staffing, headers={"If-Match": '"0"'}
    )
    assert made.status_code == 200, made.text
    return {"id": unit, "assets": assets, "printer": printer, "staffing": staffing}


def test_a_communes_room_shortfall_through_the_api(world: World, commune: dict) -> None:
    got = world.admin.get(f"/api/v1/needs/units/{commune['id']}")
    assert got.status_code == 200, got.text
    needs = got.json()
    assert needs["staffing_set"] and needs["total_staff"] == 12
    rooms = needs["rooms"]
    # 30 + 2 × 20 + 2 × 18 + 7 × 15 = 211 m², and 70% shared: 358.7 m² against
    # 180 m² of offices and 55 m² of meeting room and archive at the site in use.
    assert (rooms["position_m2"], rooms["shared_m2"], rooms["required_m2"]) == (
        211.0,
        147.7,
        358.7,
    )
    assert (rooms["office_m2"], rooms["shared_rooms_m2"], rooms["present_m2"]) == (
        180.0,
        55.0,
        235.0,
    )
    assert (rooms["shortfall_m2"], rooms["shortfall_pct"]) == (123.7, 34.5)
    assert rooms["has_meeting_room"] and rooms["has_archive"] and not rooms["has_reception_room"]
    assert [r["purpose"] for r in rooms["rooms"] if r["missing"]] == ["reception"]
    assert all(r["source"]["code"].startswith("room.") for r in rooms["rooms"])
    assert {line["source"]["version"] for line in rooms["position_lines"]} == {1}


def test_a_communes_equipment_gap_counts_usable_assets_only(world: World, commune: dict) -> None:
    needs = world.admin.get(f"/api/v1/needs/units/{commune['id']}").json()
    items = {i["item"]: i for i in needs["equipment"]}
    printer = items["printer"]
    # Required: the secretary's, 2 leaders', 3 shared by 9 (1 per 3); held: 3 usable of 5.
    assert (printer["required"], printer["held"], printer["gap"]) == (6, 3, 3)
    assert printer["estimated_cost"] == 3 * 13 * M
    assert [line["source"]["code"] for line in printer["lines"]] == [
        "equipment.vi.printer",
        "equipment.vii.printer",
        "equipment.viii.printer",
    ]
    computer = items["computer"]
    # 2 + 2 + 9 required; the lot of 3 covers the secretary's two and one leader's.
    assert (computer["required"], computer["held"], computer["gap"]) == (13, 3, 10)
    assert computer["estimated_cost"] == 10 * 20 * M
    assert items["scanner"]["required"] == 1 and items["scanner"]["estimated_cost"] == 22 * M
    # Two office rooms, three people with rooms of their own: no shared meeting set.
    meeting = items["meeting_set"]
    assert [line["count"] for line in meeting["lines"]] == [1, 2, 0]
    assert needs["equipment_cost"] == sum(i["estimated_cost"] for i in needs["equipment"])
    assert {n["code"] for n in needs["norms"]} >= {"area.staff", "equipment.viii.scanner"}


def test_a_repaired_printer_counts_again(world: World, commune: dict) -> None:
    url = f"/api/v1/needs/units/{commune['id']}"
    before = {i["item"]: i for i in world.admin.get(url).json()["equipment"]}["printer"]
    asset = commune["assets"]["repair"]
    changed = world.admin.patch(
        f"/api/v1/assets/{asset}", json={"status": "in_use"}, headers={"If-Match": "*"}
    )
    assert changed.status_code == 200, changed.text
    try:
        after = {i["item"]: i for i in world.admin.get(url).json()["equipment"]}["printer"]
        assert after["held"] == before["held"] + 1 and after["gap"] == before["gap"] - 1
    finally:
        back = world.admin.patch(
            f"/api/v1/assets/{asset}", json={"status": "under_repair"}, headers={"If-Match": "*"}
        )
        assert back.status_code == 200, back.text


def test_every_figure_names_the_norm_version_it_used(world: World, commune: dict) -> None:
    norm = world.admin.get("/api/v1/norms", params={"item": "printer", "limit": 50}).json()
    shared = next(n for n in norm["items"] if n["code"] == "equipment.viii.printer")
    url = f"/api/v1/norms/{shared['id']}"
    changed = world.admin.patch(
        url, json={"per": 2}, headers={"If-Match": f'"{shared["version"]}"'}
    )
    assert changed.status_code == 200, changed.text
    try:
        needs = world.admin.get(f"/api/v1/needs/units/{commune['id']}").json()
        printer = {i["item"]: i for i in needs["equipment"]}["printer"]
        line = printer["lines"][-1]
        assert line["source"] == {
            "norm_id": shared["id"],
            "code": "equipment.viii.printer",
            "version": shared["version"] + 1,
        }
        assert (line["per"], line["required"]) == (2, 5)  # 9 / 2, rounded up
    finally:
        restored = world.admin.patch(url, json={"per": 3}, headers={"If-Match": "*"})
        assert restored.status_code == 200, restored.text


def test_the_province_overview_ranks_communes_and_totals_the_gap(
    world: World, commune: dict
) -> None:
    got = world.leader.get("/api/v1/needs")
    assert got.status_code == 200, got.text
    overview = got.json()
    ids = [c["unit"]["id"] for c in overview["communes"]]
    assert {world.units["A"], world.units["B"], commune["id"]} <= set(ids)
    shortfalls = [(c["shortfall_m2"], c["shortfall_pct"]) for c in overview["communes"]]
    assert shortfalls == sorted(shortfalls, reverse=True)
    mine = next(c for c in overview["communes"] if c["unit"]["id"] == commune["id"])
    assert (mine["shortfall_m2"], mine["missing_rooms"]) == (123.7, ["reception"])
    items = {i["item"]: i for i in overview["items"]}
    assert items["printer"]["gap"] >= 3 and items["printer"]["sources"]
    assert overview["equipment_cost"] == sum(c["equipment_cost"] for c in overview["communes"])
    assert overview["equipment_cost"] == sum(i["estimated_cost"] for i in overview["items"])


def test_an_officer_sees_their_own_commune_only(world: World, commune: dict) -> None:
    overview = world.officer_a.get("/api/v1/needs").json()
    assert [c["unit"]["id"] for c in overview["communes"]] == [world.units["A"]]
    assert world.officer_a.get(f"/api/v1/needs/units/{commune['id']}").status_code == 404
    assert world.leader_a.get(f"/api/v1/needs/units/{world.units['B']}").status_code == 404
    # A former unit or the province is no commune: nothing to compute.
    assert world.admin.get(f"/api/v1/needs/units/{world.units['A1']}").status_code == 404
    assert world.admin.get(f"/api/v1/needs/units/{world.units['P']}").status_code == 404
    assert world.admin.get("/api/v1/needs/units/999999").status_code == 404


# --- Staffing ---


def test_staffing_reads_back_with_its_version_and_history(world: World, commune: dict) -> None:
    url = f"/api/v1/units/{commune['id']}/staffing"
    got = world.leader.get(url)
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    body = got.json()
    assert body["positions"] == commune["staffing"]["positions"]
    assert body["by_group"] == {"secretary": 1, "leader": 2, "head": 2, "staff": 7}
    history = world.admin.get(f"{url}/history").json()["items"]
    assert [e["action"] for e in history] == ["create"]
    assert history[0]["after"]["total"] == 12


def test_setting_the_same_staffing_again_records_nothing(world: World, commune: dict) -> None:
    url = f"/api/v1/units/{commune['id']}/staffing"
    again = world.admin.put(url, json=commune["staffing"], headers={"If-Match": '"1"'})
    assert again.status_code == 200 and again.headers["ETag"] == '"1"'
    assert len(world.admin.get(f"{url}/history").json()["items"]) == 1


def test_an_officer_sets_their_units_staffing(world: World) -> None:
    url = f"/api/v1/units/{world.units['A']}/staffing"
    version = world.officer_a.get(url).headers["ETag"]
    body = {"positions": [{"position": "Chuyên viên", "norm_group": "staff", "holders": 4}]}
    made = world.officer_a.put(url, json=body, headers={"If-Match": version})
    assert made.status_code == 200, made.text
    assert made.json()["total"] == 4
    # A leader reads it, never writes; another unit's officer does not see it.
    assert world.leader_a.put(url, json=body, headers={"If-Match": "*"}).status_code == 403
    assert world.officer_b.get(url).status_code == 404
    assert world.officer_b.put(url, json=body, headers={"If-Match": "*"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "headers", "status", "field"),
    [
        ({"positions": []}, {}, 428, "If-Match"),
        ({"positions": []}, {"If-Match": '"99"'}, 412, "If-Match"),
        (
            {"positions": [{"position": "A", "norm_group": "staff", "holders": 1}] * 2},
            {"If-Match": "*"},
            422,
            "positions[1]",
        ),
        (
            {"positions": [{"position": "A", "norm_group": "boss", "holders": 1}]},
            {"If-Match": "*"},
            400,
            None,
        ),
        (
            {"positions": [{"position": "A", "norm_group": "staff", "holders": -1}]},
            {"If-Match": "*"},
            400,
            None,
        ),
        ({"positions": [], "extra": 1}, {"If-Match": "*"}, 400, None),
    ],
)
def test_bad_staffing_is_refused_and_changes_nothing(
    world: World, commune: dict, body: dict, headers: dict, status: int, field: str | None
) -> None:
    url = f"/api/v1/units/{commune['id']}/staffing"
    before = world.admin.get(url).json()
    refused = world.admin.put(url, json=body, headers=headers)
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    if field:
        assert refused.json()["field"] == field
    assert world.admin.get(url).json() == before


# --- The asset summary the needs read ---


def test_the_asset_counts_follow_every_change(world: World, sql, commune: dict) -> None:
    """Creating, changing and deleting assets keeps asset_counts equal to
    counting the assets themselves."""
    asset = world.create(
        "/api/v1/assets",
        name="Máy in tạm",
        category_id=commune["printer"],
        holder_unit_id=commune["id"],
        quantity=2,
    )["id"]
    patched = world.admin.patch(
        f"/api/v1/assets/{asset}",
        json={"condition": "fair", "quantity": 5},
        headers={"If-Match": "*"},
    )
    assert patched.status_code == 200, patched.text
    mismatch = """
    SELECT holder_unit_id, category_id, status, condition, count(*), sum(quantity)
    FROM assets GROUP BY 1, 2, 3, 4
    EXCEPT SELECT holder_unit_id, category_id, status, condition, assets, quantity
    FROM asset_counts WHERE assets <> 0
    """
    assert sql(mismatch) == []
    # A record made by mistake and not changed since may be deleted: its count goes too.
    mistake = world.create(
        "/api/v1/assets",
        name="Máy in nhầm",
        category_id=commune["printer"],
        holder_unit_id=commune["id"],
        condition="fair",
    )["id"]
    deleted = world.admin.delete(f"/api/v1/assets/{mistake}", headers={"If-Match": "*"})
    assert deleted.status_code == 204, deleted.text
    assert sql(mismatch) == []
    extra = sql(
        "SELECT * FROM asset_counts c WHERE assets <> 0 AND NOT EXISTS (SELECT 1 FROM assets a"
        " WHERE (a.holder_unit_id, a.category_id, a.status, a.condition) ="
        " (c.holder_unit_id, c.category_id, c.status, c.condition))"
    )
    assert extra == []


def test_the_benchmarks_hand_written_statement_agrees_with_the_service(
    world: World, database_url: str, commune: dict
) -> None:
    """bench/bench_needs.py times one SQL statement against the service: both give the same
    gap table here too, a second way of doing the arithmetic."""

    async def go() -> tuple[dict, dict, dict]:
        conn = await asyncpg.connect(database_url)
        try:
            today = datetime.datetime.now(datetime.UTC).astimezone(VIETNAM).date()
            mine = bench_needs.service_table(await report.needs_of(conn, world.units["P"]))
            raw = await conn.fetch(bench_needs.OVER_ASSETS, world.units["P"], today)
            kept = await conn.fetch(bench_needs.OVER_COUNTS, world.units["P"], today)
            return mine, bench_needs.sql_table(raw), bench_needs.sql_table(kept)
        finally:
            await conn.close()

    mine, raw, kept = asyncio.run(go())
    assert (commune["id"], "printer") in mine
    assert mine == raw == kept
