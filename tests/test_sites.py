"""Sites through the API: registry, unit scope, versions, history, paging and search."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

from tests.world import World

PATH = "/api/v1/sites"


def _name(prefix: str = "Trụ sở") -> str:
    return f"{prefix} {secrets.token_hex(4)}"


def test_officer_registers_a_site_of_their_unit(world: World) -> None:
    body = {
        "holder_unit_id": world.units["A"],
        "origin_unit_id": world.units["A2"],
        "name": _name("Trụ sở thôn Đông"),
        "address": "Thôn 2",
        "latitude": 13.98,
        "longitude": 108.0,
        "land_area_m2": 1250.5,
        "floor_area_m2": 420.25,
        "year_built": 1998,
        "condition": "needs_repair",
        "role": "secondary_hq",
        "status": "idle",
    }
    created = world.officer_a.post(PATH, json=body)
    assert created.status_code == 201, created.text
    site = created.json()
    assert {k: site[k] for k in body} == body
    assert created.headers["etag"] == '"1"'
    assert world.leader_a.get(f"{PATH}/{site['id']}").json()["name"] == body["name"]
    events = world.officer_a.get(f"{PATH}/{site['id']}/history").json()["items"]
    assert [(e["action"], e["actor_login"]) for e in events] == [("create", "officer_a")]
    assert events[0]["after"]["floor_area_m2"] == 420.25


def test_a_site_for_another_unit_is_refused_and_nothing_written(world: World, sql) -> None:
    events = sql("SELECT count(*) FROM events")[0][0]
    name = _name()
    for body, field in [
        ({"holder_unit_id": world.units["B"], "name": name}, "holder_unit_id"),
        (
            {"holder_unit_id": world.units["A"], "origin_unit_id": world.units["B1"], "name": name},
            "origin_unit_id",
        ),
        ({"holder_unit_id": 999_999_999, "name": name}, "holder_unit_id"),
    ]:
        response = world.officer_a.post(PATH, json=body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field
    own = f"{PATH}/{world.sites['A']}"
    moved = world.officer_a.patch(
        own,
        json={"holder_unit_id": world.units["B"]},
        headers={"If-Match": world.officer_a.get(own).headers["etag"]},
    )
    assert moved.status_code == 422 and moved.json()["field"] == "holder_unit_id"
    assert not sql("SELECT 1 FROM sites WHERE name = $1", name)
    assert (
        sql("SELECT holder_unit_id FROM sites WHERE id = $1", world.sites["A"])[0][0]
        == world.units["A"]
    )
    assert sql("SELECT count(*) FROM events")[0][0] == events


def test_schema_errors_name_the_field(world: World) -> None:
    base = {"holder_unit_id": world.units["A"], "name": "X"}
    for extra, field in [
        ({"latitude": 91}, "latitude"),
        ({"role": "palace"}, "role"),
        ({"status": "sold"}, "status"),
        ({"floor_area_m2": -1}, "floor_area_m2"),
        ({"year_built": "old"}, "year_built"),
        ({"owner": "x"}, "owner"),
    ]:
        response = world.admin.post(PATH, json={**base, **extra})
        assert response.status_code == 400, extra
        assert response.json()["field"] == field


def test_another_units_site_is_not_found(world: World) -> None:
    path = f"{PATH}/{world.sites['B']}"
    assert world.officer_a.get(path).status_code == 404
    assert world.leader_a.get(f"{path}/history").status_code == 404
    assert (
        world.officer_a.patch(path, json={"name": "X"}, headers={"If-Match": '"1"'}).status_code
        == 404
    )
    assert world.officer_a.delete(path, headers={"If-Match": '"1"'}).status_code == 404
    assert world.officer_b.get(path).status_code == 200


def test_patch_needs_the_current_version(world: World) -> None:
    site = world.create(PATH, holder_unit_id=world.units["A"], name=_name())
    path = f"{PATH}/{site['id']}"
    assert world.officer_a.patch(path, json={"status": "idle"}).status_code == 428
    assert (
        world.officer_a.patch(
            path, json={"status": "idle"}, headers={"If-Match": "soon"}
        ).status_code
        == 412
    )
    changed = world.officer_a.patch(
        path, json={"status": "to_dispose", "year_built": None}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.headers["etag"]) == ("to_dispose", '"2"')
    stale = world.officer_a.patch(path, json={"status": "idle"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["field"] == "If-Match"
    assert world.admin.get(path).json()["status"] == "to_dispose"


def test_concurrent_patches_with_one_version_let_one_through(world: World, sql) -> None:
    site = world.create(PATH, holder_unit_id=world.units["B"], name=_name())
    path = f"{PATH}/{site['id']}"

    def rename(name: str) -> int:
        return world.officer_b.patch(
            path, json={"name": name}, headers={"If-Match": '"1"'}
        ).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(rename, ["Một", "Hai"]))
    assert statuses == [200, 412]
    history = sql("SELECT action FROM events WHERE entity = 'site' AND entity_id = $1", site["id"])
    assert [r["action"] for r in history] == ["create", "update"]
    assert world.admin.get(path).json()["version"] == 2


def test_delete_refuses_a_site_with_rooms(world: World, sql) -> None:
    path = f"{PATH}/{world.sites['A']}"
    events = sql("SELECT count(*) FROM events")[0][0]
    version = world.officer_a.get(path).headers["etag"]
    response = world.officer_a.delete(path, headers={"If-Match": version})
    assert response.status_code == 409
    assert response.json()["constraint"] == "rooms_site_id_fkey"
    assert sql("SELECT count(*) FROM events")[0][0] == events
    assert world.officer_a.get(path).status_code == 200


def test_delete_an_empty_site_records_it(world: World, sql) -> None:
    site = world.create(PATH, holder_unit_id=world.units["A"], name=_name())
    path = f"{PATH}/{site['id']}"
    assert world.officer_a.delete(path).status_code == 428
    assert world.officer_a.delete(path, headers={"If-Match": '"1"'}).status_code == 204
    assert world.officer_a.get(path).status_code == 404
    last = sql(
        "SELECT action, before->>'name' AS name, after FROM events"
        " WHERE entity = 'site' AND entity_id = $1 ORDER BY id DESC LIMIT 1",
        site["id"],
    )
    assert (last[0]["action"], last[0]["name"], last[0]["after"]) == ("delete", site["name"], None)


def test_list_is_scoped_filtered_and_searched(world: World) -> None:
    own = world.officer_a.get(PATH, params={"limit": 200}).json()["items"]
    assert {s["holder_unit_id"] for s in own} <= {world.units[k] for k in ("A", "A1", "A2")}
    assert world.sites["A"] in [s["id"] for s in own]
    assert world.sites["B"] not in [s["id"] for s in own]
    assert (
        world.officer_a.get(PATH, params={"holder_unit_id": world.units["B"]}).json()["items"] == []
    )
    mains = world.leader.get(
        PATH, params={"role": "main_hq", "status": "in_use", "condition": "good", "limit": 200}
    ).json()["items"]
    assert {world.sites["A"], world.sites["B"]} <= {s["id"] for s in mains}
    for query in ("tru so ubnd a", "TRỤ SỞ UBND A", "ubnd a"):
        found = world.leader_a.get(PATH, params={"q": query}).json()["items"]
        assert [s["id"] for s in found] == [world.sites["A"]], query
    bad = world.admin.get(PATH, params={"sort": "address"})
    assert bad.status_code == 400 and bad.json()["field"] == "sort"


def test_keyset_paging_visits_every_site_once(world: World) -> None:
    marker = secrets.token_hex(4)
    ids = {
        world.create(
            PATH, holder_unit_id=world.units["B"], name=f"Kho {marker}", year_built=2000 + i % 2
        )["id"]
        for i in range(7)
    }
    for sort in ("name", "-name", "year_built", "-year_built", "id", "-id"):
        seen: list[int] = []
        keys: list[tuple[int, int]] = []
        cursor = None
        while True:
            params = {
                "q": marker,
                "sort": sort,
                "limit": 3,
                **({"cursor": cursor} if cursor else {}),
            }
            page = world.officer_b.get(PATH, params=params).json()
            seen += [s["id"] for s in page["items"]]
            keys += [(s["year_built"], s["id"]) for s in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(ids) and len(seen) == len(ids), sort
        if "year_built" in sort:
            assert keys == sorted(keys, reverse=sort.startswith("-")), sort
