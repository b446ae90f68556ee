"""Assets: the remaining-value rule, and the API's placement, scope, versions, search, paging."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from inventory.assets.rules import derived_remaining_value, effective_remaining_value, placed_site
from inventory.errors import Invalid
from inventory.tagcodes import TagProblem, validate
from tests.world import World

PATH = "/api/v1/assets"
THIS_YEAR = datetime.now(timezone(timedelta(hours=7))).year


@pytest.mark.parametrize(
    ("cost", "rate", "year", "expected"),
    [
        (18_500_000, "0.1429", 2026, 18_500_000),  # bought this year: no wear yet
        (10_000_000, "0.1429", 2024, 7_142_000),  # 2 years: 10M - 10M * 0.2858
        (18_500_000, "0.1429", 2021, 5_281_750),  # 5 years: 18.5M * (1 - 0.7145)
        (1_000_001, "0.3333", 2025, 666_701),  # 666,700.6667 rounds up to the whole VND
        (18_500_000, "0.1429", 2015, 0),  # 11 years at 14.29 %: fully worn, never negative
        (5_000_000, "0", 1990, 5_000_000),  # no wear rate
        (5_000_000, "0.1", 2030, 5_000_000),  # a future year counts as no use
        (5_000_000, "0.1", None, None),  # no year: nothing to derive from
    ],
)
def test_derived_remaining_value(
    cost: int, rate: str, year: int | None, expected: int | None
) -> None:
    assert derived_remaining_value(cost, Decimal(rate), year, 2026) == expected


def test_a_given_remaining_value_wins() -> None:
    assert effective_remaining_value(3_000_000, 18_500_000, Decimal("0.1429"), 2021, 2026) == (
        3_000_000,
        True,
    )
    assert effective_remaining_value(None, 18_500_000, Decimal("0.1429"), 2021, 2026) == (
        5_281_750,
        False,
    )


def test_placed_site() -> None:
    assert placed_site(None, 7, site_given=False, room_given=True) == 7  # follows the room
    assert placed_site(7, 7, site_given=True, room_given=True) == 7
    assert placed_site(3, None, site_given=True, room_given=False) == 3
    with pytest.raises(Invalid) as room_elsewhere:
        placed_site(3, 7, site_given=True, room_given=True)
    assert room_elsewhere.value.extra == {"field": "room_id"}
    with pytest.raises(Invalid) as site_without_room:
        placed_site(3, 7, site_given=True, room_given=False)
    assert site_without_room.value.extra == {"field": "site_id"}


def _asset(world: World, unit: str = "A", **fields: object) -> dict:
    body = {
        "name": f"Máy in {secrets.token_hex(3)}",
        "category_id": world.categories["MT"],
        "holder_unit_id": world.units[unit],
        **fields,
    }
    return world.create(PATH, **body)


def test_officer_registers_an_asset_and_its_site_follows_the_room(world: World) -> None:
    body = {
        "name": "Máy tính xách tay Dell",
        "category_id": world.categories["MT"],
        "holder_unit_id": world.units["A"],
        "model": "Latitude 5440",
        "serial": "CN-0X1Y2Z",
        "unit_of_measure": "chiếc",
        "quantity": 2,
        "acquisition_year": THIS_YEAR - 2,
        "original_cost": 10_000_000,
        "funding_source": "Ngân sách xã",
        "condition": "fair",
        "status": "in_storage",
        "room_id": world.rooms["A"],
        "origin_unit_id": world.units["A1"],
        "ownership": "surplus",
        "custodian": "Nguyễn Văn An",
    }
    created = world.officer_a.post(PATH, json=body)
    assert created.status_code == 201, created.text
    asset = created.json()
    assert asset["tag"].startswith("52-") and validate(asset["tag"]) is TagProblem.VALID
    assert asset["site_id"] == world.sites["A"]
    assert (asset["remaining_value"], asset["remaining_value_given"]) == (7_142_000, False)
    assert (
        asset["category_name"],
        asset["holder_unit_name"],
        asset["site_name"],
        asset["room_name"],
    ) == ("Máy tính", "Xã Ia Rbol", "Trụ sở UBND A", "Phòng Văn hóa - Xã hội")
    same = {k: asset[k] for k in body if k != "room_id"}
    assert same == {k: v for k, v in body.items() if k != "room_id"}
    events = world.officer_a.get(f"{PATH}/{asset['id']}/history").json()["items"]
    assert [(e["action"], e["after"]["site_id"]) for e in events] == [("create", world.sites["A"])]


def test_remaining_value_given_then_derived_again(world: World) -> None:
    asset = _asset(
        world, acquisition_year=THIS_YEAR - 2, original_cost=10_000_000, remaining_value=9_000_000
    )
    assert (asset["remaining_value"], asset["remaining_value_given"]) == (9_000_000, True)
    back = world.officer_a.patch(
        f"{PATH}/{asset['id']}", json={"remaining_value": None}, headers={"If-Match": '"1"'}
    )
    assert (back.json()["remaining_value"], back.json()["remaining_value_given"]) == (
        7_142_000,
        False,
    )
    undated = _asset(world, original_cost=10_000_000)
    assert (undated["remaining_value"], undated["remaining_value_given"]) == (None, False)


def test_references_outside_the_scope_are_refused_and_nothing_written(world: World, sql) -> None:
    events = sql("SELECT count(*) FROM events")[0][0]
    name = f"Loa {secrets.token_hex(4)}"
    base = {"name": name, "category_id": world.categories["BG"], "holder_unit_id": world.units["A"]}
    for extra, field in [
        ({"holder_unit_id": world.units["B"]}, "holder_unit_id"),
        ({"origin_unit_id": world.units["B1"]}, "origin_unit_id"),
        ({"category_id": 999_999_999}, "category_id"),
        ({"site_id": world.sites["B"]}, "site_id"),
        ({"room_id": world.rooms["B"]}, "room_id"),
        ({"room_id": 999_999_999}, "room_id"),
        ({"site_id": world.sites["A"], "room_id": world.rooms["B"]}, "room_id"),
    ]:
        response = world.officer_a.post(PATH, json={**base, **extra})
        assert response.status_code == 422, extra
        assert response.json()["field"] == field, extra
    assert not sql("SELECT 1 FROM assets WHERE name = $1", name)
    assert sql("SELECT count(*) FROM events")[0][0] == events


def test_a_room_outside_the_given_site_is_refused(world: World, sql) -> None:
    other_site = world.create(
        "/api/v1/sites", holder_unit_id=world.units["A"], name=f"Nhà văn hóa {secrets.token_hex(3)}"
    )["id"]
    refused = world.officer_a.post(
        PATH,
        json={
            "name": "Bàn họp",
            "category_id": world.categories["BG"],
            "holder_unit_id": world.units["A"],
            "site_id": other_site,
            "room_id": world.rooms["A"],
        },
    )
    assert refused.status_code == 422 and refused.json()["field"] == "room_id"
    asset = _asset(world, room_id=world.rooms["A"])
    path = f"{PATH}/{asset['id']}"
    events = sql("SELECT count(*) FROM events")[0][0]
    away = world.officer_a.patch(path, json={"site_id": other_site}, headers={"If-Match": '"1"'})
    assert away.status_code == 422 and away.json()["field"] == "site_id"
    foreign = world.officer_a.patch(
        path, json={"room_id": world.rooms["B"]}, headers={"If-Match": '"1"'}
    )
    assert foreign.status_code == 422 and foreign.json()["field"] == "room_id"
    assert sql("SELECT site_id, room_id FROM assets WHERE id = $1", asset["id"])[0] == (
        world.sites["A"],
        world.rooms["A"],
    )
    assert sql("SELECT count(*) FROM events")[0][0] == events
    moved = world.officer_a.patch(
        path, json={"site_id": other_site, "room_id": None}, headers={"If-Match": '"1"'}
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["site_id"], moved.json()["room_id"], moved.json()["room_name"]) == (
        other_site,
        None,
        None,
    )
    back = world.officer_a.patch(
        path, json={"room_id": world.rooms["A"]}, headers={"If-Match": '"2"'}
    )
    assert (back.json()["site_id"], back.json()["room_id"]) == (world.sites["A"], world.rooms["A"])


def test_schema_errors_name_the_field(world: World) -> None:
    base = {"name": "X", "category_id": world.categories["BG"], "holder_unit_id": world.units["A"]}
    for extra, field in [
        ({"quantity": 0}, "quantity"),
        ({"status": "sold"}, "status"),
        ({"ownership": "rented"}, "ownership"),
        ({"original_cost": 1.5}, "original_cost"),
        ({"original_cost": -1}, "original_cost"),
        ({"issue_tag": "no"}, "issue_tag"),
        ({"last_seen_by": 1}, "last_seen_by"),
    ]:
        response = world.officer_a.post(PATH, json={**base, **extra})
        assert response.status_code == 400, extra
        assert response.json()["field"] == field, extra


def test_a_client_cannot_choose_or_change_a_tag(world: World, sql) -> None:
    base = {"name": "X", "category_id": world.categories["BG"], "holder_unit_id": world.units["A"]}
    chosen = world.officer_a.post(PATH, json={**base, "tag": "52-7K3QX9M"})
    assert chosen.status_code == 400 and chosen.json()["field"] == "tag"
    asset = _asset(world)
    changed = world.officer_a.patch(
        f"{PATH}/{asset['id']}", json={"tag": "52-7K3QX9M"}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 400 and changed.json()["field"] == "tag"
    assert sql("SELECT tag FROM assets WHERE id = $1", asset["id"])[0][0] == asset["tag"]


def test_by_tag_reads_one_scoped_asset(world: World) -> None:
    found = world.officer_a.get(f"{PATH}/by-tag/ta-test")
    assert found.status_code == 200, found.text
    asset = found.json()
    assert (asset["id"], asset["serial"], asset["room_name"], asset["category_name"]) == (
        world.assets["A"],
        "SN-A-001",
        "Phòng Văn hóa - Xã hội",
        "Máy tính",
    )
    assert found.headers["etag"] == f'"{asset["version"]}"'
    assert world.officer_b.get(f"{PATH}/by-tag/TA-TEST").status_code == 404
    assert world.admin.get(f"{PATH}/by-tag/NO-SUCH-TAG").status_code == 404
    issued = _asset(world, "B")
    typed = issued["tag"].lower().translate(str.maketrans("012", "olz"))  # "5z-..." and so on
    assert world.officer_b.get(f"{PATH}/by-tag/{typed}").json()["id"] == issued["id"]


def test_another_units_asset_is_not_found(world: World) -> None:
    path = f"{PATH}/{world.assets['B']}"
    assert world.officer_a.get(path).status_code == 404
    assert world.leader_a.get(f"{path}/history").status_code == 404
    assert (
        world.officer_a.patch(
            path, json={"custodian": "X"}, headers={"If-Match": '"1"'}
        ).status_code
        == 404
    )
    assert world.officer_a.delete(path, headers={"If-Match": '"1"'}).status_code == 404
    assert world.leader.get(path).status_code == 200


def test_search_ignores_diacritics_and_finds_tags_and_serials(world: World) -> None:
    tagged = _asset(world, "A", name="Tủ hồ sơ sắt", serial="ABC/123-9")
    tag = tagged["tag"]
    for query, expected in [
        ("may tinh", world.assets["A"]),
        ("MÁY TÍNH", world.assets["A"]),
        ("dien quang", world.assets["A"]),
        ("Điện", world.assets["A"]),
        ("may ti", world.assets["A"]),
        ("SN-A-001", world.assets["A"]),
        ("TA-TEST", world.assets["A"]),
        (tag, tagged["id"]),
        (tag[:6].lower(), tagged["id"]),
        ("abc/123", tagged["id"]),
        ("tu ho so", tagged["id"]),
    ]:
        ids = [a["id"] for a in world.officer_a.get(PATH, params={"q": query}).json()["items"]]
        assert expected in ids, query
        assert world.assets["B"] not in ids, query
    assert world.officer_b.get(PATH, params={"q": tag}).json()["items"] == []
    assert world.officer_a.get(PATH, params={"q": "tinh may dien xyz"}).json()["items"] == []


def test_list_filters(world: World) -> None:
    room = world.create(
        "/api/v1/rooms", site_id=world.sites["B"], name=f"Kho {secrets.token_hex(3)}"
    )["id"]
    broken = _asset(
        world, "B", room_id=room, condition="broken", status="under_repair", ownership="not_own"
    )
    _asset(world, "B", room_id=room)
    for params in (
        {"room_id": room, "condition": "broken"},
        {"room_id": room, "status": "under_repair"},
        {"room_id": room, "ownership": "not_own"},
        {"site_id": world.sites["B"], "condition": "broken"},
    ):
        items = world.officer_b.get(PATH, params=params).json()["items"]
        assert [a["id"] for a in items] == [broken["id"]], params
    by_unit = world.admin.get(
        PATH,
        params={
            "holder_unit_id": world.units["B"],
            "category_id": world.categories["MT"],
            "limit": 200,
        },
    ).json()["items"]
    assert {a["holder_unit_id"] for a in by_unit} == {world.units["B"]}
    assert world.assets["B"] in [a["id"] for a in by_unit]
    bad = world.officer_b.get(PATH, params={"sort": "remaining_value"})
    assert bad.status_code == 400 and bad.json()["field"] == "sort"
    assert world.officer_b.get(PATH, params={"cursor": "nonsense"}).json()["field"] == "cursor"


def test_keyset_paging_with_ties_visits_every_asset_once(world: World) -> None:
    room = world.create(
        "/api/v1/rooms", site_id=world.sites["A"], name=f"Kho {secrets.token_hex(3)}"
    )["id"]
    ids = {
        _asset(
            world,
            room_id=room,
            name="Ghế nhựa",
            original_cost=100_000 * (i % 3),
            issue_tag=i % 2 == 0,
        )["id"]
        for i in range(7)
    }
    for sort in ("name", "-name", "original_cost", "-original_cost", "tag", "-tag", "id"):
        seen: list[int] = []
        cursor = None
        while True:
            params = {
                "room_id": room,
                "sort": sort,
                "limit": 2,
                **({"cursor": cursor} if cursor else {}),
            }
            page = world.officer_a.get(PATH, params=params).json()
            seen += [a["id"] for a in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(ids) and set(seen) == ids, sort
        if sort in ("name", "-name"):  # one name throughout: the id breaks the tie
            assert seen == sorted(seen, reverse=sort.startswith("-")), sort


def test_versions_history_and_concurrent_patches(world: World, sql) -> None:
    asset = _asset(world, "B", custodian="Lê Thị Hoa")
    path = f"{PATH}/{asset['id']}"
    assert world.officer_b.patch(path, json={"custodian": "X"}).status_code == 428
    assert world.officer_b.delete(path).status_code == 428

    def hand_to(name: str) -> int:
        return world.officer_b.patch(
            path, json={"custodian": name}, headers={"If-Match": '"1"'}
        ).status_code

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(hand_to, ["Trần Văn Bình", "Phạm Thu"])) == [200, 412]
    events = world.officer_b.get(f"{path}/history").json()["items"]
    assert [e["action"] for e in events] == ["create", "update"]
    assert events[1]["before"]["custodian"] == "Lê Thị Hoa"
    assert events[1]["after"]["custodian"] == world.officer_b.get(path).json()["custodian"]
    assert world.officer_b.delete(path, headers={"If-Match": '"1"'}).status_code == 412
    # Registered and changed since: it is never deleted (disposal is a status).
    refused = world.officer_b.delete(path, headers={"If-Match": '"2"'})
    assert refused.status_code == 409 and refused.json()["constraint"] == "assets_keep_history"
    assert world.officer_b.get(path).status_code == 200


def test_only_writers_write(world: World, sql) -> None:
    before = sql("SELECT count(*) FROM assets")[0][0]
    body = {"name": "X", "category_id": world.categories["BG"], "holder_unit_id": world.units["A"]}
    assert world.leader_a.post(PATH, json=body).status_code == 403
    assert world.auditor.post(PATH, json=body).status_code == 403
    assert (
        world.auditor.delete(f"{PATH}/{world.assets['A']}", headers={"If-Match": '"1"'}).status_code
        == 403
    )
    assert sql("SELECT count(*) FROM assets")[0][0] == before


def test_a_site_must_be_held_within_the_assets_holder(world: World, sql) -> None:
    """The admin's scope holds every site; the asset's holder does not."""
    events = sql("SELECT count(*) FROM events")[0][0]
    name = f"Máy chiếu {secrets.token_hex(4)}"
    base = {"name": name, "category_id": world.categories["MT"], "holder_unit_id": world.units["A"]}
    for extra, field in [
        ({"site_id": world.sites["B"]}, "site_id"),
        ({"site_id": world.sites["B"], "room_id": world.rooms["B"]}, "site_id"),
        ({"room_id": world.rooms["B"]}, "room_id"),
        ({"holder_unit_id": world.units["A1"], "site_id": world.sites["A"]}, "site_id"),
    ]:
        refused = world.admin.post(PATH, json={**base, **extra})
        assert refused.status_code == 422, (extra, refused.text)
        assert refused.json()["field"] == field, extra
    assert not sql("SELECT 1 FROM assets WHERE name = $1", name)
    asset = _asset(world, room_id=world.rooms["A"])
    path = f"{PATH}/{asset['id']}"
    for body in ({"site_id": world.sites["B"], "room_id": None}, {"room_id": world.rooms["B"]}):
        moved = world.admin.patch(path, json=body, headers={"If-Match": '"1"'})
        assert moved.status_code == 422, (body, moved.text)
    assert sql("SELECT count(*) FROM events")[0][0] == events + 1  # the asset's creation
    # The province holds A's site in its scope, so it may keep it there.
    province = world.admin.patch(
        path,
        json={"holder_unit_id": world.units["P"], "room_id": world.rooms["A"]},
        headers={"If-Match": '"1"'},
    )
    assert province.status_code == 200, province.text
    assert (province.json()["site_id"], province.json()["room_id"]) == (
        world.sites["A"],
        world.rooms["A"],
    )


def test_a_new_holder_alone_leaves_the_asset_unplaced(world: World) -> None:
    asset = _asset(world, room_id=world.rooms["A"], custodian="Y Blup")
    path = f"{PATH}/{asset['id']}"
    handed = world.admin.patch(
        path, json={"holder_unit_id": world.units["B"]}, headers={"If-Match": '"1"'}
    )
    assert handed.status_code == 200, handed.text
    moved = handed.json()
    assert (moved["holder_unit_id"], moved["site_id"], moved["room_id"]) == (
        world.units["B"],
        None,
        None,
    )
    events = world.admin.get(f"{path}/history").json()["items"]
    assert [e["action"] for e in events] == ["create", "update"]
    before, after = events[1]["before"], events[1]["after"]
    assert (before["site_id"], before["room_id"]) == (world.sites["A"], world.rooms["A"])
    assert (after["holder_unit_id"], after["site_id"], after["room_id"]) == (
        world.units["B"],
        None,
        None,
    )
    assert world.officer_a.get(path).status_code == 404
    placed = world.officer_b.patch(
        path, json={"room_id": world.rooms["B"]}, headers={"If-Match": '"2"'}
    )
    assert placed.status_code == 200, placed.text
    assert (placed.json()["site_id"], placed.json()["room_id"]) == (
        world.sites["B"],
        world.rooms["B"],
    )


def test_the_remaining_value_never_exceeds_the_cost(world: World, sql) -> None:
    base = {"name": "Máy ảnh", "category_id": world.categories["MT"], "original_cost": 1000}
    refused = world.officer_a.post(
        PATH,
        json={**base, "holder_unit_id": world.units["A"], "remaining_value": 99_999_999},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "remaining_value"
    asset = _asset(world, original_cost=1000, remaining_value=600)
    path = f"{PATH}/{asset['id']}"
    for body, field in [
        ({"remaining_value": 1001}, "remaining_value"),
        ({"original_cost": 500, "remaining_value": 501}, "remaining_value"),
        ({"original_cost": 500}, "original_cost"),  # the database's own check
    ]:
        response = world.officer_a.patch(path, json=body, headers={"If-Match": '"1"'})
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, body
        if field == "original_cost":
            assert response.json()["constraint"] == "assets_remaining_value_cost_check"
    stored = sql("SELECT original_cost, remaining_value FROM assets WHERE id = $1", asset["id"])
    assert stored[0] == (1000, 600)
    lowered = world.officer_a.patch(
        path, json={"original_cost": 500, "remaining_value": 500}, headers={"If-Match": '"1"'}
    )
    assert lowered.status_code == 200, lowered.text


def test_a_patch_changing_nothing_records_nothing(world: World, sql) -> None:
    asset = _asset(world, room_id=world.rooms["A"], custodian="Đinh Văn Hùng")
    path = f"{PATH}/{asset['id']}"
    for body in (
        {},
        {"custodian": "Đinh Văn Hùng", "room_id": world.rooms["A"]},
        {"holder_unit_id": world.units["A"]},  # the same holder keeps its placement
    ):
        same = world.officer_a.patch(path, json=body, headers={"If-Match": '"1"'})
        assert same.status_code == 200, (body, same.text)
        assert same.headers["etag"] == '"1"' and same.json() == asset, body
    changed = world.officer_a.patch(path, json={"custodian": "Hùng"}, headers={"If-Match": "*"})
    assert changed.status_code == 200 and changed.headers["etag"] == '"2"'
    events = sql("SELECT action FROM events WHERE entity = 'asset' AND entity_id = $1", asset["id"])
    assert [e["action"] for e in events] == ["create", "update"]
    assert world.officer_a.delete(path, headers={"If-Match": "*"}).status_code == 409
