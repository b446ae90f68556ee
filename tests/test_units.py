"""Units through the API: registry, lineage, scope, versions and history."""

from __future__ import annotations

from tests.world import World


def test_admin_creates_and_reads_a_unit_with_history(world: World) -> None:
    created = world.admin.post(
        "/api/v1/units",
        json={
            "code": "T24043",
            "name": "Xã Phú Thiện",
            "kind": "commune",
            "parent_id": world.units["P"],
        },
    )
    assert created.status_code == 201, created.text
    unit = created.json()
    assert created.headers["etag"] == '"1"'
    got = world.admin.get(f"/api/v1/units/{unit['id']}")
    assert got.json()["name"] == "Xã Phú Thiện"
    events = world.admin.get(f"/api/v1/units/{unit['id']}/history").json()
    assert [e["action"] for e in events] == ["create"]
    assert events[0]["after"]["code"] == "T24043"
    assert events[0]["actor_login"] == "admin"


def test_lineage_lists_the_former_units(world: World) -> None:
    lineage = world.officer_a.get(f"/api/v1/units/{world.units['A']}/lineage").json()
    assert {u["id"] for u in lineage["formed_from"]} == {world.units["A1"], world.units["A2"]}
    former = world.officer_a.get(f"/api/v1/units/{world.units['A1']}/lineage").json()
    assert former["merged_into"]["id"] == world.units["A"]


def test_another_units_record_is_not_found(world: World) -> None:
    response = world.officer_a.get(f"/api/v1/units/{world.units['B']}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert world.officer_a.get(f"/api/v1/units/{world.units['B1']}/lineage").status_code == 404


def test_search_ignores_diacritics(world: World) -> None:
    for query in ("ia rbol", "IA RBOL", "Ia Rbol", "chu bah"):
        names = [
            u["name"] for u in world.admin.get("/api/v1/units", params={"q": query}).json()["items"]
        ]
        assert names, query


def test_patch_needs_if_match_and_refuses_stale(world: World) -> None:
    path = f"/api/v1/units/{world.units['B1']}"
    assert world.admin.patch(path, json={"name": "X"}).status_code == 428
    version = world.admin.get(path).headers["etag"]
    first = world.admin.patch(path, json={"name": "Xã Ia Rtô"}, headers={"If-Match": version})
    assert first.status_code == 200, first.text
    stale = world.admin.patch(path, json={"name": "Y"}, headers={"If-Match": version})
    assert stale.status_code == 412
    assert world.admin.get(path).json()["name"] == "Xã Ia Rtô"


def test_validation_names_the_field_and_writes_nothing(world: World, sql) -> None:
    before = sql("SELECT count(*) FROM events")[0][0]
    response = world.admin.post("/api/v1/units", json={"code": "T1", "name": "X", "kind": "city"})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "kind" and body["title"] and body["detail"]
    unknown = world.admin.post(
        "/api/v1/units", json={"code": "T1", "name": "X", "kind": "commune", "colour": "red"}
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "colour"
    outside = world.officer_a.post(
        "/api/v1/units", json={"code": "T1", "name": "X", "kind": "commune"}
    )
    assert outside.status_code == 403
    assert sql("SELECT count(*) FROM events")[0][0] == before
    assert not sql("SELECT 1 FROM units WHERE code = 'T1'")


def test_duplicate_code_is_a_conflict_naming_the_constraint(world: World) -> None:
    response = world.admin.post(
        "/api/v1/units", json={"code": "T24065", "name": "Dup", "kind": "commune"}
    )
    assert response.status_code == 409
    assert response.json()["constraint"] == "units_code_key"
    assert response.json()["field"] == "code"
