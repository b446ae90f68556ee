"""The compliance view through the API, against the real database: per commune and the
province total, merger coverage and its drill-down, and auditors' flags seen by the
parties, recorded in history, never changing the handover."""

from __future__ import annotations

import io
import secrets
import uuid
import zipfile
from typing import Any

from python_calamine import CalamineWorkbook

from tests.test_handovers import H, _days_ago, items_of
from tests.world import World


def _commune(world: World) -> dict[str, int]:
    """A fresh commune X formed from former unit X1, which holds a site with a room and
    two assets (one in the room): nothing of it in any handover yet."""
    code = secrets.token_hex(3)
    x = world.create(
        "/api/v1/units",
        code=f"X{code}",
        name=f"Xã Mới {code}",
        kind="commune",
        parent_id=world.units["P"],
    )
    x1 = world.create(
        "/api/v1/units",
        code=f"X{code}-1",
        name=f"Xã Cũ {code}",
        kind="former_commune",
        merged_into_id=x["id"],
    )
    site = world.create("/api/v1/sites", holder_unit_id=x1["id"], name=f"Trụ sở cũ {code}")
    room = world.create("/api/v1/rooms", site_id=site["id"], name="Phòng họp")
    pc = world.create(
        "/api/v1/assets",
        name="Máy tính",
        category_id=world.categories["MT"],
        holder_unit_id=x1["id"],
        room_id=room["id"],
        original_cost=20_000_000,
        remaining_value=8_000_000,
    )
    car = world.create(
        "/api/v1/assets",
        name="Xe ô tô",
        category_id=world.categories["OTO"],
        holder_unit_id=x1["id"],
        original_cost=700_000_000,
        remaining_value=300_000_000,
    )
    return {"x": x["id"], "x1": x1["id"], "site": site["id"], "pc": pc["id"], "car": car["id"]}


def _merger(world: World, giver: int, receiver: int, **extra: Any) -> dict[str, Any]:
    made = world.admin.post(
        H,
        json={
            "kind": "merger",
            "decision": {"number": "1/QĐ", "date": _days_ago(3), "issuer": "UBND tỉnh"},
            "giving_unit_id": giver,
            "receiving_unit_id": receiver,
            "items": {"from_unit_id": giver},
            **extra,
        },
    )
    assert made.status_code == 201, made.text
    return made.json()


def _row(report: dict[str, Any], unit_id: int) -> dict[str, Any]:
    return next(u for u in report["units"] if u["unit_id"] == unit_id)


def _former(report: dict[str, Any], unit_id: int) -> dict[str, Any]:
    return next(c for c in report["coverage"] if c["unit_id"] == unit_id)


def test_coverage_follows_a_merger_handover_to_completion(world: World) -> None:
    x = _commune(world)
    report = world.auditor.get(f"{H}/compliance").json()
    # A commune with no handover at all is in the view: that is what is late.
    row = _row(report, x["x"])
    assert row["handovers"] == 0 and row["former_units"] == 1
    assert row["former_units_uncovered"] == 1
    assert row["uncovered_sites"] == 1 and row["uncovered_assets"] == 2
    assert row["uncovered_original_cost"] == 720_000_000
    former = _former(report, x["x1"])
    assert former["merged_into_id"] == x["x"] and former["covered"] is False
    assert (former["sites"], former["assets"], former["in_open_handover"]) == (1, 2, 0)
    assert former["remaining_value"] == 308_000_000

    # The drill-down: what X1 still holds, a page at a time.
    listed = world.auditor.get(f"{H}/coverage/{x['x1']}", params={"limit": 1})
    assert listed.status_code == 200, listed.text
    seen, page = [], listed.json()
    seen += page["items"]
    while page["next_cursor"]:
        page = world.auditor.get(
            f"{H}/coverage/{x['x1']}", params={"limit": 1, "cursor": page["next_cursor"]}
        ).json()
        seen += page["items"]
    assert sorted((i["kind"], i["id"]) for i in seen) == sorted(
        [("site", x["site"]), ("asset", x["pc"]), ("asset", x["car"])]
    )
    assets = world.auditor.get(f"{H}/coverage/{x['x1']}", params={"kind": "asset"}).json()
    assert {i["id"] for i in assets["items"]} == {x["pc"], x["car"]}
    costly = world.auditor.get(f"{H}/coverage/{x['x1']}", params={"sort": "-original_cost"})
    assert costly.json()["items"][0]["id"] == x["car"]

    # In an open handover: still uncovered, but in progress.
    handover = _merger(world, x["x1"], x["x"])
    hid = handover["id"]
    former = _former(world.auditor.get(f"{H}/compliance").json(), x["x1"])
    assert former["in_open_handover"] == 3 and former["covered"] is False
    opened = world.auditor.get(f"{H}/coverage/{x['x1']}", params={"in_open_handover": True})
    assert {i["open_handover_id"] for i in opened.json()["items"]} == {hid}

    # Completed, the car missing: the shortage stays with X1 but is accounted for.
    admin = world.admin
    assert admin.post(f"{H}/{hid}/submit").status_code == 200
    items = items_of(admin, hid)
    car = next(i["id"] for i in items if i["asset_id"] == x["car"])
    rest = [i["id"] for i in items if i["id"] != car]
    assert (
        admin.post(f"{H}/{hid}/receipts", json={"status": "received", "item_ids": rest}).status_code
        == 200
    )
    assert (
        admin.post(f"{H}/{hid}/receipts", json={"status": "missing", "item_ids": [car]}).status_code
        == 200
    )
    for side in ("giver", "receiver"):
        signed = admin.post(f"{H}/{hid}/sign", json={"name": "Người ký", "side": side})
        assert signed.status_code == 200, signed.text
    report = world.auditor.get(f"{H}/compliance").json()
    former = _former(report, x["x1"])
    assert former["covered"] is True and (former["sites"], former["assets"]) == (0, 0)
    row = _row(report, x["x"])
    assert row["handovers"] == 1 and row["completed_on_time"] == 1
    assert row["by_status"] == {"completed": 1}
    assert row["former_units_uncovered"] == 0
    assert row["items_by_transfer_status"]["missing"]["original_cost"] == 700_000_000
    assert row["items_by_transfer_status"]["missing"]["items"] == 1
    empty = world.auditor.get(f"{H}/coverage/{x['x1']}").json()
    assert empty == {"items": [], "next_cursor": None}

    # What X1 comes to hold later is uncovered again.
    world.create(
        "/api/v1/assets",
        name="Bàn",
        category_id=world.categories["BG"],
        holder_unit_id=x["x1"],
        original_cost=1_000_000,
    )
    former = _former(world.auditor.get(f"{H}/compliance").json(), x["x1"])
    assert former["assets"] == 1 and former["covered"] is False


def test_the_province_row_totals_the_communes(world: World) -> None:
    _commune(world)
    report = world.auditor.get(f"{H}/compliance").json()
    total = report["province"]
    assert total["unit_id"] is None and total["unit_code"] == "T52"
    assert total["unit_name"] == "Tỉnh Thử Nghiệm"
    for key in ("handovers", "open_due", "open_overdue", "completed_late", "flagged"):
        assert total[key] == sum(u[key] for u in report["units"]), key
    for status, tally in total["items_by_transfer_status"].items():
        assert tally["original_cost"] == sum(
            u["items_by_transfer_status"][status]["original_cost"] for u in report["units"]
        )
    statuses: dict[str, int] = {}
    for u in report["units"]:
        for s, n in u["by_status"].items():
            statuses[s] = statuses.get(s, 0) + n
    assert total["by_status"] == statuses
    assert total["former_units"] == len(report["coverage"])
    assert total["former_units_uncovered"] == sum(not c["covered"] for c in report["coverage"])
    assert total["uncovered_original_cost"] == sum(c["original_cost"] for c in report["coverage"])
    # Communes, wards and special zones are rows; former units are not.
    kinds = {u["unit_id"] for u in report["units"]}
    assert world.units["A"] in kinds and world.units["A1"] not in kinds


def test_a_commune_leader_sees_their_commune_only(world: World) -> None:
    mine = world.leader_a.get(f"{H}/compliance").json()
    # A's own, and its former units where other tests handed something over to one.
    listed = [u["unit_id"] for u in mine["units"]]
    assert world.units["A"] in listed
    assert set(listed) <= {world.units[k] for k in ("A", "A1", "A2")}
    assert {c["unit_id"] for c in mine["coverage"]} == {world.units["A1"], world.units["A2"]}
    assert mine["province"]["unit_name"] == "Xã Ia Rbol"
    assert world.leader_a.get(f"{H}/coverage/{world.units['A1']}").status_code == 200
    other = world.leader_a.get(f"{H}/coverage/{world.units['B1']}")
    assert other.status_code == 404 and other.headers["content-type"].startswith(
        "application/problem+json"
    )
    # A commune is not a former unit: nothing to drill into.
    assert world.auditor.get(f"{H}/coverage/{world.units['A']}").status_code == 404
    assert world.officer_a.get(f"{H}/compliance").status_code == 403
    assert world.officer_a.get(f"{H}/coverage/{world.units['A1']}").status_code == 403
    bad = world.auditor.get(f"{H}/coverage/{world.units['A1']}", params={"sort": "tag"})
    assert bad.status_code == 400 and bad.json()["field"] == "sort"


def test_an_auditor_flags_a_handover_its_parties_see_it(world: World, sql) -> None:
    x = _commune(world)
    handover = _merger(world, x["x1"], x["x"])
    hid = handover["id"]
    before = world.auditor.get(f"{H}/compliance").json()
    assert _row(before, x["x"])["flagged"] == 0
    key = str(uuid.uuid4())
    comment = "Thiếu hồ sơ xe <b>ô tô</b>"
    made = world.auditor.post(
        f"{H}/{hid}/flags", json={"comment": comment}, headers={"Idempotency-Key": key}
    )
    assert made.status_code == 201, made.text
    flag = made.json()
    assert flag["comment"] == comment and flag["cleared_at"] is None
    assert flag["flagged_by"] == world.users["auditor"]
    again = world.auditor.post(
        f"{H}/{hid}/flags", json={"comment": comment}, headers={"Idempotency-Key": key}
    )
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == flag["id"]

    # The handover itself does not change.
    now = world.admin.get(f"{H}/{hid}").json()["handover"]
    assert now["status"] == "draft" and now["version"] == handover["version"]
    flags = world.admin.get(f"{H}/{hid}/flags").json()
    assert flags["open"] == 1 and [f["id"] for f in flags["items"]] == [flag["id"]]
    assert _row(world.auditor.get(f"{H}/compliance").json(), x["x"])["flagged"] == 1
    history = world.auditor.get(f"{H}/{hid}/history").json()["items"]
    assert [e["action"] for e in history] == ["create", "flag"]

    # Officers cannot flag; leaders neither; a comment is needed.
    assert world.officer_a.post(f"{H}/{hid}/flags", json={"comment": "x"}).status_code == 403
    assert world.leader.post(f"{H}/{hid}/flags", json={"comment": "x"}).status_code == 403
    empty = world.auditor.post(f"{H}/{hid}/flags", json={"comment": ""})
    assert empty.status_code == 400
    assert world.auditor.post(f"{H}/999999999/flags", json={"comment": "x"}).status_code == 404
    count = sql("SELECT count(*) FROM handover_flags WHERE handover_id = $1", hid)[0][0]
    assert count == 1

    # Cleared: no longer counted; cleared twice is a 409.
    cleared = world.auditor.post(
        f"{H}/{hid}/flags/{flag['id']}/clear", json={"comment": "Đã bổ sung"}
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["cleared_by"] == world.users["auditor"]
    assert cleared.json()["clear_comment"] == "Đã bổ sung"
    twice = world.auditor.post(f"{H}/{hid}/flags/{flag['id']}/clear", json={})
    assert twice.status_code == 409
    assert world.auditor.post(f"{H}/{hid}/flags/999999999/clear", json={}).status_code == 404
    assert _row(world.auditor.get(f"{H}/compliance").json(), x["x"])["flagged"] == 0
    history = world.auditor.get(f"{H}/{hid}/history").json()["items"]
    assert [e["action"] for e in history] == ["create", "flag", "clear_flag"]


def test_a_third_commune_does_not_see_the_flags(world: World) -> None:
    handover = _merger(world, world.units["A1"], world.units["A"], items=None)
    hid = handover["id"]
    assert world.auditor.post(f"{H}/{hid}/flags", json={"comment": "Chậm"}).status_code == 201
    seen = world.officer_a.get(f"{H}/{hid}/flags")
    assert seen.status_code == 200 and seen.json()["items"][0]["comment"] == "Chậm"
    assert world.leader_a.get(f"{H}/{hid}/flags").status_code == 200
    assert world.officer_b.get(f"{H}/{hid}/flags").status_code == 404
    notices = world.officer_a.get(
        "/api/v1/notifications", params={"handover_id": hid, "kind": "flagged"}
    ).json()["items"]
    assert [n["context"]["detail"] for n in notices] == ["Chậm"]
    others = world.officer_b.get("/api/v1/notifications", params={"handover_id": hid}).json()
    assert others["items"] == []


def test_a_completed_handover_can_be_flagged(world: World) -> None:
    x = _commune(world)
    hid = _merger(world, x["x1"], x["x"])["id"]
    admin = world.admin
    assert admin.post(f"{H}/{hid}/submit").status_code == 200
    ids = [i["id"] for i in items_of(admin, hid)]
    admin.post(f"{H}/{hid}/receipts", json={"status": "received", "item_ids": ids})
    for side in ("giver", "receiver"):
        assert admin.post(f"{H}/{hid}/sign", json={"name": "K", "side": side}).status_code == 200
    made = world.auditor.post(f"{H}/{hid}/flags", json={"comment": "Ký muộn"})
    assert made.status_code == 201, made.text
    assert world.admin.get(f"{H}/{hid}").json()["handover"]["status"] == "completed"


def test_the_export_is_the_view_as_a_workbook(world: World) -> None:
    x = _commune(world)
    world.admin.patch(
        f"/api/v1/units/{x['x1']}",
        json={"name": '=HYPERLINK("http://x")'},
        headers={"If-Match": "*"},
    )
    got = world.auditor.get(f"{H}/compliance.xlsx")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "tuan-thu-ban-giao-T52-" in got.headers["content-disposition"]
    report = world.auditor.get(f"{H}/compliance").json()
    book = CalamineWorkbook.from_filelike(io.BytesIO(got.content))
    assert book.sheet_names == ["Theo xã", "Sáp nhập", "Toàn tỉnh"]
    communes = book.get_sheet_by_name("Theo xã").to_python()
    header = communes[0]
    assert header[:3] == ["Mã / Code", "Đơn vị / Unit", "Số biên bản / Handovers"]
    by_code = {row[0]: row for row in communes[1:]}
    assert [row[0] for row in communes[1:-1]] == [u["unit_code"] for u in report["units"]]
    flagged = header.index("Gắn cờ / Flagged")
    for u in report["units"]:
        row = by_code[u["unit_code"]]
        assert row[1] == u["unit_name"] and row[2] == u["handovers"]
        assert row[flagged] == u["flagged"]
    total = communes[-1]
    assert total[1] == "Tổng cộng / Total: Tỉnh Thử Nghiệm"
    assert total[2] == report["province"]["handovers"]
    missing = header.index("Thiếu / Missing: nguyên giá / cost")
    assert (
        total[missing] == report["province"]["items_by_transfer_status"]["missing"]["original_cost"]
    )
    coverage = book.get_sheet_by_name("Sáp nhập").to_python()
    assert len(coverage) == len(report["coverage"]) + 1
    former = next(row for row in coverage if row[0] == f"{_code_of(world, x['x1'])}")
    assert former[1] == '=HYPERLINK("http://x")'  # text, never a formula
    assert former[3:5] == [1, 2] and former[6] == 720_000_000 and former[9] == "Chưa / No"
    with zipfile.ZipFile(io.BytesIO(got.content)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert all("<f>" not in z.read(n).decode() for n in sheets)
    totals = book.get_sheet_by_name("Toàn tỉnh").to_python()
    assert totals[1][0].startswith("T52 Tỉnh Thử Nghiệm")
    assert ["Quá hạn / Overdue", report["province"]["open_overdue"]] in totals
    # Leaders get their scope; officers the same 403 as the view.
    mine = world.leader_a.get(f"{H}/compliance.xlsx")
    assert mine.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(mine.content))
    codes = [r[0] for r in rows.get_sheet_by_name("Theo xã").to_python()[1:]]
    ours = {_code_of(world, world.units[k]) for k in ("A", "A1", "A2")}
    assert codes[-1] == "" and "T24065" in codes and set(codes[:-1]) <= ours  # and the total
    assert world.officer_a.get(f"{H}/compliance.xlsx").status_code == 403


def _code_of(world: World, unit_id: int) -> str:
    return world.admin.get(f"/api/v1/units/{unit_id}").json()["code"]
