"""Stocktakes through the API on the real database: opening fixes the expected list, scans
from several phones are taken once each, closing gives the results and last seen, late
scans are kept, misplaced assets are decided, and another unit sees none of it."""

from __future__ import annotations

import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from inventory.stocktakes.rules import STATUS
from tests.world import World

PATH = "/api/v1/stocktakes"


def _scan(tag: str, room_id: int, seen_at: datetime | None = None, **more: Any) -> dict[str, Any]:
    seen = seen_at or datetime.now(UTC)
    return {"id": str(uuid.uuid4()), "tag": tag, "room_id": room_id, "seen_at": seen.isoformat()}


def _with(scan: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {**scan, **more}


@dataclass
class Place:
    """A fresh site of unit A with two rooms and assets in them."""

    site: int
    room1: int
    room2: int
    assets: dict[str, dict[str, Any]]


def _asset(world: World, room: int, name: str, **more: Any) -> dict[str, Any]:
    return world.create(
        "/api/v1/assets",
        name=name,
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A"],
        room_id=room,
        **more,
    )


@pytest.fixture
def place(world: World) -> Place:
    site = world.create(
        "/api/v1/sites", holder_unit_id=world.units["A"], name=f"Văn phòng {secrets.token_hex(3)}"
    )["id"]
    room1 = world.create("/api/v1/rooms", site_id=site, name="Sảnh")["id"]
    room2 = world.create("/api/v1/rooms", site_id=site, name="Tầng 2")["id"]
    assets = {
        "x": _asset(world, room1, "Tủ sách"),
        "y": _asset(world, room1, "Quạt trần"),
        "w": _asset(world, room2, "Tủ hồ sơ"),  # will be seen in room 1
        "z": _asset(world, room2, "Quạt đứng"),  # will not be seen
        "lot": _asset(world, room2, "Tủ nhựa", quantity=10),
    }
    return Place(site, room1, room2, assets)


def _open(world: World, place: Place, **more: Any) -> dict[str, Any]:
    response = world.officer_a.post(
        PATH, json={"unit_id": world.units["A"], "site_id": place.site, **more}
    )
    assert response.status_code == 201, response.text
    return response.json()


def _send(world: World, login: str, stocktake_id: int, scans: list[dict[str, Any]]) -> Any:
    response = world.callers[login].post(f"{PATH}/{stocktake_id}/scans", json={"scans": scans})
    assert response.status_code == 200, response.text
    return response.json()


def _scans(world: World, stocktake_id: int, **params: Any) -> list[dict[str, Any]]:
    response = world.admin.get(f"{PATH}/{stocktake_id}/scans", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _results(world: World, stocktake_id: int, **params: Any) -> dict[str, Any]:
    response = world.officer_a.get(
        f"{PATH}/{stocktake_id}/results", params={"limit": 200, **params}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_stocktake_from_opening_to_its_results(world: World, place: Place) -> None:
    a = place.assets
    blank = world.create("/api/v1/tags/batches", unit_id=world.units["A"], size=1)["tags"][0][
        "code"
    ]
    stocktake = _open(world, place, name="Kiểm kê cuối năm")
    sid = stocktake["id"]
    assert stocktake["status"] == "open" and stocktake["whole_site"]
    assert stocktake["expected"] == 5 and stocktake["scans"] == 0
    assert {r["id"] for r in stocktake["rooms"]} == {place.room1, place.room2}

    # The expected list, fixed as it opened, pages for a phone to keep offline.
    first = world.officer_a.get(f"{PATH}/{sid}/expected", params={"limit": 3}).json()
    rest = world.officer_a.get(
        f"{PATH}/{sid}/expected", params={"limit": 3, "cursor": first["next_cursor"]}
    ).json()
    listed = first["items"] + rest["items"]
    assert rest["next_cursor"] is None
    assert {e["tag"] for e in listed} == {v["tag"] for v in a.values()}
    assert {e["room_id"] for e in listed if e["asset_id"] == a["w"]["id"]} == {place.room2}

    t0 = datetime.now(UTC) - timedelta(minutes=30)
    phone1 = [
        _scan(a["x"]["tag"].lower(), place.room1, t0),  # as typed: normalised
        _scan(a["y"]["tag"], place.room1, t0),
        _scan(a["w"]["tag"], place.room1, t0),  # misplaced
        _with(_scan(a["lot"]["tag"], place.room2, t0), quantity=8, condition="fair"),
        _scan("TB-TEST", place.room1, t0),  # B's asset
        _scan("XX-9999999", place.room1, t0),
        _scan(blank, place.room2, t0),
    ]
    answer = _send(world, "officer_a", sid, phone1)
    assert (answer["accepted"], answer["duplicates"], answer["late"]) == (7, 0, False)
    kinds = [s["kind"] for s in answer["scans"]]
    assert kinds == ["found", "found", "found", "found", "not_ours", "unknown", "blank"]
    assert answer["scans"][0]["asset_id"] == a["x"]["id"]
    assert "asset_id" not in answer["scans"][4]  # another unit's asset is never named
    assert set(answer["scans"][4]) == {"id", "accepted", "kind"}

    # The batch sent again (a phone that never got the answer): nothing added twice.
    again = _send(world, "officer_a", sid, phone1)
    assert (again["accepted"], again["duplicates"]) == (0, 7)
    assert [s["accepted"] for s in again["scans"]] == [False] * 7
    assert [s["kind"] for s in again["scans"]] == kinds

    # A second phone (another user) sees asset x too, later, and re-sends one scan.
    phone2 = [_scan(a["x"]["tag"], place.room1, t0 + timedelta(minutes=5)), phone1[1]]
    second = _send(world, "admin", sid, phone2)
    assert (second["accepted"], second["duplicates"]) == (1, 1)
    # A scan id twice in one batch counts once.
    twice = _scan("XX-9999999", place.room2, t0)
    assert _send(world, "officer_a", sid, [twice, twice])["accepted"] == 1
    assert len(_scans(world, sid)) == 9
    assert world.officer_a.get(f"{PATH}/{sid}").json()["scans"] == 9

    closed = world.officer_a.post(f"{PATH}/{sid}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]

    results = _results(world, sid)
    assert results["counts"] == {
        "in_place": 3,
        "misplaced": 1,
        "missing": 1,
        "unknown": 1,
        "blank": 1,
        "not_ours": 1,
    }
    lines = {(line["outcome"], line["asset_id"] or line["tag"]): line for line in results["items"]}
    x = lines[("in_place", a["x"]["id"])]
    assert x["sightings"] == 2 and x["seen_by"] == world.users["admin"] and x["expected"]
    assert lines[("in_place", a["lot"]["id"])]["counted_quantity"] == 8
    w = lines[("misplaced", a["w"]["id"])]
    assert (w["recorded_room_id"], w["seen_room_id"]) == (place.room2, place.room1)
    assert ("missing", a["z"]["id"]) in lines
    assert lines[("unknown", "XX-9999999")]["sightings"] == 2
    assert ("blank", blank) in lines
    theirs = lines[("not_ours", "TB-TEST")]
    assert theirs["asset_id"] is None and theirs["name"] == "" and theirs["ownership"] is None
    groups = results["groups"]
    assert groups["own"] == {
        "found": 4,
        "missing": 1,
        "found_quantity": 11,  # 1 + 1 + 1 + 8 counted of the lot
        "missing_quantity": 1,
    }
    only_missing = _results(world, sid, outcome="missing")["items"]
    assert [line["asset_id"] for line in only_missing] == [a["z"]["id"]]

    # Last seen: the latest sighting, recorded in history; the missing one untouched.
    seen_x = world.officer_a.get(f"/api/v1/assets/{a['x']['id']}").json()
    assert seen_x["last_seen_room_id"] == place.room1
    assert seen_x["last_seen_by"] == world.users["admin"]
    assert datetime.fromisoformat(seen_x["last_seen_at"]) == t0 + timedelta(minutes=5)
    assert world.officer_a.get(f"/api/v1/assets/{a['z']['id']}").json()["last_seen_at"] is None
    history = world.officer_a.get(f"/api/v1/assets/{a['x']['id']}/history").json()["items"]
    assert [e["action"] for e in history] == ["create", "seen"]
    assert history[-1]["after"]["seen_in"] == f"stocktake {sid}"

    # The misplaced asset moves to the room where it was seen, once.
    moved = world.officer_a.post(f"{PATH}/{sid}/results/{a['w']['id']}/move-here")
    assert moved.status_code == 200, moved.text
    assert moved.json()["result"]["decision"] == "moved"
    asset_w = world.officer_a.get(f"/api/v1/assets/{a['w']['id']}").json()
    assert asset_w["room_id"] == place.room1
    w_history = world.officer_a.get(f"/api/v1/assets/{a['w']['id']}/history").json()["items"]
    assert [e["action"] for e in w_history] == ["create", "seen", "move"]
    assert w_history[-1]["before"]["room_id"] == place.room2
    twice_moved = world.officer_a.post(f"{PATH}/{sid}/results/{a['w']['id']}/move-here")
    assert twice_moved.status_code == 409 and twice_moved.json()["field"] == "decision"
    in_place = world.officer_a.post(f"{PATH}/{sid}/results/{a['x']['id']}/leave")
    assert in_place.status_code == 409 and in_place.json()["field"] == "outcome"
    unknown = world.officer_a.post(f"{PATH}/{sid}/results/{world.assets['A']}/leave")
    assert unknown.status_code == 404

    # A scan arriving after closing is kept, flagged late; the results stay as they were.
    late_scan = _scan(a["z"]["tag"], place.room2)
    late = _send(world, "officer_a", sid, [late_scan])
    assert late["accepted"] == 1 and late["late"] is True and late["scans"][0]["late"] is True
    assert [s["tag"] for s in _scans(world, sid, late="true")] == [a["z"]["tag"]]
    after = _results(world, sid)
    assert after["late_scans"] == 1 and after["counts"]["missing"] == 1
    # Sent again after closing (an answer lost): each scan is late as it first came.
    resent = _send(world, "officer_a", sid, [phone1[0], late_scan])
    assert resent["late"] is True and resent["duplicates"] == 2
    assert [s.get("late", False) for s in resent["scans"]] == [False, True]

    # Closing twice: 409 naming the state and what may come next; nothing rewritten.
    again_closed = world.officer_a.post(f"{PATH}/{sid}/close")
    assert again_closed.status_code == 409
    assert again_closed.json()["state"] == "closed" and again_closed.json()["allowed"] == []
    assert _results(world, sid)["counts"] == after["counts"]
    steps = world.auditor.get(f"{PATH}/{sid}/history").json()["items"]
    assert [e["action"] for e in steps] == ["open", "close"]


def test_another_unit_sees_nothing_of_a_stocktake(world: World, place: Place) -> None:
    sid = _open(world, place)["id"]
    asset = place.assets["w"]
    _send(world, "officer_a", sid, [_scan(asset["tag"], place.room1)])
    for login in ("leader_a", "auditor", "leader", "admin"):
        assert world.callers[login].get(f"{PATH}/{sid}").status_code == 200
    b = world.officer_b
    for url in ("", "/expected", "/scans", "/history"):
        assert b.get(f"{PATH}/{sid}{url}").status_code == 404, url
    refused = b.post(f"{PATH}/{sid}/scans", json={"scans": [_scan("TB-TEST", place.room1)]})
    assert refused.status_code == 404
    assert b.post(f"{PATH}/{sid}/close").status_code == 404
    assert b.post(f"{PATH}/{sid}/cancel").status_code == 404
    listed = b.get(PATH, params={"unit_id": world.units["A"]}).json()["items"]
    assert listed == []
    for login in ("auditor", "leader", "leader_a"):
        scans = {"scans": [_scan(asset["tag"], place.room1)]}
        assert world.callers[login].post(f"{PATH}/{sid}/scans", json=scans).status_code == 403
        assert world.callers[login].post(f"{PATH}/{sid}/close").status_code == 403
    assert world.officer_a.post(f"{PATH}/{sid}/close").status_code == 200
    assert b.get(f"{PATH}/{sid}/results").status_code == 404
    assert b.post(f"{PATH}/{sid}/results/{asset['id']}/move-here").status_code == 404
    assert b.post(f"{PATH}/{sid}/results/{asset['id']}/leave").status_code == 404
    assert world.leader_a.get(f"{PATH}/{sid}/results").status_code == 200
    # B's officer cannot open one over A's site, nor for A.
    over_a = b.post(PATH, json={"unit_id": world.units["B"], "site_id": place.site})
    assert over_a.status_code == 422 and over_a.json()["field"] == "site_id"
    for_a = b.post(PATH, json={"unit_id": world.units["A"], "site_id": world.sites["B"]})
    assert for_a.status_code == 422 and for_a.json()["field"] == "unit_id"


def test_a_bad_batch_is_refused_whole(world: World, place: Place) -> None:
    sid = _open(world, place)["id"]
    good = _scan(place.assets["x"]["tag"], place.room1)
    post = world.officer_a.post
    elsewhere = post(
        f"{PATH}/{sid}/scans", json={"scans": [good, _scan("TA-TEST", world.rooms["A"])]}
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["field"] == "scans[1].room_id"
    blank_tag = post(f"{PATH}/{sid}/scans", json={"scans": [good, _scan("   ", place.room1)]})
    assert blank_tag.status_code == 422 and blank_tag.json()["field"] == "scans[1].tag"
    too_many = [_scan(f"ZZ-{i}", place.room1) for i in range(501)]
    big = post(f"{PATH}/{sid}/scans", json={"scans": too_many})
    assert big.status_code == 422 and big.json()["field"] == "scans"
    assert post(f"{PATH}/{sid}/scans", json={"scans": []}).json()["field"] == "scans"
    not_uuid = post(f"{PATH}/{sid}/scans", json={"scans": [_with(good, id="phone-1")]})
    assert not_uuid.status_code == 400 and "scans" in not_uuid.json()["field"]
    naive = post(f"{PATH}/{sid}/scans", json={"scans": [_with(good, seen_at="2026-12-01T10:00")]})
    assert naive.status_code == 400
    extra = post(f"{PATH}/{sid}/scans", json={"scans": [_with(good, asset_name="x")]})
    assert extra.status_code == 400
    assert _scans(world, sid) == []  # nothing of any refused batch was kept
    # 404 for a stocktake that does not exist, before anything else.
    assert post(f"{PATH}/999999999/scans", json={"scans": [good]}).status_code == 404


def test_cancelling_and_chosen_rooms(world: World, place: Place) -> None:
    chosen = _open(world, place, room_ids=[place.room2])
    assert not chosen["whole_site"] and [r["id"] for r in chosen["rooms"]] == [place.room2]
    assert chosen["expected"] == 3  # w, z and the lot are in room 2
    sid = chosen["id"]
    outside = world.officer_a.post(
        f"{PATH}/{sid}/scans", json={"scans": [_scan(place.assets["x"]["tag"], place.room1)]}
    )
    assert outside.status_code == 422 and outside.json()["field"] == "scans[0].room_id"
    cancelled = world.officer_a.post(f"{PATH}/{sid}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    refused = world.officer_a.post(f"{PATH}/{sid}/close")
    assert refused.status_code == 409 and refused.json()["allowed"] == []
    assert world.officer_a.get(f"{PATH}/{sid}/results").status_code == 409
    late = _send(world, "officer_a", sid, [_scan(place.assets["z"]["tag"], place.room2)])
    assert late["late"] is True and late["accepted"] == 1
    other_site = world.officer_a.post(
        PATH,
        json={"unit_id": world.units["A"], "site_id": place.site, "room_ids": [world.rooms["A"]]},
    )
    assert other_site.status_code == 422 and other_site.json()["field"] == "room_ids"
    assert (
        world.auditor.post(
            PATH, json={"unit_id": world.units["A"], "site_id": place.site}
        ).status_code
        == 403
    )


def test_the_workflow_is_declared_once() -> None:
    assert STATUS.next_states("open") == ["closed", "cancelled"]
    assert STATUS.next_states("closed") == []


def test_moving_an_asset(world: World, place: Place) -> None:
    asset = place.assets["y"]
    url = f"/api/v1/assets/{asset['id']}/move"
    moved = world.officer_a.post(url, json={"room_id": place.room2})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["room_id"], moved.json()["site_id"]) == (place.room2, place.site)
    assert moved.headers["ETag"] == f'"{asset["version"] + 1}"'
    same = world.officer_a.post(url, json={"room_id": place.room2})
    assert same.status_code == 200 and same.json()["version"] == asset["version"] + 1
    to_site = world.officer_a.post(url, json={"site_id": world.sites["A"]})
    assert to_site.json()["room_id"] is None and to_site.json()["site_id"] == world.sites["A"]
    history = world.officer_a.get(f"/api/v1/assets/{asset['id']}/history").json()["items"]
    assert [e["action"] for e in history] == ["create", "move", "move"]
    b_room = world.officer_a.post(url, json={"room_id": world.rooms["B"]})
    assert b_room.status_code == 422 and b_room.json()["field"] == "room_id"
    mismatch = world.officer_a.post(url, json={"room_id": place.room1, "site_id": world.sites["A"]})
    assert mismatch.status_code == 422 and mismatch.json()["field"] == "site_id"
    nowhere = world.officer_a.post(url, json={})
    assert nowhere.status_code == 422
    assert world.officer_b.post(url, json={"room_id": world.rooms["B"]}).status_code == 404
    assert world.auditor.post(url, json={"room_id": place.room1}).status_code == 403
    # The admin may name B's room, but it is not in a site of the asset's holder.
    foreign = world.admin.post(url, json={"room_id": world.rooms["B"]})
    assert foreign.status_code == 422 and foreign.json()["field"] == "room_id"


def test_phones_sending_at_once_and_a_close_meanwhile(world: World, place: Place) -> None:
    """Batches racing each other take each scan id once; batches racing the close are
    either in its results or flagged late, never lost."""
    sid = _open(world, place)["id"]
    tags = [place.assets[k]["tag"] for k in ("x", "y", "w", "z", "lot")]
    shared = [_scan(tag, place.room1) for tag in tags]  # both phones send these
    batches = [shared + [_scan(f"XX-{i}{j}", place.room2) for j in range(20)] for i in range(2)]

    def send(batch: list[dict[str, Any]]) -> int:
        return _send(world, "officer_a", sid, batch)["accepted"]

    with ThreadPoolExecutor(2) as pool:
        assert sum(pool.map(send, batches)) == len(shared) + 40
    assert len(_scans(world, sid)) == len(shared) + 40

    racing = [[_scan(tags[i % 5], place.room2)] for i in range(6)]

    def close() -> int:
        return world.officer_a.post(f"{PATH}/{sid}/close").status_code

    with ThreadPoolExecutor(4) as pool:
        closing = pool.submit(close)
        answers = list(pool.map(lambda b: _send(world, "admin", sid, b), racing))
        assert closing.result() == 200
    on_time = sum(1 for a in answers if not a["late"])
    results = _results(world, sid)
    assert results["late_scans"] == len(racing) - on_time
    sightings = sum(line["sightings"] for line in results["items"] if line["asset_id"])
    assert sightings == len(shared) + on_time


class StocktakeCalls(RuleBasedStateMachine):
    """Random steps and scans through the API against the declared machine as the model."""

    world: World

    @initialize()
    def open_one(self) -> None:
        body = {"unit_id": self.world.units["A"], "site_id": self.world.sites["A"]}
        self.path = f"{PATH}/{self.world.create(PATH, **body)['id']}"
        self.state, self.late = "open", 0

    @rule(
        action=st.sampled_from([t.action for t in STATUS.transitions]),
        by=st.sampled_from(["officer_a", "admin", "leader_a"]),
    )
    def step(self, action: str, by: str) -> None:
        response = self.world.callers[by].post(f"{self.path}/{action}")
        target = next(t.target for t in STATUS.transitions if t.action == action)
        if by == "leader_a":
            assert response.status_code == 403, response.text
        elif target in STATUS.next_states(self.state):
            assert response.status_code == 200, response.text
            self.state = target
        else:
            assert response.status_code == 409, response.text
            assert response.json()["allowed"] == STATUS.next_states(self.state)

    @rule()
    def scan(self) -> None:
        body = {"scans": [_scan("XX-1234567", self.world.rooms["A"])]}
        response = self.world.officer_a.post(f"{self.path}/scans", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["late"] is (self.state != "open")
        self.late += self.state != "open"

    @invariant()
    def the_record_holds_the_model_state(self) -> None:
        if hasattr(self, "path"):
            assert self.world.auditor.get(self.path).json()["status"] == self.state
            late = self.world.admin.get(f"{self.path}/scans", params={"late": "true"}).json()
            assert len(late["items"]) == self.late


def test_no_sequence_of_calls_leaves_the_stocktake_workflow(world: World) -> None:
    StocktakeCalls.world = world
    run = StocktakeCalls.TestCase
    run.settings = settings(
        max_examples=10,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    run().runTest()
