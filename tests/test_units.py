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
    # A and what it was formed from (and any unit made under A elsewhere), none above it.
    assert {world.units[k] for k in ("A", "A1", "A2")} <= seen
    assert not seen & {world.units[k] for k in ("P", "B", "B1")}
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


def _scopes(sql) -> list:
    return sql("SELECT ancestor_id, unit_id FROM unit_scope ORDER BY 1, 2")


def test_a_communes_admin_cannot_unhook_its_own_unit_from_the_province(world: World, sql) -> None:
    """Setting A's parent to null took A and all it holds out of the province's scope, and
    nobody could put it back through the API."""
    path = f"/api/v1/units/{world.units['A']}"
    scopes, events = _scopes(sql), sql("SELECT count(*) FROM events")[0][0]
    for body in ({"parent_id": None}, {"parent_id": world.units["B"]}):
        refused = world.admin_a.patch(path, json=body, headers={"If-Match": "*"})
        assert refused.status_code == 403, (body, refused.text)
        assert refused.json()["detail"].endswith("not yours to change")
    # Its merger link is null: setting it can only point under itself.
    refused = world.admin_a.patch(
        path, json={"merged_into_id": world.units["A1"]}, headers={"If-Match": "*"}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "merged_into_id"
    assert _scopes(sql) == scopes and sql("SELECT count(*) FROM events")[0][0] == events
    assert world.admin.get(path).json()["parent_id"] == world.units["P"]
    assert world.admin.get(f"/api/v1/assets/{world.assets['A']}").status_code == 200
    # Its own unit's other fields are still the admin's to change.
    renamed = world.admin_a.patch(path, json={"name": "Xã Ia Rbol"}, headers={"If-Match": "*"})
    assert renamed.status_code == 200, renamed.text


def test_clearing_a_link_is_checked_and_never_leaves_a_unit_outside_the_movers_scope(
    world: World, sql
) -> None:
    unit = world.create(
        "/api/v1/units", code="T24990", name="Xã Mới", kind="commune", parent_id=world.units["A"]
    )
    path = f"/api/v1/units/{unit['id']}"
    scopes = _scopes(sql)
    # The province's admin too: a unit with no link is in nobody's scope but its own.
    for caller in (world.admin, world.admin_a):
        refused = caller.patch(path, json={"parent_id": None}, headers={"If-Match": '"1"'})
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "parent_id"
    # Out of the commune admin's scope: the new parent must be the mover's.
    refused = world.admin_a.patch(
        path, json={"parent_id": world.units["B"]}, headers={"If-Match": '"1"'}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "parent_id"
    assert _scopes(sql) == scopes
    # Within it, a move goes through; then clearing the parent while merged into a unit
    # of the scope keeps the unit in it.
    moved = world.admin_a.patch(
        path,
        json={"parent_id": world.units["A2"], "merged_into_id": world.units["A1"]},
        headers={"If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    cleared = world.admin_a.patch(path, json={"parent_id": None}, headers={"If-Match": '"2"'})
    assert cleared.status_code == 200, cleared.text
    assert world.admin.get(path).json()["merged_into_id"] == world.units["A1"]
    # And the last link cleared is refused again.
    refused = world.admin_a.patch(path, json={"merged_into_id": None}, headers={"If-Match": '"3"'})
    assert refused.status_code == 422, refused.text
    # Out of A's lineage again, for the tests that draw it.
    home = {"parent_id": world.units["A"], "merged_into_id": None}
    back = world.admin.patch(path, json=home, headers={"If-Match": "*"})
    assert back.status_code == 200, back.text


def test_a_former_units_link_to_another_scope_is_not_the_communes_to_change(
    world: World, sql
) -> None:
    """A former commune merged into A whose parent is outside A's scope (a former district
    of the province): A's admin may not clear or move that parent."""
    district = world.create(
        "/api/v1/units",
        code="T90100",
        name="Huyện cũ",
        kind="former_district",
        parent_id=world.units["P"],
    )
    former = world.create(
        "/api/v1/units",
        code="T90101",
        name="Xã cũ",
        kind="former_commune",
        parent_id=district["id"],
        merged_into_id=world.units["A"],
    )
    path = f"/api/v1/units/{former['id']}"
    assert world.admin_a.get(path).status_code == 200  # in A's scope through the merger
    for body in ({"parent_id": None}, {"parent_id": world.units["A"]}):
        refused = world.admin_a.patch(path, json=body, headers={"If-Match": '"1"'})
        assert refused.status_code == 403, (body, refused.text)
    assert sql(
        "SELECT 1 FROM unit_scope WHERE ancestor_id = $1 AND unit_id = $2",
        district["id"],
        former["id"],
    )
    # The province's admin may: the former unit stays in its scope through the district.
    unmerged = world.admin.patch(path, json={"merged_into_id": None}, headers={"If-Match": '"1"'})
    assert unmerged.status_code == 200, unmerged.text


def test_a_unit_is_created_under_a_unit_of_the_creators_scope(world: World) -> None:
    for caller in (world.admin, world.admin_a):
        refused = caller.post(
            "/api/v1/units", json={"code": "T24991", "name": "Tỉnh Khác", "kind": "province"}
        )
        assert refused.status_code == 422 and refused.json()["field"] == "parent_id"
    refused = world.admin_a.post(
        "/api/v1/units",
        json={
            "code": "T24991",
            "name": "Văn phòng",
            "kind": "agency",
            "parent_id": world.units["P"],
        },
    )
    assert refused.status_code == 422 and refused.json()["field"] == "parent_id"
    made = world.admin_a.post(
        "/api/v1/units",
        json={
            "code": "T24991",
            "name": "Văn phòng",
            "kind": "agency",
            "parent_id": world.units["A"],
        },
    )
    assert made.status_code == 201, made.text
