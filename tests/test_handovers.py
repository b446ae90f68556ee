"""Handovers on form 02/TSC-BBGN through the API, against the real database: building from
a selection, the two sides, receiving by scan list, signing, completion passing the
items to the receiving unit, the deadline from the norms table, and the failure paths."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from inventory.clock import VIETNAM
from inventory.handovers.rules import OPEN, STATUS
from tests.conftest import run_sql
from tests.world import World

H = "/api/v1/handovers"


def _today() -> str:
    return datetime.now(UTC).astimezone(VIETNAM).date().isoformat()


def _days_ago(days: int) -> str:
    return (datetime.now(UTC).astimezone(VIETNAM).date() - timedelta(days=days)).isoformat()


def body(world: World, giver: str, receiver: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "reallocation",
        "decision": {
            "number": f"{secrets.token_hex(2)}/QĐ-UBND",
            "date": _days_ago(3),
            "issuer": "UBND tỉnh",
        },
        "giving_unit_id": world.units[giver],
        "receiving_unit_id": world.units[receiver],
        "place": "Trụ sở UBND xã",
        "giver_parties": [{"name": "Nguyễn Văn A", "position": "Chủ tịch"}],
        "receiver_parties": [{"name": "Trần Thị B", "position": "Chủ tịch"}],
        **extra,
    }


def asset(world: World, unit: str, **fields: Any) -> dict[str, Any]:
    return world.create(
        "/api/v1/assets",
        name=fields.pop("name", f"Tủ sắt {secrets.token_hex(3)}"),
        category_id=fields.pop("category_id", world.categories["MT"]),
        holder_unit_id=world.units[unit],
        **fields,
    )


def holdings_of_a1(world: World) -> dict[str, Any]:
    """A site of former unit A1 with two rooms and three assets (one a counted lot)."""
    site = world.create(
        "/api/v1/sites",
        holder_unit_id=world.units["A1"],
        name=f"Trụ sở xã cũ {secrets.token_hex(3)}",
        address="Thôn 3",
        floor_area_m2=320,
    )
    rooms = [
        world.create(
            "/api/v1/rooms", site_id=site["id"], name=f"Phòng xử lý {i} {secrets.token_hex(3)}"
        )["id"]
        for i in (1, 2)
    ]
    pc = asset(world, "A1", room_id=rooms[0], original_cost=18_000_000, remaining_value=9_000_000)
    chairs = asset(
        world,
        "A1",
        name="Tủ nhựa",
        category_id=world.categories["BG"],
        room_id=rooms[1],
        quantity=20,
        unit_of_measure="chiếc",
        original_cost=4_000_000,
    )
    car = asset(
        world,
        "A1",
        name="Xe ô tô Toyota",
        category_id=world.categories["OTO"],
        original_cost=800_000_000,
        remaining_value=200_000_000,
    )
    return {"site": site, "rooms": rooms, "assets": [pc, chairs, car]}


def items_of(caller, handover_id: int, **params: Any) -> list[dict[str, Any]]:
    response = caller.get(f"{H}/{handover_id}/items", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_merger_handover_from_a1_to_a_end_to_end(world: World, sql) -> None:
    held = holdings_of_a1(world)
    pc, chairs, car = held["assets"]
    officer = world.officer_a  # commune A: its scope holds A1 too, so both sides
    made = officer.post(
        H, json=body(world, "A1", "A", kind="merger", items={"from_unit_id": world.units["A1"]})
    )
    assert made.status_code == 201, made.text
    handover = made.json()
    hid = handover["id"]
    assert handover["status"] == "draft" and handover["items"] == handover["listed"]
    assert handover["deadline"]["days"] == 30
    items = items_of(officer, hid)
    mine = {
        (i["kind"], i[f"{i['kind']}_id"])
        for i in items
        if i["kind"] != "asset" or i["asset_id"] in {a["id"] for a in held["assets"]}
    }
    assert ("site", held["site"]["id"]) in mine
    assert {("room", r) for r in held["rooms"]} <= mine
    by_asset = {i["asset_id"]: i for i in items if i["kind"] == "asset"}
    assert by_asset[car["id"]]["form_group"] == "B"
    assert by_asset[chairs["id"]]["quantity"] == 20
    assert by_asset[chairs["id"]]["unit_of_measure"] == "chiếc"
    assert by_asset[pc["id"]]["remaining_value"] == 9_000_000
    site_item = next(i for i in items if i["kind"] == "site")
    assert site_item["form_group"] == "A"

    # What was listed stays as listed when the asset changes later.
    renamed = world.admin.patch(
        f"/api/v1/assets/{pc['id']}", json={"name": "Đổi tên"}, headers={"If-Match": "*"}
    )
    assert renamed.status_code == 200, renamed.text
    assert {i["name"] for i in items_of(officer, hid)} >= {pc["name"]}

    detail = officer.get(f"{H}/{hid}").json()
    assert detail["summary"]["by_group"]["B"]["original_cost"] >= 800_000_000
    assert detail["summary"]["by_transfer_status"]["listed"]["items"] == len(items)

    assert officer.post(f"{H}/{hid}/submit").status_code == 200
    # Received by scan list (tags) and by item ids; the pc damaged.
    tags = [a["tag"] for a in (chairs, car)]
    got = officer.post(f"{H}/{hid}/receipts", json={"status": "received", "tags": tags})
    assert got.status_code == 200, got.text
    assert got.json()["handover"]["status"] == "verifying"
    damaged = officer.post(
        f"{H}/{hid}/receipts",
        json={
            "status": "received_damaged",
            "item_ids": [by_asset[pc["id"]]["id"]],
            "condition": "broken",
            "note": "Màn hình vỡ",
        },
    )
    assert damaged.status_code == 200, damaged.text
    # Not every item is recorded yet: nothing is signed.
    early = officer.post(f"{H}/{hid}/sign", json={"name": "Nguyễn Văn A", "side": "giver"})
    assert early.status_code == 409, early.text
    assert early.json()["allowed"] == ["disputed"]
    assert early.json()["state"] == "verifying"
    rest = [i["id"] for i in items_of(officer, hid, transfer_status="listed")]
    assert (
        officer.post(
            f"{H}/{hid}/receipts", json={"status": "received", "item_ids": rest}
        ).status_code
        == 200
    )

    both = officer.post(f"{H}/{hid}/sign", json={"name": "Nguyễn Văn A"})
    assert both.status_code == 422 and both.json()["field"] == "side"
    giver = officer.post(
        f"{H}/{hid}/sign", json={"name": "Nguyễn Văn A", "position": "Chủ tịch", "side": "giver"}
    )
    assert giver.status_code == 200, giver.text
    signed = giver.json()
    assert signed["status"] == "signed_by_giver"
    assert len(signed["giver_signature"]["hash"]) == 64
    done = officer.post(f"{H}/{hid}/sign", json={"name": "Trần Thị B", "position": "Chủ tịch"})
    assert done.status_code == 200, done.text
    completed = done.json()
    assert completed["status"] == "completed" and completed["flag"] is None
    assert completed["receiver_signature"]["hash"] == signed["giver_signature"]["hash"]
    assert completed["deadline"]["completed_late"] is False

    # The assets and the site now belong to A; the damaged one has its condition.
    for a in (pc, chairs, car):
        now = world.admin.get(f"/api/v1/assets/{a['id']}").json()
        assert now["holder_unit_id"] == world.units["A"]
    assert world.admin.get(f"/api/v1/assets/{pc['id']}").json()["condition"] == "broken"
    kept = world.admin.get(f"/api/v1/assets/{chairs['id']}").json()
    assert kept["room_id"] == held["rooms"][1]  # its site passed with it: it stays put
    site = world.admin.get(f"/api/v1/sites/{held['site']['id']}").json()
    assert site["holder_unit_id"] == world.units["A"]
    events = sql(
        "SELECT entity, action, chain FROM events WHERE entity_id = $1"
        " AND entity = 'asset' AND action = 'handover'",
        car["id"],
    )
    assert [tuple(e) for e in events] == [("asset", "handover", world.units["A"])]
    history = officer.get(f"{H}/{hid}/history").json()["items"]
    assert [e["action"] for e in history] == ["create", "submit", "receive", "sign", "complete"]

    # Completed: the database refuses any change, of it or its items.
    with pytest.raises(asyncpg.CheckViolationError):
        sql("UPDATE handover_items SET quantity = 2 WHERE handover_id = $1", hid)
    with pytest.raises(asyncpg.CheckViolationError):
        sql("UPDATE handovers SET place = 'x' WHERE id = $1", hid)
    with pytest.raises(asyncpg.CheckViolationError):
        sql("DELETE FROM handover_items WHERE handover_id = $1", hid)
    again = officer.post(f"{H}/{hid}/receipts", json={"status": "missing", "item_ids": rest})
    assert again.status_code == 409
    # A correction is a supplementary handover linked to it; its items are free again.
    sup = officer.post(
        H,
        json=body(
            world,
            "A",
            "A2",
            kind="supplementary",
            corrects_id=hid,
            items={"asset_ids": [car["id"]]},
        ),
    )
    assert sup.status_code == 201, sup.text
    assert sup.json()["corrects_id"] == hid and sup.json()["items"] == 1
    unlinked = officer.post(H, json=body(world, "A", "A2", kind="supplementary"))
    assert unlinked.status_code == 422 and unlinked.json()["field"] == "corrects_id"
    open_one = officer.post(
        H, json=body(world, "A", "A2", kind="supplementary", corrects_id=sup.json()["id"])
    )
    assert open_one.status_code == 422


def test_a_reallocation_between_communes_each_side_its_own_steps(world: World) -> None:
    one, two = asset(world, "A", room_id=world.rooms["A"]), asset(world, "A")
    giver, receiver = world.officer_a, world.officer_b
    made = giver.post(H, json=body(world, "A", "B", items={"asset_ids": [one["id"], two["id"]]}))
    assert made.status_code == 201, made.text
    hid = made.json()["id"]
    items = {i["asset_id"]: i["id"] for i in items_of(giver, hid)}
    # The receiver sees it, but cannot edit the giver's list or submit for it.
    assert receiver.get(f"{H}/{hid}").status_code == 200
    assert receiver.post(f"{H}/{hid}/items", json={"asset_ids": []}).status_code == 403
    assert receiver.post(f"{H}/{hid}/submit").status_code == 403
    early = receiver.post(
        f"{H}/{hid}/receipts", json={"status": "received", "item_ids": [items[one["id"]]]}
    )
    assert early.status_code == 409
    assert giver.post(f"{H}/{hid}/submit").status_code == 200
    # The giver cannot record receipt.
    refused = giver.post(
        f"{H}/{hid}/receipts", json={"status": "received", "item_ids": [items[one["id"]]]}
    )
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    bad = receiver.post(
        f"{H}/{hid}/receipts", json={"status": "received", "item_ids": [items[one["id"]], 10**12]}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "item_ids"
    assert len(items_of(giver, hid, transfer_status="listed")) == 2  # nothing half-written
    assert (
        receiver.post(
            f"{H}/{hid}/receipts", json={"status": "received", "tags": [one["tag"].lower()]}
        ).status_code
        == 200
    )
    assert (
        receiver.post(
            f"{H}/{hid}/receipts", json={"status": "missing", "item_ids": [items[two["id"]]]}
        ).status_code
        == 200
    )
    surplus = receiver.post(
        f"{H}/{hid}/surplus", json={"items": [{"name": "Quạt trần", "quantity": 2}]}
    )
    assert surplus.status_code == 200 and surplus.json()["recorded"] == 1
    first = receiver.post(f"{H}/{hid}/sign", json={"name": "Trần Thị B"})
    assert first.status_code == 200 and first.json()["status"] == "signed_by_receiver"
    # A change after a signature voids it.
    changed = receiver.post(
        f"{H}/{hid}/receipts", json={"status": "missing", "item_ids": [items[two["id"]]]}
    )
    assert changed.json()["handover"]["status"] == "verifying"
    assert changed.json()["handover"]["receiver_signature"] is None
    assert giver.post(f"{H}/{hid}/sign", json={"name": "A"}).json()["status"] == ("signed_by_giver")
    # The receiver cannot sign for the giver.
    assert receiver.post(f"{H}/{hid}/sign", json={"name": "B", "side": "giver"}).status_code == 403
    done = receiver.post(f"{H}/{hid}/sign", json={"name": "Trần Thị B"})
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    moved = world.admin.get(f"/api/v1/assets/{one['id']}").json()
    assert moved["holder_unit_id"] == world.units["B"]
    assert moved["site_id"] is None and moved["room_id"] is None  # alone: no site of B yet
    stayed = world.admin.get(f"/api/v1/assets/{two['id']}").json()
    assert stayed["holder_unit_id"] == world.units["A"]  # missing: a shortage of the giver
    short = items_of(world.auditor, hid, transfer_status="missing")
    assert [i["asset_id"] for i in short] == [two["id"]]
    # Holders change by handover only: a PATCH of the holder is refused now.
    patched = world.admin.patch(
        f"/api/v1/assets/{one['id']}",
        json={"holder_unit_id": world.units["A"]},
        headers={"If-Match": "*"},
    )
    assert patched.status_code == 409


def test_scope_third_commune_leaders_and_auditors(world: World) -> None:
    made = world.officer_a.post(H, json=body(world, "A1", "A"))
    hid = made.json()["id"]
    assert world.officer_b.get(f"{H}/{hid}").status_code == 404
    assert world.officer_b.get(f"{H}/{hid}/items").status_code == 404
    assert world.officer_b.post(f"{H}/{hid}/submit").status_code == 404
    listed = world.officer_b.get(H, params={"giving_unit_id": world.units["A1"]}).json()
    assert listed["items"] == []
    assert world.leader_a.get(f"{H}/{hid}").status_code == 200
    assert world.leader_a.post(f"{H}/{hid}/submit").status_code == 403
    assert world.auditor.get(f"{H}/{hid}").status_code == 200
    assert world.auditor.post(f"{H}/{hid}/cancel").status_code == 403
    # An officer of B cannot give for A's units.
    refused = world.officer_b.post(H, json=body(world, "A1", "B"))
    assert refused.status_code == 422 and refused.json()["field"] == "giving_unit_id"


def test_an_item_is_in_one_open_handover_and_failures_write_nothing(world: World, sql) -> None:
    thing = asset(world, "A")
    first = world.officer_a.post(H, json=body(world, "A", "B", items={"asset_ids": [thing["id"]]}))
    assert first.status_code == 201
    count = sql("SELECT count(*) FROM handovers")[0][0]
    second = world.officer_a.post(H, json=body(world, "A", "B", items={"asset_ids": [thing["id"]]}))
    assert second.status_code == 409, second.text
    problem = second.json()
    assert problem["handover_id"] == first.json()["id"]
    assert f"open handover {first.json()['id']}" in problem["detail"]
    assert sql("SELECT count(*) FROM handovers")[0][0] == count  # nothing half-written
    # The database holds the rule, whoever writes: a second open key for the asset fails.
    with pytest.raises(asyncpg.UniqueViolationError):
        sql(
            "INSERT INTO handover_open_items (entity, entity_id, handover_id, item_id)"
            " SELECT entity, entity_id, handover_id, item_id FROM handover_open_items"
            " WHERE entity = 'asset' AND entity_id = $1",
            thing["id"],
        )
    # Bad input: 422 naming the field, 400 for malformed bodies.
    other = asset(world, "B")
    wrong = world.officer_a.post(H, json=body(world, "A", "B", items={"asset_ids": [other["id"]]}))
    assert wrong.status_code == 422 and wrong.json()["field"] == "items.asset_ids"
    same = world.officer_a.post(H, json=body(world, "A", "A"))
    assert same.status_code == 422
    unknown = world.officer_a.post(H, json={**body(world, "A", "B"), "colour": "red"})
    assert unknown.status_code == 400
    assert sql("SELECT count(*) FROM handovers")[0][0] == count
    # Cancelled, its items are free for another handover.
    assert world.officer_a.post(f"{H}/{first.json()['id']}/cancel").status_code == 200
    third = world.officer_a.post(H, json=body(world, "A", "B", items={"asset_ids": [thing["id"]]}))
    assert third.status_code == 201
    # Taken off the list, too.
    item = items_of(world.officer_a, third.json()["id"])[0]["id"]
    off = world.officer_a.post(f"{H}/{third.json()['id']}/items/remove", json={"item_ids": [item]})
    assert off.status_code == 200 and off.json()["handover"]["items"] == 0
    fourth = world.officer_a.post(H, json=body(world, "A", "B", items={"asset_ids": [thing["id"]]}))
    assert fourth.status_code == 201


def test_building_from_an_asset_filter_and_a_site(world: World) -> None:
    held = holdings_of_a1(world)
    by_filter = world.officer_a.post(
        H,
        json=body(
            world,
            "A1",
            "A",
            items={"asset_filter": {"category_id": world.categories["OTO"], "site_id": None}},
        ),
    )
    assert by_filter.status_code == 201, by_filter.text
    cars = items_of(world.officer_a, by_filter.json()["id"])
    assert held["assets"][2]["id"] in {i["asset_id"] for i in cars}
    assert {i["form_group"] for i in cars} == {"B"}
    by_site = world.officer_a.post(
        H, json=body(world, "A1", "A", items={"site_ids": [held["site"]["id"]]})
    )
    assert by_site.status_code == 201, by_site.text
    listed = items_of(world.officer_a, by_site.json()["id"])
    assert sorted(i["kind"] for i in listed) == ["asset", "asset", "room", "room", "site"]
    site_item = next(i["id"] for i in listed if i["kind"] == "site")
    off = world.officer_a.post(
        f"{H}/{by_site.json()['id']}/items/remove", json={"item_ids": [site_item]}
    )
    assert off.status_code == 200 and off.json()["removed"] == 3  # the site with its rooms
    left = items_of(world.officer_a, by_site.json()["id"])
    assert sorted(i["kind"] for i in left) == ["asset", "asset"]


def test_the_deadline_comes_from_the_norms_table(world: World, sql) -> None:
    made = world.officer_a.post(
        H,
        json={
            **body(world, "A", "B"),
            "decision": {"number": "12/QĐ", "date": _days_ago(10), "issuer": "UBND tỉnh"},
        },
    )
    hid = made.json()["id"]
    deadline = made.json()["deadline"]
    assert deadline["days_left"] == 20 and deadline["overdue"] is False
    try:
        sql("UPDATE norms SET value = 5 WHERE code = 'handover.deadline_days'")
        now = world.officer_a.get(f"{H}/{hid}").json()["handover"]
        assert now["deadline"]["days"] == 5 and now["deadline"]["days_left"] == -5
        assert now["deadline"]["overdue"] is True and now["flag"] == "overdue"
        overdue = world.officer_a.get(H, params={"overdue": "true", "limit": 200}).json()
        assert hid in [h["id"] for h in overdue["items"]]
        report = world.auditor.get(f"{H}/compliance").json()["units"]
        b = next(u for u in report if u["unit_id"] == world.units["B"])
        assert b["open_overdue"] >= 1
    finally:
        sql("UPDATE norms SET value = 30 WHERE code = 'handover.deadline_days'")
    assert world.officer_a.get(f"{H}/{hid}").json()["handover"]["deadline"]["days_left"] == 20
    assert world.officer_a.get(f"{H}/compliance").status_code == 403


def test_completed_after_the_due_date_is_completed_late(world: World) -> None:
    thing = asset(world, "A")
    late = {"number": "9/QĐ", "date": _days_ago(45), "issuer": "UBND tỉnh"}
    made = world.officer_a.post(
        H, json={**body(world, "A", "B"), "decision": late, "items": {"asset_ids": [thing["id"]]}}
    )
    hid = made.json()["id"]
    assert made.json()["flag"] == "overdue" and made.json()["deadline"]["days_left"] == -15
    assert world.officer_a.post(f"{H}/{hid}/submit").status_code == 200
    item = items_of(world.officer_b, hid)[0]["id"]
    got = world.officer_b.post(
        f"{H}/{hid}/receipts", json={"status": "received", "item_ids": [item]}
    )
    assert got.status_code == 200
    assert world.officer_a.post(f"{H}/{hid}/sign", json={"name": "A"}).status_code == 200
    done = world.officer_b.post(f"{H}/{hid}/sign", json={"name": "B"}).json()
    assert done["status"] == "completed" and done["flag"] == "completed_late"
    assert done["deadline"]["completed_late"] is True and done["deadline"]["overdue"] is False
    report = world.leader.get(f"{H}/compliance").json()["units"]
    b = next(u for u in report if u["unit_id"] == world.units["B"])
    assert b["completed_late"] >= 1
    assert b["items_by_transfer_status"]["received"]["items"] >= 1
    mine = world.leader_a.get(f"{H}/compliance").json()["units"]
    assert world.units["B"] not in [u["unit_id"] for u in mine]


def test_two_builders_of_one_item_exactly_one_wins(world: World) -> None:
    for _ in range(3):
        thing = asset(world, "A")
        barrier = threading.Barrier(2)
        answers: list[int] = []

        def build() -> None:
            barrier.wait()
            answers.append(
                world.officer_a.post(
                    H, json=body(world, "A", "B", items={"asset_ids": [thing["id"]]})
                ).status_code
            )

        threads = [threading.Thread(target=build) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(answers) == [201, 409]


class HandoverCalls(RuleBasedStateMachine):
    """Random steps of both sides over a few assets; the database must never show a signed
    handover with listed items, a changed completed handover, or an item in two open ones."""

    world: World
    database_url: str

    @initialize()
    def setup(self) -> None:
        self.assets = [asset(self.world, "A")["id"] for _ in range(3)]
        self.handovers: list[int] = []
        self.completed: dict[int, list[Any]] = {}

    def _items(self, hid: int) -> list[Any]:
        return [
            tuple(r)
            for r in run_sql(
                self.database_url,
                "SELECT id, name, quantity, transfer_status FROM handover_items"
                " WHERE handover_id = $1 ORDER BY id",
                hid,
            )
        ]

    @rule(pick=st.sets(st.integers(0, 2), min_size=1))
    def create(self, pick: set[int]) -> None:
        ids = [self.assets[i] for i in pick]
        r = self.world.officer_a.post(H, json=body(self.world, "A", "B", items={"asset_ids": ids}))
        assert r.status_code in (201, 409, 422), r.text
        if r.status_code == 201:
            self.handovers.append(r.json()["id"])

    @precondition(lambda self: self.handovers)
    @rule(data=st.data(), action=st.sampled_from(["submit", "cancel", "resume"]))
    def giver_step(self, data, action: str) -> None:
        hid = data.draw(st.sampled_from(self.handovers))
        r = self.world.officer_a.post(f"{H}/{hid}/{action}")
        assert r.status_code in (200, 409, 422), r.text

    @precondition(lambda self: self.handovers)
    @rule(data=st.data(), status=st.sampled_from(["received", "received_damaged", "missing"]))
    def receive(self, data, status: str) -> None:
        hid = data.draw(st.sampled_from(self.handovers))
        items = [r[0] for r in self._items(hid)]
        if not items:
            return
        chosen = data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=3))
        r = self.world.officer_b.post(
            f"{H}/{hid}/receipts", json={"status": status, "item_ids": chosen, "condition": "fair"}
        )
        assert r.status_code in (200, 409), r.text

    @precondition(lambda self: self.handovers)
    @rule(data=st.data())
    def receive_the_rest(self, data) -> None:
        hid = data.draw(st.sampled_from(self.handovers))
        listed = [r[0] for r in self._items(hid) if r[3] == "listed"]
        if listed:
            r = self.world.officer_b.post(
                f"{H}/{hid}/receipts", json={"status": "received", "item_ids": listed}
            )
            assert r.status_code in (200, 409), r.text

    @precondition(lambda self: self.handovers)
    @rule(data=st.data(), by=st.sampled_from(["officer_a", "officer_b"]))
    def sign(self, data, by: str) -> None:
        hid = data.draw(st.sampled_from(self.handovers))
        r = self.world.callers[by].post(f"{H}/{hid}/sign", json={"name": by})
        assert r.status_code in (200, 409), r.text
        if r.status_code == 200 and r.json()["status"] == "completed":
            self.completed[hid] = self._items(hid)

    @precondition(lambda self: self.handovers)
    @rule(data=st.data(), by=st.sampled_from(["officer_a", "officer_b"]))
    def dispute(self, data, by: str) -> None:
        hid = data.draw(st.sampled_from(self.handovers))
        r = self.world.callers[by].post(f"{H}/{hid}/dispute", json={"reason": "thiếu"})
        assert r.status_code in (200, 409), r.text

    @invariant()
    def nothing_signed_with_listed_items(self) -> None:
        rows = run_sql(
            self.database_url,
            "SELECT h.id FROM handovers h JOIN handover_items i ON i.handover_id = h.id"
            " WHERE h.status IN ('signed_by_giver', 'signed_by_receiver', 'completed')"
            " AND i.transfer_status = 'listed' AND h.id = ANY($1::bigint[])",
            self.handovers,
        )
        assert rows == []

    @invariant()
    def one_open_handover_per_item(self) -> None:
        rows = run_sql(
            self.database_url,
            "SELECT i.asset_id FROM handover_items i JOIN handovers h ON h.id = i.handover_id"
            " WHERE h.status = ANY($1::text[]) AND i.asset_id = ANY($2::bigint[])"
            " GROUP BY 1 HAVING count(*) > 1",
            list(OPEN),
            self.assets if hasattr(self, "assets") else [],
        )
        assert rows == []

    @invariant()
    def completed_handovers_do_not_change(self) -> None:
        for hid, items in getattr(self, "completed", {}).items():
            assert self._items(hid) == items
            status = run_sql(self.database_url, "SELECT status FROM handovers WHERE id = $1", hid)
            assert status[0][0] == "completed"


def test_no_sequence_of_calls_breaks_the_handover_rules(world: World, database_url: str) -> None:
    assert "completed" in STATUS.states
    HandoverCalls.world = world
    HandoverCalls.database_url = database_url
    runner = HandoverCalls.TestCase
    runner.settings = settings(
        max_examples=15,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    runner().runTest()
