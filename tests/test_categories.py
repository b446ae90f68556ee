"""Categories through the API: reference data read by all, written by admins."""

from __future__ import annotations

import asyncio
import secrets

import asyncpg

from inventory.accounts.principal import Principal, Role
from inventory.errors import Forbidden
from inventory.history.write import Write
from tests.world import World

PATH = "/api/v1/categories"


def _code() -> str:
    return "C" + secrets.token_hex(3).upper()


def test_admin_creates_changes_and_deletes_a_category_with_history(world: World, sql) -> None:
    created = world.admin.post(
        PATH,
        json={
            "code": _code(),
            "name": "Máy scan",
            "form_group": "C",
            "wear_rate": 0.1429,
            "norm_item": "scanner",
        },
    )
    assert created.status_code == 201, created.text
    category = created.json()
    assert (category["wear_rate"], category["form_group"], category["version"]) == (0.1429, "C", 1)
    assert created.headers["etag"] == '"1"'
    path = f"{PATH}/{category['id']}"

    changed = world.admin.patch(
        path, json={"wear_rate": 0.2, "norm_item": None}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["wear_rate"], changed.json()["norm_item"]) == (0.2, None)
    events = world.auditor.get(f"{path}/history").json()["items"]
    assert [e["action"] for e in events] == ["create", "update"]
    assert (events[1]["before"]["wear_rate"], events[1]["after"]["wear_rate"]) == (0.1429, 0.2)

    assert world.admin.delete(path, headers={"If-Match": '"2"'}).status_code == 204
    assert world.admin.get(path).status_code == 404
    actions = sql(
        "SELECT action FROM events WHERE entity = 'category' AND entity_id = $1 ORDER BY id",
        category["id"],
    )
    assert [r["action"] for r in actions] == ["create", "update", "delete"]


def test_everyone_reads_only_admin_writes(world: World) -> None:
    mt = world.categories["MT"]
    for caller in (world.officer_a, world.officer_b, world.leader_a, world.auditor):
        assert caller.get(f"{PATH}/{mt}").json()["name"] == "Máy tính"
    refused = world.officer_a.post(PATH, json={"code": _code(), "name": "X", "form_group": "D"})
    assert refused.status_code == 403
    patched = world.leader.patch(f"{PATH}/{mt}", json={"name": "X"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 403


def test_schema_errors_name_the_field_and_write_nothing(world: World, sql) -> None:
    events = sql("SELECT count(*) FROM events")[0][0]
    for body, field in [
        ({"code": _code(), "name": "X", "form_group": "E"}, "form_group"),
        ({"code": _code(), "name": "X", "form_group": "C", "wear_rate": 1.5}, "wear_rate"),
        ({"code": "a b", "name": "X", "form_group": "C"}, "code"),
        ({"code": _code(), "name": "X", "form_group": "C", "life": 7}, "life"),
    ]:
        response = world.admin.post(PATH, json=body)
        assert response.status_code == 400, body
        assert response.json()["field"] == field
    assert sql("SELECT count(*) FROM events")[0][0] == events


def test_duplicate_code_is_a_conflict(world: World) -> None:
    response = world.admin.post(PATH, json={"code": "MT", "name": "Dup", "form_group": "C"})
    assert response.status_code == 409
    assert (response.json()["constraint"], response.json()["field"]) == (
        "categories_code_key",
        "code",
    )


def test_a_category_in_use_cannot_be_deleted(world: World, sql) -> None:
    path = f"{PATH}/{world.categories['MT']}"
    assert world.admin.delete(path).status_code == 428
    version = world.admin.get(path).headers["etag"]
    assert world.admin.delete(path, headers={"If-Match": '"999"'}).status_code == 412
    events = sql("SELECT count(*) FROM events")[0][0]
    response = world.admin.delete(path, headers={"If-Match": version})
    assert response.status_code == 409
    assert response.json()["constraint"] == "assets_category_id_fkey"
    assert world.admin.get(path).status_code == 200
    assert sql("SELECT count(*) FROM events")[0][0] == events


def test_list_filters_searches_and_sorts(world: World) -> None:
    by_group = world.auditor.get(PATH, params={"form_group": "B"}).json()["items"]
    assert "OTO" in [c["code"] for c in by_group]
    assert all(c["form_group"] == "B" for c in by_group)
    for query in ("may tinh", "MÁY TÍNH", "MT"):
        found = world.officer_b.get(PATH, params={"q": query}).json()["items"]
        assert "MT" in [c["code"] for c in found], query
    listed = world.admin.get(PATH, params={"sort": "-name", "limit": 200}).json()["items"]
    seeded = [c["code"] for c in listed if c["code"] in world.categories]
    assert seeded == ["OTO", "MT", "BG"]  # Xe ô tô, Máy tính, Bàn ghế
    bad = world.admin.get(PATH, params={"sort": "wear_rate"})
    assert bad.status_code == 400 and bad.json()["field"] == "sort"


def test_only_an_admin_of_the_province_changes_a_category(world: World, sql) -> None:
    """A category is every unit's: a commune's admin changing a wear rate revalued the
    assets of every other commune."""
    category = world.create(PATH, code=_code(), name="Máy chiếu", form_group="C", wear_rate=0.1)
    path = f"{PATH}/{category['id']}"
    events = sql("SELECT count(*) FROM events")[0][0]
    refusals = [
        world.admin_a.post(PATH, json={"code": _code(), "name": "X", "form_group": "D"}),
        world.admin_a.patch(path, json={"wear_rate": 0.5}, headers={"If-Match": '"1"'}),
        world.admin_a.delete(path, headers={"If-Match": '"1"'}),
    ]
    for refused in refusals:
        assert refused.status_code == 403, refused.text
        assert "province" in refused.json()["detail"]
    assert world.admin_a.get(path).json() == category  # reading is still everyone's
    assert sql("SELECT count(*) FROM events")[0][0] == events
    changed = world.admin.patch(path, json={"wear_rate": 0.5}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["wear_rate"] == 0.5


def test_the_write_step_refuses_the_deployments_data_to_a_communes_admin(
    world: World, database_url: str
) -> None:
    """Whatever route writes it, a change joining the deployment's chain (categories,
    norms, settings) is refused in the same transaction to anyone but a province admin."""

    async def attempt(login: str) -> str:
        conn = await asyncpg.connect(database_url)
        try:
            principal = Principal(world.users[login], login, Role.ADMIN, world.units["A"])
            try:
                async with Write(conn, principal) as write:
                    await conn.execute(
                        "UPDATE categories SET name = 'Đổi' WHERE id = $1", world.categories["OTO"]
                    )
                    write.record(
                        "category", world.categories["OTO"], "update", {}, {}, unit_id=None
                    )
            except Forbidden as refused:
                return str(refused.detail)
            return "written"
        finally:
            await conn.close()

    assert "province" in asyncio.run(attempt("admin_a"))
    got = world.auditor.get(f"{PATH}/{world.categories['OTO']}").json()
    assert got["name"] == "Xe ô tô"
