"""Rooms through the API: scoped through their site, versions, history, paging and search."""

from __future__ import annotations

import secrets

from tests.world import World

PATH = "/api/v1/rooms"


def _site(world: World, unit: str = "A") -> int:
    return world.create(
        "/api/v1/sites", holder_unit_id=world.units[unit], name=f"Nhà {secrets.token_hex(4)}"
    )["id"]


def test_officer_adds_a_room_to_their_site(world: World) -> None:
    site_id = _site(world)
    body = {
        "site_id": site_id,
        "name": "Phòng họp 2",
        "floor": 2,
        "area_m2": 36.5,
        "purpose": "meeting",
        "seats": 20,
    }
    created = world.officer_a.post(PATH, json=body)
    assert created.status_code == 201, created.text
    room = created.json()
    assert {k: room[k] for k in body} == body
    assert room["holder_unit_id"] == world.units["A"]
    assert room["site_name"].startswith("Nhà ")
    events = world.leader_a.get(f"{PATH}/{room['id']}/history").json()["items"]
    assert [(e["action"], e["after"]["seats"]) for e in events] == [("create", 20)]


def test_a_room_in_another_units_site_is_refused(world: World, sql) -> None:
    events = sql("SELECT count(*) FROM events")[0][0]
    name = f"Phòng {secrets.token_hex(4)}"
    for site_id in (world.sites["B"], 999_999_999):
        response = world.officer_a.post(PATH, json={"site_id": site_id, "name": name})
        assert response.status_code == 422
        assert response.json()["field"] == "site_id"
    room = world.create(PATH, site_id=_site(world), name=name)
    moved = world.officer_a.patch(
        f"{PATH}/{room['id']}", json={"site_id": world.sites["B"]}, headers={"If-Match": '"1"'}
    )
    assert moved.status_code == 422 and moved.json()["field"] == "site_id"
    assert [r["site_id"] for r in sql("SELECT site_id FROM rooms WHERE name = $1", name)] == [
        room["site_id"]
    ]
    assert sql("SELECT count(*) FROM events")[0][0] == events + 2  # the admin's site and room


def test_rooms_are_scoped_through_their_site(world: World) -> None:
    path = f"{PATH}/{world.rooms['A']}"
    assert world.officer_b.get(path).status_code == 404
    assert world.officer_b.get(f"{path}/history").status_code == 404
    assert (
        world.officer_b.patch(path, json={"seats": 1}, headers={"If-Match": '"1"'}).status_code
        == 404
    )
    assert world.officer_b.delete(path, headers={"If-Match": '"1"'}).status_code == 404
    seen = {r["id"] for r in world.officer_b.get(PATH, params={"limit": 200}).json()["items"]}
    assert world.rooms["B"] in seen and world.rooms["A"] not in seen
    assert world.officer_b.get(PATH, params={"site_id": world.sites["A"]}).json()["items"] == []
    room = world.officer_a.get(path).json()
    assert (room["site_id"], room["area_m2"], room["purpose"]) == (world.sites["A"], 24.5, "office")


def test_schema_errors_and_duplicate_names(world: World) -> None:
    base = {"site_id": world.sites["A"], "name": "X"}
    for extra, field in [
        ({"purpose": "kitchen"}, "purpose"),
        ({"seats": -1}, "seats"),
        ({"area_m2": "big"}, "area_m2"),
        ({"name": ""}, "name"),
        ({"colour": "red"}, "colour"),
    ]:
        response = world.officer_a.post(PATH, json={**base, **extra})
        assert response.status_code == 400, extra
        assert response.json()["field"] == field
    duplicate = world.officer_a.post(
        PATH, json={"site_id": world.sites["A"], "name": "Phòng Văn hóa - Xã hội"}
    )
    assert duplicate.status_code == 409
    assert (duplicate.json()["constraint"], duplicate.json()["field"]) == (
        "rooms_site_name_key",
        "name",
    )


def test_versions_and_history(world: World, sql) -> None:
    room = world.create(PATH, site_id=_site(world, "B"), name="Kho lưu trữ", purpose="archive")
    path = f"{PATH}/{room['id']}"
    assert world.officer_b.patch(path, json={"seats": 2}).status_code == 428
    events = sql("SELECT count(*) FROM events")[0][0]
    assert (
        world.officer_b.patch(path, json={"seats": 2}, headers={"If-Match": '"7"'}).status_code
        == 412
    )
    assert sql("SELECT count(*) FROM events")[0][0] == events
    changed = world.officer_b.patch(
        path, json={"seats": 2, "floor": -1}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["seats"], changed.json()["floor"], changed.json()["version"]) == (
        2,
        -1,
        2,
    )
    events = world.officer_b.get(f"{path}/history").json()["items"]
    assert [e["action"] for e in events] == ["create", "update"]
    assert (events[1]["before"]["seats"], events[1]["after"]["seats"]) == (None, 2)


def test_a_room_holding_assets_stays_put(world: World, sql) -> None:
    site_id = _site(world)
    room = world.create(PATH, site_id=site_id, name="Phòng một cửa", purpose="reception")
    world.create(
        "/api/v1/assets",
        name="Ghế chờ",
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A"],
        room_id=room["id"],
    )
    path = f"{PATH}/{room['id']}"
    events = sql("SELECT count(*) FROM events")[0][0]
    moved = world.officer_a.patch(
        path, json={"site_id": world.sites["A"]}, headers={"If-Match": '"1"'}
    )
    assert moved.status_code == 409
    assert moved.json()["constraint"] == "assets_room_site_fkey"
    deleted = world.officer_a.delete(path, headers={"If-Match": '"1"'})
    assert deleted.status_code == 409
    assert deleted.json()["constraint"] == "assets_room_id_fkey"
    assert sql("SELECT site_id FROM rooms WHERE id = $1", room["id"])[0][0] == site_id
    assert sql("SELECT count(*) FROM events")[0][0] == events


def test_an_empty_room_moves_and_then_stays_registered(world: World, sql) -> None:
    room = world.create(PATH, site_id=_site(world), name="Phòng tạm")
    path = f"{PATH}/{room['id']}"
    moved = world.officer_a.patch(
        path, json={"site_id": world.sites["A"], "name": "Phòng tạm 2"}, headers={"If-Match": '"1"'}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["site_id"] == world.sites["A"]
    # Changed since its creation, it has history: never deleted.
    refused = world.officer_a.delete(path, headers={"If-Match": '"2"'})
    assert refused.status_code == 409
    assert refused.json()["constraint"] == "rooms_keep_history"
    assert sql("SELECT 1 FROM rooms WHERE id = $1", room["id"])


def test_a_room_made_by_mistake_is_deleted_and_its_history_stays(world: World, sql) -> None:
    room = world.create(PATH, site_id=_site(world), name="Phòng nhầm")
    assert (
        world.officer_a.delete(f"{PATH}/{room['id']}", headers={"If-Match": '"1"'}).status_code
        == 204
    )
    actions = sql(
        "SELECT action FROM events WHERE entity = 'room' AND entity_id = $1 ORDER BY id", room["id"]
    )
    assert [r["action"] for r in actions] == ["create", "delete"]
    kept = world.auditor.get("/api/v1/history", params={"entity": "room", "entity_id": room["id"]})
    assert kept.status_code == 200
    assert [e["action"] for e in kept.json()["items"]] == ["delete", "create"]
    assert world.officer_a.get("/api/v1/history").status_code == 403


def test_search_and_sort(world: World) -> None:
    for query in ("van hoa", "VĂN HÓA", "xa hoi"):
        found = world.officer_a.get(PATH, params={"q": query}).json()["items"]
        assert world.rooms["A"] in [r["id"] for r in found], query
        assert world.rooms["B"] not in [r["id"] for r in found], query
    bad = world.officer_a.get(PATH, params={"sort": "seats"})
    assert bad.status_code == 400 and bad.json()["field"] == "sort"


def test_keyset_paging_with_ties_visits_every_room_once(world: World) -> None:
    site_id = _site(world, "B")
    ids = {world.create(PATH, site_id=site_id, name=f"P{i}", floor=i % 2)["id"] for i in range(8)}
    for sort in ("floor", "-floor", "name", "-name", "-id"):
        seen: list[int] = []
        floors: list[tuple[int, int]] = []
        cursor = None
        while True:
            params = {"site_id": site_id, "sort": sort, "limit": 3}
            page = world.leader.get(
                PATH, params={**params, **({"cursor": cursor} if cursor else {})}
            ).json()
            seen += [r["id"] for r in page["items"]]
            floors += [(r["floor"], r["id"]) for r in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(ids) and set(seen) == ids, sort
        if "floor" in sort:
            assert floors == sorted(floors, reverse=sort.startswith("-")), sort
