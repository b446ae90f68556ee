"""The handover pages through a signed-in browser session: the list of my unit's
handovers by side, one handover's page with the actions my side and its state allow,
each action's refusal beside it in my language, receiving by a scanned tag (JSON, CSRF
in a header) and by ticks at a desk, both sides signing, and the compliance page.

Handovers here go from commune A (officer_a gives) to commune B (officer_b receives);
one from A's former unit A2 stays within A, which officer_b may not see.
"""

from __future__ import annotations

import gzip
import re
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.web.i18n import EN, VI
from tests.world import PASSWORD, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
STATIC = Path(__file__).parent.parent / "inventory" / "web" / "static"
MAX_PAGE_BYTES = 30 * 1024
LOGINS = ("officer_a", "officer_b", "auditor", "leader_a", "admin")


def _signed_in(settings, login: str) -> TestClient:
    page = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    page.__enter__()
    token = _CSRF.search(page.get("/login").text).group(1)
    signed = page.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    return page


@pytest.fixture(scope="module")
def pages(settings, world: World) -> Iterator[dict[str, TestClient]]:
    clients = {login: _signed_in(settings, login) for login in LOGINS}
    try:
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def _assets(world: World, n: int) -> list[dict]:
    made = []
    for _ in range(n):
        answer = world.callers["officer_a"].post(
            "/api/v1/assets",
            json={
                "name": f"Máy in {secrets.token_hex(3)}",
                "category_id": world.categories["MT"],
                "holder_unit_id": world.units["A"],
                "room_id": world.rooms["A"],
                "original_cost": 12_000_000,
            },
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    return made


def _handover(world: World, n: int = 3, decided: str | None = None, **extra) -> dict:
    """A reallocation from A to B of `n` fresh assets, as a draft made by officer_a."""
    assets = _assets(world, n)
    made = world.callers["officer_a"].post(
        "/api/v1/handovers",
        json={
            "kind": "reallocation",
            "decision": {
                "number": f"{secrets.token_hex(2)}/QĐ-UBND",
                "date": decided or date.today().isoformat(),
                "issuer": "UBND tỉnh",
            },
            "giving_unit_id": world.units["A"],
            "receiving_unit_id": world.units["B"],
            "giver_parties": [{"name": "Nguyễn Văn Giao", "position": "Chủ tịch UBND xã"}],
            "receiver_parties": [{"name": "Trần Thị Nhận", "position": "Phó Chủ tịch"}],
            "items": {"asset_ids": [a["id"] for a in assets]},
            **extra,
        },
    )
    assert made.status_code == 201, made.text
    return {**made.json(), "assets": assets}


def _inner(world: World) -> dict:
    """A merger within A: from its former unit A2 to A, made by the admin (A2, not A1:
    tests/test_handovers.py lists everything A1 holds, which an open draft would hold)."""
    asset = world.create(
        "/api/v1/assets",
        name="Tủ gỗ",
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A2"],
    )
    return world.create(
        "/api/v1/handovers",
        kind="merger",
        decision={"number": "9/QĐ", "date": "2026-11-20", "issuer": "UBND tỉnh"},
        giving_unit_id=world.units["A2"],
        receiving_unit_id=world.units["A"],
        items={"asset_ids": [asset["id"]]},
    )


def _items(world: World, handover_id: int) -> list[dict]:
    got = world.callers["admin"].get(f"/api/v1/handovers/{handover_id}/items")
    assert got.status_code == 200, got.text
    return got.json()["items"]


def _form(page: TestClient, url: str, data: dict, back: str | None = None):
    token = _CSRF.search(page.get(back or "/".join(url.split("/")[:3])).text).group(1)
    return page.post(url, data={**data, "_csrf_token": token}, follow_redirects=False)


def _scan(page: TestClient, handover_id: int, tag: str):
    return page.post(
        f"/handovers/{handover_id}/scans",
        json={"tag": tag},
        headers={"x-csrftoken": page.cookies.get("csrftoken") or ""},
    )


def _status(world: World, handover_id: int) -> str:
    return (
        world.callers["admin"].get(f"/api/v1/handovers/{handover_id}").json()["handover"]["status"]
    )


def test_the_list_shows_my_units_handovers_by_side(pages, world) -> None:
    made = _handover(world)
    link = f'href="/handovers/{made["id"]}"'
    giver = pages["officer_a"].get("/handovers")
    assert giver.status_code == 200 and giver.headers["cache-control"] == "no-store"
    mine, theirs = giver.text.split(VI["ho_as_receiver"])
    assert link in mine and link not in theirs
    receiver = pages["officer_b"].get("/handovers").text
    mine, theirs = receiver.split(VI["ho_as_receiver"])
    assert link not in mine and link in theirs
    assert VI["status_draft"] in receiver and VI["ho_days_left"].split(" ")[0] in receiver


def test_the_deadline_in_days_left_and_overdue(pages, world) -> None:
    late = _handover(world, 1, decided="2025-07-01")
    text = pages["officer_a"].get(f"/handovers/{late['id']}").text
    days = -late["deadline"]["days_left"]
    assert days > 0 and VI["ho_overdue"].format(n=days) in text
    assert "{:%d/%m/%Y}".format(date.fromisoformat(late["deadline"]["due_date"])) in text


def test_another_communes_handover_is_not_found(pages, world) -> None:
    """A handover within A (A2 to A) is nobody's business in B: the 404 page, for its
    page and every action on it."""
    inner = _inner(world)
    other = pages["officer_b"]
    answer = other.get(f"/handovers/{inner['id']}")
    assert answer.status_code == 404 and VI["error_404_title"] in answer.text
    for action, body in (("submit", {}), ("dispute", {"reason": "x"}), ("sign", {"name": "B"})):
        refused = _form(other, f"/handovers/{inner['id']}/{action}", body, back="/handovers")
        assert refused.status_code == 404, action
    assert _scan(other, inner["id"], "52-0000000").status_code == 404
    assert _status(world, inner["id"]) == "draft"
    # officer_a holds both sides of it: the page says which one it signs for later.
    assert pages["officer_a"].get(f"/handovers/{inner['id']}").status_code == 200


def test_actions_follow_the_side_and_the_state(pages, world) -> None:
    made = _handover(world)
    url = f"/handovers/{made['id']}"
    giver = pages["officer_a"].get(url).text
    assert f'action="{url}/submit"' in giver and f'action="{url}/cancel"' in giver
    assert 'id="scanner"' not in giver and f'action="{url}/sign"' not in giver
    receiver = pages["officer_b"].get(url).text  # a draft: nothing to do yet
    assert f'action="{url}/' not in receiver.replace('action="/logout"', "")
    for reader in ("auditor", "leader_a"):  # they read it; an auditor may only flag it
        shown = pages[reader].get(url)
        forms = set(re.findall(rf'action="{url}/([a-z]+)"', shown.text))
        assert shown.status_code == 200 and forms == ({"flags"} if reader == "auditor" else set())
        assert made["assets"][0]["name"] in shown.text


def test_readers_are_refused_every_action(pages, world) -> None:
    made = _handover(world, 1)
    for reader in ("auditor", "leader_a"):
        refused = _form(pages[reader], f"/handovers/{made['id']}/submit", {})
        assert refused.status_code == 403 and VI["error_403_title"] in refused.text
    assert _status(world, made["id"]) == "draft"


def test_a_refusal_is_shown_beside_its_action_in_the_users_language(pages, world) -> None:
    made = _handover(world, 1)
    url = f"/handovers/{made['id']}"
    # The giver records receipt: the API's 403, on the page, in Vietnamese.
    item = _items(world, made["id"])[0]["id"]
    assert _form(pages["officer_a"], f"{url}/submit", {}).status_code == 303
    refused = _form(pages["officer_a"], f"{url}/receipts", {"status": "received", "item_ids": item})
    assert refused.status_code == 403 and VI["ho_err_forbidden"] in refused.text
    # Submitting twice: the state machine's 409, named by the state.
    again = _form(pages["officer_a"], f"{url}/resume", {})
    assert again.status_code == 409
    assert VI["ho_err_state"].format(state=VI["status_submitted"]) in again.text
    # In English when the user reads English.
    english = pages["officer_a"]
    english.get(f"{url}?lang=en")
    try:
        shown = _form(english, f"{url}/resume", {})
        assert EN["ho_err_state"].format(state=EN["status_submitted"]) in shown.text
    finally:
        english.get(f"{url}?lang=vi")


def test_receiving_by_scan_and_by_ticks_then_both_sides_sign(pages, world) -> None:
    made = _handover(world, 4)
    hid, url = made["id"], f"/handovers/{made['id']}"
    giver, receiver = pages["officer_a"], pages["officer_b"]
    assert _form(giver, f"{url}/submit", {}).status_code == 303
    page = receiver.get(url).text
    assert 'id="scanner"' in page and "/static/handover.js" in page
    assert f'action="{url}/receipts"' in page and 'name="item_ids"' in page
    first, second, third, fourth = made["assets"]
    # A scanned label: JSON with the CSRF token in a header, the item received.
    no_token = receiver.post(f"{url}/scans", json={"tag": first["tag"]})
    assert no_token.status_code == 403
    scanned = _scan(receiver, hid, first["tag"].lower())
    assert scanned.status_code == 200, scanned.text
    assert scanned.json() == {
        "tag": first["tag"],
        "name": first["name"],
        "listed": 3,
        "status": "verifying",
        "recorded": True,
        "message": VI["ho_scanned"].format(tag=first["tag"], name=first["name"]),
    }
    # A tag not in the handover: refused in the user's words, nothing recorded.
    stranger = _scan(receiver, hid, "TA-TEST")
    assert stranger.status_code == 422
    assert stranger.json()["message"] == VI["ho_err_tag_not_listed"].format(tag="TA-TEST")
    # The giver cannot record receipt by scanning either.
    assert _scan(giver, hid, second["tag"]).status_code == 403
    items = {i["asset_id"]: i["id"] for i in _items(world, hid)}
    # Ticks at the desk: damaged needs the condition found.
    no_condition = _form(
        receiver, f"{url}/receipts", {"status": "received_damaged", "item_ids": items[second["id"]]}
    )
    assert no_condition.status_code == 422 and VI["ho_err_condition"] in no_condition.text
    damaged = _form(
        receiver,
        f"{url}/receipts",
        {
            "status": "received_damaged",
            "item_ids": items[second["id"]],
            "condition": "broken",
            "note": "Vỡ màn hình <b>",
        },
    )
    assert damaged.status_code == 303 and damaged.headers["location"] == f"{url}?done=receipts"
    nothing = _form(receiver, f"{url}/receipts", {"status": "missing"})
    assert nothing.status_code == 422 and VI["ho_err_item_ids"] in nothing.text
    # Signing while an item is still listed: refused, with how many.
    early = _form(receiver, f"{url}/sign", {"name": "Trần Thị Nhận", "side": "receiver"})
    assert early.status_code == 409 and VI["ho_err_listed"].format(n=2) in early.text
    ticked = receiver.post(
        f"{url}/receipts",
        data={
            "status": "missing",
            "item_ids": [str(items[third["id"]]), str(items[fourth["id"]])],
            "_csrf_token": _CSRF.search(receiver.get(url).text).group(1),
        },
        follow_redirects=False,
    )
    assert ticked.status_code == 303
    shown = receiver.get(f"{url}?items=received_damaged").text
    assert "Vỡ màn hình &lt;b&gt;" in shown and VI["condition_broken"] in shown
    assert first["name"] not in shown  # the filter keeps the damaged one only
    # A surplus item found on the spot.
    surplus = _form(receiver, f"{url}/surplus", {"name": "Quạt trần", "quantity": "2"})
    assert surplus.status_code == 303
    # Both sides sign: the receiver first, then the giver completes it.
    page = receiver.get(url).text
    assert f'action="{url}/sign"' in page and 'value="Trần Thị Nhận"' in page
    signed = _form(receiver, f"{url}/sign", {"name": "Trần Thị Nhận", "position": "Phó CT"})
    assert signed.status_code == 303 and signed.headers["location"] == f"{url}?done=sign"
    assert f'action="{url}/sign"' not in receiver.get(url).text  # signed already
    # The camera still on a label received: nothing recorded, the signature stands.
    again = _scan(receiver, hid, first["tag"])
    assert again.status_code == 200 and again.json()["recorded"] is False
    assert again.json()["message"] == VI["ho_scan_already"].format(
        tag=first["tag"], name=first["name"]
    )
    assert _status(world, hid) == "signed_by_receiver"
    completed = _form(giver, f"{url}/sign", {"name": "Nguyễn Văn Giao", "position": "Chủ tịch"})
    assert completed.headers["location"] == f"{url}?done=complete"
    assert _status(world, hid) == "completed"
    final = giver.get(f"{url}?done=complete").text
    assert VI["ho_done_complete"] in final and VI["action_complete"] in final
    assert f'action="{url}/' not in final.replace('action="/logout"', "")
    # The history, readable: who did what, the statuses by name.
    assert VI["action_submit"] in final and VI["status_signed_by_receiver"] in final
    # What was received now belongs to B.
    moved = world.callers["admin"].get(f"/api/v1/assets/{first['id']}").json()
    assert moved["holder_unit_id"] == world.units["B"]


def test_an_officer_holding_both_sides_says_which_one_signs(pages, world) -> None:
    """A2 to A: officer_a gives and receives; the page asks which side signs, then offers
    only the side that has not signed."""
    inner = _inner(world)
    url = f"/handovers/{inner['id']}"
    officer = pages["officer_a"]
    assert _form(officer, f"{url}/submit", {}).status_code == 303
    item = _items(world, inner["id"])[0]["id"]
    got = _form(officer, f"{url}/receipts", {"status": "received", "item_ids": str(item)})
    assert got.status_code == 303
    page = officer.get(url).text
    assert '<select name="side">' in page
    assert 'value="giver"' in page and 'value="receiver"' in page
    unsaid = _form(officer, f"{url}/sign", {"name": "Nguyễn Văn A", "side": ""})
    assert unsaid.status_code == 422 and VI["ho_err_side"] in unsaid.text
    giver = _form(officer, f"{url}/sign", {"name": "Nguyễn Văn A", "side": "giver"})
    assert giver.headers["location"] == f"{url}?done=sign"
    page = officer.get(url).text
    assert '<select name="side">' not in page and 'name="side" value="receiver"' in page
    done = _form(officer, f"{url}/sign", {"name": "Trần Thị B", "side": "receiver"})
    assert done.headers["location"] == f"{url}?done=complete"
    assert _status(world, inner["id"]) == "completed"


def test_a_dispute_needs_its_reason(pages, world) -> None:
    made = _handover(world, 1)
    url = f"/handovers/{made['id']}"
    assert _form(pages["officer_a"], f"{url}/submit", {}).status_code == 303
    empty = _form(pages["officer_b"], f"{url}/dispute", {"reason": "  "})
    assert empty.status_code == 422 and VI["ho_err_reason"] in empty.text
    disputed = _form(pages["officer_b"], f"{url}/dispute", {"reason": "Thiếu hồ sơ xe"})
    assert disputed.status_code == 303
    page = pages["officer_a"].get(url).text
    assert VI["status_disputed"] in page and "Thiếu hồ sơ xe" in page
    assert f'action="{url}/resume"' in page  # the giver may resume
    assert _form(pages["officer_a"], f"{url}/resume", {}).status_code == 303
    assert _status(world, made["id"]) == "verifying"


def test_the_compliance_page_for_auditors_and_leaders(pages, world) -> None:
    made = _handover(world, 1, decided="2025-07-01")
    province = pages["auditor"].get("/compliance")
    assert province.status_code == 200
    assert VI["cp_title"] in province.text and "Xã Ia Sao" in province.text
    assert f'href="/handovers/{made["id"]}"' in province.text
    assert VI["cp_open_overdue"] in province.text
    commune = pages["leader_a"].get("/compliance")
    assert commune.status_code == 200
    assert f'href="/handovers/{made["id"]}"' not in commune.text  # received by B, not A
    officer = pages["officer_a"].get("/compliance")
    assert officer.status_code == 403 and VI["error_403_title"] in officer.text
    assert VI["cp_coverage"] in province.text and 'href="/compliance.xlsx"' in province.text
    workbook = pages["auditor"].get("/compliance.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"  # a zip: XLSX
    assert pages["officer_a"].get("/compliance.xlsx").status_code == 403
    english = pages["auditor"].get("/compliance?lang=en")
    assert EN["cp_title"] in english.text
    pages["auditor"].get("/compliance?lang=vi")


def test_the_start_page_lists_open_handovers(pages, world) -> None:
    # The start page shows the 10 soonest due: an old decision puts this one first,
    # whatever other tests of the same worker opened before.
    made = _handover(world, 1, decided="2001-01-02")
    home = pages["officer_b"].get("/").text
    assert VI["ho_open_home"] in home and f'href="/handovers/{made["id"]}"' in home
    assert 'href="/compliance"' not in home
    assert 'href="/compliance"' in pages["auditor"].get("/").text


def test_the_minutes_from_the_page(pages, world) -> None:
    made = _handover(world, 2)
    url = f"/handovers/{made['id']}"
    assert f'href="{url}/minutes.pdf"' in pages["auditor"].get(url).text
    pdf = pages["officer_b"].get(f"{url}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = pages["leader_a"].get(f"{url}/minutes.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    hidden = pages["officer_b"].get(f"/handovers/{_inner(world)['id']}/minutes.pdf")
    assert hidden.status_code == 404 and "text/html" in hidden.headers["content-type"]


def test_an_auditor_flags_and_clears_a_flag_the_parties_see(pages, world) -> None:
    made = _handover(world, 1)
    url = f"/handovers/{made['id']}"
    auditor = pages["auditor"]
    assert f'action="{url}/flags"' in auditor.get(url).text
    assert f'action="{url}/flags"' not in pages["officer_a"].get(url).text
    empty = _form(auditor, f"{url}/flags", {"comment": " "})
    assert empty.status_code == 422 and VI["ho_err_comment"] in empty.text
    flagged = _form(auditor, f"{url}/flags", {"comment": "Chậm bàn giao <script>"})
    assert flagged.status_code == 303 and flagged.headers["location"] == f"{url}?done=flag"
    seen = pages["officer_b"].get(url).text
    assert VI["fl_title"] in seen and "Chậm bàn giao &lt;script&gt;" in seen
    assert _form(pages["officer_a"], f"{url}/flags", {"comment": "x"}).status_code == 403
    flag = world.callers["admin"].get(f"/api/v1/handovers/{made['id']}/flags").json()
    flag_id = flag["items"][0]["id"]
    cleared = _form(auditor, f"{url}/flags/{flag_id}/clear", {"comment": ""})
    assert cleared.status_code == 303
    assert VI["fl_cleared"] in pages["officer_a"].get(url).text
    again = _form(auditor, f"{url}/flags/{flag_id}/clear", {"comment": ""})
    assert again.status_code == 409 and VI["ho_err_conflict"] in again.text


def test_signed_out_visitors_go_to_sign_in(settings, world) -> None:
    made = _handover(world, 1)
    with TestClient(create_app(settings)) as anonymous:
        for url in ("/handovers", f"/handovers/{made['id']}", "/compliance"):
            answer = anonymous.get(url, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_page_weight(pages, world) -> None:
    """The receiver's phone page with a full page of items (100) and its scripts and
    styles, gzipped as the server sends them, within 30 KB (the jsQR decoder aside)."""
    made = _handover(world, 100)
    url = f"/handovers/{made['id']}"
    assert _form(pages["officer_a"], f"{url}/submit", {}).status_code == 303
    page = pages["officer_b"].get(url)
    assert page.text.count('name="item_ids"') == 100
    own = re.findall(r'(?:src|href)="/static/([\w.]+\.(?:js|css))"', page.text)
    assert {"app.css", "tagcode.js", "handover.js", "scan.js"} <= set(own)
    files = [page.content] + [(STATIC / name).read_bytes() for name in own]
    wire = sum(len(gzip.compress(f)) for f in files)
    unpacked = sum(len(f) for f in files)
    print(f"handover page: {len(page.content)} B; with its files {wire} B gzipped, {unpacked} B")
    assert wire <= MAX_PAGE_BYTES


def test_a_flag_sent_twice_is_added_once(pages, world) -> None:
    """A double click on a slow network: the form's key adds one flag; the same form with
    another comment under that key adds nothing and says so."""
    made = _handover(world, 1)
    url = f"/handovers/{made['id']}"
    auditor = pages["auditor"]
    page = auditor.get(url).text
    hidden = {
        "_csrf_token": _CSRF.search(page).group(1),
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1),
    }
    form = {**hidden, "comment": "Thiếu biên bản kiểm kê"}
    answers = [auditor.post(f"{url}/flags", data=form, follow_redirects=False) for _ in "12"]
    assert [a.status_code for a in answers] == [303, 303]
    assert {a.headers["location"] for a in answers} == {f"{url}?done=flag"}
    changed = auditor.post(f"{url}/flags", data={**form, "comment": "Khác"})
    assert changed.status_code == 409 and VI["fm_resent"] in changed.text
    flags = world.callers["admin"].get(f"/api/v1/handovers/{made['id']}/flags").json()
    assert [f["comment"] for f in flags["items"]] == ["Thiếu biên bản kiểm kê"]
