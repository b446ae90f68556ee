"""Units through the API: registry, lineage, scope, versions and history."""

from __future__ import annotations

import asyncio

import asyncpg

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
    events = world.admin.get(f"/api/v1/units/{unit['id']}/history").json()["items"]
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


def test_a_parent_or_merger_inside_the_units_own_scope_is_refused(world: World, sql) -> None:
    """P under A would put the province in commune A's scope: A's officer would see all."""
    scopes = sql("SELECT ancestor_id, unit_id FROM unit_scope ORDER BY 1, 2")
    events = sql("SELECT count(*) FROM events")[0][0]
    for key, field, target in [
        ("P", "parent_id", "A"),  # a commune of the province
        ("P", "merged_into_id", "A1"),  # a former commune under one of them
        ("A", "merged_into_id", "A2"),  # one of the units A was formed from
        ("B", "parent_id", "B"),  # itself
    ]:
        path = f"/api/v1/units/{world.units[key]}"
        etag = world.admin.get(path).headers["etag"]
        refused = world.admin.patch(
            path, json={field: world.units[target]}, headers={"If-Match": etag}
        )
        assert refused.status_code == 422, (key, field, target, refused.text)
        assert refused.json()["field"] == field
        assert world.admin.get(path).headers["etag"] == etag
    assert sql("SELECT ancestor_id, unit_id FROM unit_scope ORDER BY 1, 2") == scopes
    assert sql("SELECT count(*) FROM events")[0][0] == events
    seen = {u["id"] for u in world.officer_a.get("/api/v1/units").json()["items"]}
    assert seen == {world.units[k] for k in ("A", "A1", "A2")}
    assert world.officer_a.get(f"/api/v1/units/{world.units['P']}").status_code == 404

    # A move that closes no cycle still goes through.
    unit = world.create(
        "/api/v1/units", code="T24998", name="Xã Chuyển", kind="commune", parent_id=world.units["P"]
    )
    moved = world.admin.patch(
        f"/api/v1/units/{unit['id']}",
        json={"parent_id": world.units["B"]},
        headers={"If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    assert sql(
        "SELECT 1 FROM unit_scope WHERE ancestor_id = $1 AND unit_id = $2",
        world.units["B"],
        unit["id"],
    )


def test_a_patch_changing_nothing_is_no_new_version(world: World, sql) -> None:
    unit = world.create(
        "/api/v1/units",
        code="T24997",
        name="Xã Giữ Nguyên",
        kind="commune",
        parent_id=world.units["P"],
    )
    path = f"/api/v1/units/{unit['id']}"
    for body in ({}, {"name": "Xã Giữ Nguyên", "parent_id": world.units["P"]}):
        same = world.admin.patch(path, json=body, headers={"If-Match": '"1"'})
        assert same.status_code == 200, (body, same.text)
        assert same.headers["etag"] == '"1"' and same.json() == unit
    events = sql("SELECT action FROM events WHERE entity = 'unit' AND entity_id = $1", unit["id"])
    assert [e["action"] for e in events] == ["create"]


def test_if_match_star_matches_any_version(world: World) -> None:
    unit = world.create(
        "/api/v1/units", code="T24996", name="Xã Sao", kind="commune", parent_id=world.units["P"]
    )
    path = f"/api/v1/units/{unit['id']}"
    first = world.admin.patch(path, json={"name": "Xã Sao Mai"}, headers={"If-Match": "*"})
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    second = world.admin.patch(path, json={"name": "Xã Sao Đỏ"}, headers={"If-Match": "*"})
    assert second.status_code == 200 and second.json()["name"] == "Xã Sao Đỏ"
    # isdigit() takes "²" for a digit, int() does not.
    superscript = world.admin.patch(
        path, json={"name": "X"}, headers={"If-Match": '"²"'.encode("latin-1")}
    )
    assert superscript.status_code == 412


def test_units_created_at_the_same_time_both_commit(database_url: str) -> None:
    """Each insert rebuilds unit_scope; two at once must wait for each other, not collide."""

    async def race() -> list[int]:
        first, second = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
        try:
            # A unit already there gives the rebuilds rows to contend for.
            await first.execute(
                "INSERT INTO units (code, name, kind) VALUES ('T-RACE-0', 'Tỉnh', 'province')"
            )
            one, two = first.transaction(), second.transaction()
            await one.start()
            await two.start()
            await first.execute(
                "INSERT INTO units (code, name, kind) VALUES ('T-RACE-1', 'Xã Một', 'commune')"
            )
            blocked = asyncio.ensure_future(
                second.execute(
                    "INSERT INTO units (code, name, kind) VALUES ('T-RACE-2', 'Xã Hai', 'commune')"
                )
            )
            await asyncio.sleep(0.2)
            assert not blocked.done()  # the second rebuild waits for the first
            await one.commit()
            await blocked
            await two.commit()
            rows = await first.fetch(
                "SELECT s.unit_id FROM unit_scope s JOIN units u ON u.id = s.unit_id"
                " WHERE u.code IN ('T-RACE-1', 'T-RACE-2') AND s.ancestor_id = s.unit_id"
            )
            return [r[0] for r in rows]
        finally:
            await first.close()
            await second.close()

    assert len(asyncio.run(race())) == 2
