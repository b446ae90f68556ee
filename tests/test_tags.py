"""Tags: server-issued codes, blank batches claimed by scanning, a tag for life, scope."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets

import asyncpg
import pytest

from inventory.app import create_app
from inventory.tagcodes import ALPHABET, TagProblem, check_prefix, encode, validate
from tests.world import World

TAGS = "/api/v1/tags"
ASSETS = "/api/v1/assets"


def _batch(world: World, unit: str = "A", size: int = 3, caller: str = "officer_a") -> dict:
    response = world.callers[caller].post(
        f"{TAGS}/batches", json={"unit_id": world.units[unit], "size": size}
    )
    assert response.status_code == 201, response.text
    return response.json()


def _untagged(world: World, unit: str = "A") -> dict:
    return world.create(
        ASSETS,
        name=f"Tủ {secrets.token_hex(3)}",
        issue_tag=False,
        category_id=world.categories["BG"],
        holder_unit_id=world.units[unit],
        room_id=world.rooms[unit],
    )


def _new_asset(world: World, unit: str = "A") -> dict:
    return {
        "name": f"Quạt trần {secrets.token_hex(3)}",
        "category_id": world.categories["BG"],
        "room_id": world.rooms[unit],
        "condition": "fair",
    }


def test_the_prefix_must_be_symbols_of_the_alphabet() -> None:
    assert check_prefix("52") == "52"
    for bad in ("", "gl", "G-L", "52O"):
        with pytest.raises(ValueError):
            encode(1, bad)
    assert all(c in ALPHABET + "-" for c in encode(1, "52"))


def test_assets_get_a_tag_when_created_unless_told_not_to(world: World) -> None:
    tagged = world.create(
        ASSETS,
        name="Máy chiếu",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
    )
    assert tagged["tag"].startswith("52-") and validate(tagged["tag"]) is TagProblem.VALID
    untagged = _untagged(world)
    assert untagged["tag"] is None
    path = f"{ASSETS}/{untagged['id']}/tag"
    issued = world.officer_a.post(path)
    assert issued.status_code == 201, issued.text
    tag = issued.json()["tag"]
    assert validate(tag) is TagProblem.VALID and tag != tagged["tag"]
    again = world.officer_a.post(path)
    assert again.status_code == 409 and again.json()["field"] == "tag"
    assert world.officer_a.get(f"{ASSETS}/{untagged['id']}").json()["tag"] == tag
    history = world.officer_a.get(f"{ASSETS}/{untagged['id']}/history").json()["items"]
    assert [(e["action"], e["after"]["tag"]) for e in history] == [("create", None), ("tag", tag)]


def test_reserve_a_batch_then_claim_by_binding_an_existing_asset(world: World) -> None:
    batch = _batch(world, size=3)
    codes = [t["code"] for t in batch["tags"]]
    assert (batch["size"], batch["claimed"], batch["unit_name"]) == (3, 0, "Xã Ia Rbol")
    assert len(set(codes)) == 3
    assert all(validate(c) is TagProblem.VALID and c.startswith("52-") for c in codes)
    blank = world.officer_a.get(f"{TAGS}/{codes[0].lower()}").json()
    assert (blank["state"], blank["asset_id"], blank["batch_id"]) == ("blank", None, batch["id"])

    asset = _untagged(world)
    claimed = world.officer_a.post(f"{TAGS}/{codes[0]}/claim", json={"asset_id": asset["id"]})
    assert claimed.status_code == 200, claimed.text
    assert (claimed.json()["state"], claimed.json()["asset_id"]) == ("bound", asset["id"])
    assert world.officer_a.get(f"{ASSETS}/{asset['id']}").json()["tag"] == codes[0]
    again = world.officer_a.get(f"{TAGS}/batches/{batch['id']}").json()
    assert again["claimed"] == 1
    assert [t["asset_id"] for t in again["tags"]] == [asset["id"], None, None]
    listed = world.officer_a.get(f"{TAGS}/batches", params={"unit_id": world.units["A"]})
    assert {"id": batch["id"], "claimed": 1}.items() <= next(
        b for b in listed.json()["items"] if b["id"] == batch["id"]
    ).items()
    events = world.officer_a.get(f"{TAGS}/batches/{batch['id']}/history").json()["items"]
    assert [e["action"] for e in events] == ["create", "claim"]
    assert events[0]["after"]["codes"] == codes
    assert events[1]["after"]["asset_id"] == asset["id"]
    asset_events = world.officer_a.get(f"{ASSETS}/{asset['id']}/history").json()["items"]
    assert [e["action"] for e in asset_events] == ["create", "tag"]


def test_claim_by_creating_an_asset_on_the_spot(world: World) -> None:
    code = _batch(world, size=1)["tags"][0]["code"]
    new = _new_asset(world)
    claimed = world.officer_a.post(f"{TAGS}/{code}/claim", json={"asset": new})
    assert claimed.status_code == 200, claimed.text
    asset = world.officer_a.get(f"{ASSETS}/{claimed.json()['asset_id']}").json()
    assert (
        asset["tag"],
        asset["name"],
        asset["holder_unit_id"],
        asset["room_id"],
        asset["site_id"],
        asset["condition"],
    ) == (code, new["name"], world.units["A"], world.rooms["A"], world.sites["A"], "fair")


def test_claims_that_cannot_be(world: World, sql) -> None:
    code, other = (t["code"] for t in _batch(world, size=2)["tags"])
    tagged = world.create(
        ASSETS, name="Bàn", category_id=world.categories["BG"], holder_unit_id=world.units["A"]
    )
    claim = f"{TAGS}/{code}/claim"
    events = sql("SELECT count(*) FROM events")[0][0]
    for body, status, field in [
        ({"asset_id": tagged["id"]}, 409, "tag"),  # an asset keeps the tag it has
        ({"asset_id": world.assets["B"]}, 422, "asset_id"),  # another unit's asset
        ({"asset_id": 999_999_999}, 422, "asset_id"),
        ({"asset": {**_new_asset(world), "room_id": world.rooms["B"]}}, 422, "asset.room_id"),
        ({"asset": {**_new_asset(world), "category_id": 999_999_999}}, 422, "category_id"),
        ({}, 400, None),
        ({"asset_id": 1, "asset": _new_asset(world)}, 400, None),
    ]:
        response = world.officer_a.post(claim, json=body)
        assert response.status_code == status, (body, response.text)
        if field:
            assert response.json()["field"] == field, body
    assert sql("SELECT count(*) FROM events")[0][0] == events
    assert world.officer_a.get(f"{TAGS}/{code}").json()["state"] == "blank"
    assert world.officer_a.post(claim, json={"asset_id": _untagged(world)["id"]}).status_code == 200
    twice = world.officer_a.post(claim, json={"asset_id": _untagged(world)["id"]})
    assert twice.status_code == 409 and twice.json()["field"] == "code"
    # Read-only roles see tags but do not claim them.
    assert world.leader_a.get(f"{TAGS}/{other}").status_code == 200
    assert (
        world.leader_a.post(
            f"{TAGS}/{other}/claim", json={"asset_id": _untagged(world)["id"]}
        ).status_code
        == 403
    )
    assert (
        world.auditor.post(
            f"{TAGS}/batches", json={"unit_id": world.units["A"], "size": 1}
        ).status_code
        == 403
    )


def test_batch_size_and_unit_are_checked(world: World) -> None:
    for size in (0, 1001):
        response = world.officer_a.post(
            f"{TAGS}/batches", json={"unit_id": world.units["A"], "size": size}
        )
        assert response.status_code == 400 and response.json()["field"] == "size"
    foreign = world.officer_a.post(f"{TAGS}/batches", json={"unit_id": world.units["B"], "size": 1})
    assert foreign.status_code == 422 and foreign.json()["field"] == "unit_id"


def test_a_tag_is_the_assets_for_life_in_the_database(world: World, database_url: str, sql) -> None:
    asset = world.create(
        ASSETS, name="Máy in", category_id=world.categories["MT"], holder_unit_id=world.units["A"]
    )

    async def set_tag(value: str | None) -> None:
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute("UPDATE assets SET tag = $2 WHERE id = $1", asset["id"], value)
        finally:
            await conn.close()

    for value in ("52-AAAAAAA", None):
        with pytest.raises(asyncpg.CheckViolationError) as refused:
            asyncio.run(set_tag(value))
        assert refused.value.constraint_name == "assets_tag_immutable"
    untagged = _untagged(world)
    sql("UPDATE assets SET tag = $2 WHERE id = $1", untagged["id"], f"X-{secrets.token_hex(3)}")
    # Other columns still change freely.
    sql("UPDATE assets SET custodian = 'Kho' WHERE id = $1", asset["id"])
    assert sql("SELECT tag FROM assets WHERE id = $1", asset["id"])[0][0] == asset["tag"]


def test_moving_an_asset_to_another_unit_keeps_its_tag(world: World) -> None:
    code = _batch(world, size=1)["tags"][0]["code"]
    asset_id = world.officer_a.post(
        f"{TAGS}/{code}/claim", json={"asset": _new_asset(world)}
    ).json()["asset_id"]
    moved = world.admin.patch(
        f"{ASSETS}/{asset_id}",
        headers={"If-Match": '"1"'},
        json={"holder_unit_id": world.units["B"], "room_id": None, "site_id": None},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["tag"] == code
    seen_by_b = world.officer_b.get(f"{TAGS}/{code}").json()
    assert (seen_by_b["state"], seen_by_b["unit_id"], seen_by_b["asset_id"]) == (
        "bound",
        world.units["B"],
        asset_id,
    )
    assert world.officer_a.get(f"{TAGS}/{code}").status_code == 404


def test_tags_are_never_reused(world: World, sql) -> None:
    code = _batch(world, size=1)["tags"][0]["code"]
    claimed = world.officer_a.post(f"{TAGS}/{code}/claim", json={"asset": _new_asset(world)})
    asset_id = claimed.json()["asset_id"]
    direct = world.create(
        ASSETS, name="Ghế", category_id=world.categories["BG"], holder_unit_id=world.units["A"]
    )
    for gone in (asset_id, direct["id"]):
        deleted = world.officer_a.delete(f"{ASSETS}/{gone}", headers={"If-Match": '"1"'})
        assert deleted.status_code == 204, deleted.text
    retired = world.officer_a.get(f"{TAGS}/{code}").json()
    assert (retired["state"], retired["asset_id"]) == ("retired", None)
    again = world.officer_a.post(f"{TAGS}/{code}/claim", json={"asset": _new_asset(world)})
    assert again.status_code == 409
    fresh = {t["code"] for t in _batch(world, size=20)["tags"]} | {
        world.create(
            ASSETS, name="Ghế", category_id=world.categories["BG"], holder_unit_id=world.units["A"]
        )["tag"]
        for _ in range(5)
    }
    assert code not in fresh and direct["tag"] not in fresh
    issued = sql(
        "SELECT code FROM tags UNION ALL SELECT tag FROM assets WHERE tag IS NOT NULL"
        " AND tag NOT IN (SELECT code FROM tags)"
    )
    assert len(issued) == len({r[0] for r in issued})


def test_another_units_batches_and_blank_tags_are_not_found(world: World) -> None:
    batch = _batch(world, "B", size=1, caller="officer_b")
    code = batch["tags"][0]["code"]
    unknown = encode(887_000_000, "52")  # valid, never issued
    for caller in ("officer_a", "leader_a"):
        api = world.callers[caller]
        assert api.get(f"{TAGS}/batches/{batch['id']}").status_code == 404
        assert api.get(f"{TAGS}/batches/{batch['id']}/history").status_code == 404
        hidden, missing = api.get(f"{TAGS}/{code}"), api.get(f"{TAGS}/{unknown}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["detail"].replace(code, "?") == missing.json()["detail"].replace(
            unknown, "?"
        )
        ids = [b["id"] for b in api.get(f"{TAGS}/batches", params={"limit": 200}).json()["items"]]
        assert batch["id"] not in ids
    claim = world.officer_a.post(f"{TAGS}/{code}/claim", json={"asset": _new_asset(world)})
    assert claim.status_code == 404
    assert world.officer_b.get(f"{TAGS}/{code}").json()["state"] == "blank"
    assert world.leader.get(f"{TAGS}/batches/{batch['id']}").status_code == 200


def test_a_mistyped_tag_is_told_apart(world: World) -> None:
    code = _batch(world, size=1)["tags"][0]["code"]
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    typo = world.officer_a.get(f"{TAGS}/{code[:-1]}{wrong}")
    assert typo.status_code == 404 and "mistyped" in typo.json()["detail"]
    swapped = code[:3] + code[4] + code[3] + code[5:]
    if swapped != code:
        assert "mistyped" in world.officer_a.get(f"{TAGS}/{swapped}").json()["detail"]
    assert "mistyped" not in world.officer_a.get(f"{TAGS}/nonsense").json()["detail"]


@pytest.mark.parametrize(
    "base_url", ["https://host/kiemke", "ftp://host", "host:8000", "https://host?x=1"]
)
def test_a_base_url_labels_cannot_carry_is_refused_at_start(settings, base_url: str) -> None:
    with pytest.raises(ValueError, match="public base URL"):
        create_app(dataclasses.replace(settings, public_base_url=base_url))
