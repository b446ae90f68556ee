"""The receiver's handover page in chromium: the fake camera films one asset's label (jsQR
decodes it) and the item is received; a second is typed in the tag field, a typo refused
in the page; the third is ticked as missing. Then the receiver signs on the phone, the
giver signs on a desktop, and the handover is completed. The phone page's weight is
measured as the server sends it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from inventory.tagcodes import ALPHABET, url
from inventory.web.i18n import VI
from labels import LabelData
from tests.browser.test_scanner import (  # noqa: F401  (launch: the fake camera's fixture)
    MAX_PAGE_BYTES,
    NOT_ES5,
    SCAN_TIMEOUT_MS,
    STATIC,
    _phone,
    _sizes,
    _write_y4m,
    launch,
)
from tests.world import PASSWORD, World

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _handover(world: World) -> tuple[int, list[dict]]:
    """Three fresh assets of A handed over to B, submitted by officer_a."""
    officer = world.callers["officer_a"]
    assets = []
    for _ in range(3):
        made = officer.post(
            "/api/v1/assets",
            json={
                "name": f"Máy photocopy {secrets.token_hex(3)}",
                "category_id": world.categories["MT"],
                "holder_unit_id": world.units["A"],
                "room_id": world.rooms["A"],
            },
        )
        assert made.status_code == 201, made.text
        assets.append(made.json())
    made = officer.post(
        "/api/v1/handovers",
        json={
            "kind": "reallocation",
            "decision": {
                "number": "77/QĐ-UBND",
                "date": date.today().isoformat(),
                "issuer": "UBND",
            },
            "giving_unit_id": world.units["A"],
            "receiving_unit_id": world.units["B"],
            "giver_parties": [{"name": "Nguyễn Văn Giao", "position": "Chủ tịch"}],
            "receiver_parties": [{"name": "Trần Thị Nhận", "position": "Phó Chủ tịch"}],
            "items": {"asset_ids": [a["id"] for a in assets]},
        },
    )
    assert made.status_code == 201, made.text
    handover_id = made.json()["id"]
    assert officer.post(f"/api/v1/handovers/{handover_id}/submit").status_code == 200
    return handover_id, assets


def _sign_in(page: Page, server: str, login: str, path: str) -> None:
    page.goto(path)
    expect(page).to_have_url(f"{server}/login?next={path.replace('/', '%2F')}")
    page.get_by_label(VI["login"]).fill(login)
    page.get_by_label(VI["password"]).fill(PASSWORD)
    page.get_by_role("button", name=VI["sign_in"]).click()
    expect(page).to_have_url(f"{server}{path}")


def test_the_receiver_scans_ticks_and_both_sides_sign(
    launch: Callable[[Path], Browser],  # noqa: F811
    server: str,
    world: World,
    tmp_path_factory,
) -> None:
    handover_id, (filmed, typed, absent) = _handover(world)
    path = f"/handovers/{handover_id}"
    label = LabelData(url=url(server, filmed["tag"]), tag=filmed["tag"], unit_name="Xã Ia Rbol")
    browser = launch(_write_y4m(label, tmp_path_factory.mktemp("camera") / "handover.y4m"))
    phone = _phone(browser, server)
    try:
        page = phone.new_page()
        _sign_in(page, server, "officer_b", path)
        scanner = page.locator("#scanner")
        status = page.locator("#scan-status")
        # The filmed label: received, once however long it stays in view.
        expect(status).to_have_text(
            VI["ho_scanned"].format(tag=filmed["tag"], name=filmed["name"]),
            timeout=SCAN_TIMEOUT_MS,
        )
        expect(scanner).to_have_attribute("data-decoder-in-use", "jsqr")
        expect(page.locator("#ho-listed")).to_have_text("2")
        row = page.locator(f'#items tr[data-tag="{filmed["tag"]}"] td.ts')
        expect(row).to_have_text(VI["ts_received"])
        # A typo in the typed tag is refused in the page; the right tag is received.
        field = page.get_by_label(VI["scanner_tag"], exact=True)
        wrong = ALPHABET[(ALPHABET.index(typed["tag"][-1]) + 1) % len(ALPHABET)]
        field.fill(typed["tag"][:-1] + wrong)
        page.locator("#type-tag button").click()
        expect(page.locator("#tag-error")).to_have_text(VI["scanner_typo"])
        field.fill(typed["tag"].lower())
        page.locator("#type-tag button").click()
        expect(status).to_have_text(VI["ho_scanned"].format(tag=typed["tag"], name=typed["name"]))
        expect(page.locator("#ho-listed")).to_have_text("1")
        expect(scanner).to_have_attribute("data-recorded", "2")
        # The third is not there: ticked as missing.
        page.locator(f'#items tr[data-tag="{absent["tag"]}"] input[type=checkbox]').check()
        page.get_by_role("button", name=VI["ho_mark_missing"], exact=True).click()
        expect(page.get_by_role("status").first).to_have_text(VI["ho_done_receipts"])
        expect(page.locator("#ho-listed")).to_have_text("0")
        # Page weight: the page, its styles and scripts as sent (the decoder aside).
        # What the page loads (the scans it posts, a camera still on a label, aside).
        loaded = page.evaluate(
            "performance.getEntriesByType('resource')"
            ".filter(e => !['xmlhttprequest', 'fetch'].includes(e.initiatorType))"
            ".map(e => e.name).concat([location.href.split('#')[0]])"
        )
        own = [
            u
            for u in loaded
            if "/vendor/" not in u and urlsplit(u).netloc == urlsplit(server).netloc
        ]
        sizes = _sizes(phone, server, own)
        wire = sum(sent for sent, _ in sizes.values())
        print(f"handover page: {sizes}; {wire} B over the wire")
        assert {path, "/static/handover.js", "/static/scan.js"} <= set(sizes)
        assert wire <= MAX_PAGE_BYTES
        # The receiver signs on the phone, the name taken from the parties.
        expect(page.get_by_label(VI["ho_sign_name"])).to_have_value("Trần Thị Nhận")
        page.get_by_role("button", name=VI["ho_sign"]).click()
        expect(page.get_by_role("status").first).to_have_text(VI["ho_done_sign"])
        expect(page.locator("#ho-status")).to_have_text(VI["status_signed_by_receiver"])
    finally:
        phone.close()
    desk = browser.new_context(base_url=server, locale="vi-VN", **DESKTOP)
    try:
        page = desk.new_page()
        _sign_in(page, server, "officer_a", path)
        expect(page.locator("th.wide").first).to_be_visible()  # the desktop's columns
        page.get_by_role("button", name=VI["ho_sign"]).click()
        expect(page.get_by_role("status").first).to_have_text(VI["ho_done_complete"])
        expect(page.locator("#ho-status")).to_have_text(VI["status_completed"])
        expect(page.locator("ol.events")).to_contain_text(VI["action_complete"])
    finally:
        desk.close()
    got = world.callers["admin"].get(f"/api/v1/handovers/{handover_id}/items").json()["items"]
    assert sorted(i["transfer_status"] for i in got) == ["missing", "received", "received"]
    moved = world.callers["admin"].get(f"/api/v1/assets/{filmed['id']}").json()
    assert moved["holder_unit_id"] == world.units["B"]


def test_handover_js_keeps_to_es5() -> None:
    source = (STATIC / "handover.js").read_text(encoding="utf-8")
    code = re.sub(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\]|\\.)*"', "", source, flags=re.S)
    assert NOT_ES5.findall(code) == []
