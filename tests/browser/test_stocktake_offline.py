"""The stocktake page in chromium, offline: opened once online (the service worker keeps
it), then 50 tags recorded without a connection, the page reloaded offline (served by the
service worker, the unsent scans kept in IndexedDB), and all 50 received exactly once when
the connection is back. Tags are typed: the camera path is scan.js's, tested on /scan.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from inventory.tagcodes import url
from labels import LabelData
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.test_scanner import NO_BARCODE_DETECTOR, SCAN_TIMEOUT_MS, _write_y4m
from tests.world import PASSWORD, World

SCANS = 50
WAIT_MS = 30_000
SAME_TAG_MS = 3000  # static/stocktake.js: the same label read again within this counts once


def _place(world: World) -> tuple[int, int]:
    """A fresh site of unit A with one room: its stocktake expects only what is made here."""
    officer = world.callers["officer_a"]
    site = officer.post(
        "/api/v1/sites",
        json={"holder_unit_id": world.units["A"], "name": f"Nhà văn hóa {secrets.token_hex(3)}"},
    )
    assert site.status_code == 201, site.text
    room = officer.post(
        "/api/v1/rooms", json={"site_id": site.json()["id"], "name": f"Kho {secrets.token_hex(3)}"}
    )
    assert room.status_code == 201, room.text
    return site.json()["id"], room.json()["id"]


def _assets(world: World, room_id: int, n: int) -> list[dict]:
    officer = world.callers["officer_a"]
    made = []
    for _ in range(n):
        answer = officer.post(
            "/api/v1/assets",
            json={
                "name": f"Ghế {secrets.token_hex(3)}",
                "category_id": world.categories["BG"],
                "holder_unit_id": world.units["A"],
                "room_id": room_id,
            },
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    return made


def _open(world: World, site_id: int) -> int:
    opened = world.callers["officer_a"].post(
        "/api/v1/stocktakes", json={"unit_id": world.units["A"], "site_id": site_id}
    )
    assert opened.status_code == 201, opened.text
    return opened.json()["id"]


def _scans(world: World, stocktake_id: int) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = world.callers["officer_a"].get(
            f"/api/v1/stocktakes/{stocktake_id}/scans", params=params
        )
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
def context(server: str, chromium: Browser) -> Iterator[BrowserContext]:
    made = chromium.new_context(base_url=server, locale="vi-VN", service_workers="allow", **PHONE)
    try:
        yield made
    finally:
        made.close()


def _sign_in(page: Page, login: str, path: str) -> None:
    page.goto(path)
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(f"{re.escape(path)}$"), timeout=WAIT_MS)


def _no_network(route: Route) -> None:
    route.abort("internetdisconnected")


def test_fifty_scans_offline_arrive_once(context: BrowserContext, world: World) -> None:
    site_id, room_id = _place(world)
    assets = _assets(world, room_id, SCANS)
    stocktake_id = _open(world, site_id)
    path = f"/stocktakes/{stocktake_id}"
    page = context.new_page()
    _sign_in(page, "officer_a", path)
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-offline-ready", "yes", timeout=WAIT_MS)
    expect(scanner).to_have_attribute("data-store", "ready", timeout=WAIT_MS)
    expect(page.locator("#st-expected li")).to_have_count(SCANS, timeout=WAIT_MS)

    context.set_offline(True)
    context.route("**/*", _no_network)  # the service worker's own fetches too
    expect(page.locator("#st-offline")).to_be_visible(timeout=WAIT_MS)
    field = page.get_by_label("Mã tem")
    half = SCANS // 2
    for i, asset in enumerate(assets[:half]):
        field.fill(asset["tag"].lower())  # as typed: the page normalises it
        field.press("Enter")
        expect(scanner).to_have_attribute("data-pending", str(i + 1), timeout=WAIT_MS)

    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-pending", str(half), timeout=WAIT_MS)
    expect(page.locator("#st-offline")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#st-expected li")).to_have_count(SCANS, timeout=WAIT_MS)
    field = page.get_by_label("Mã tem")
    for i, asset in enumerate(assets[half:]):
        field.fill(asset["tag"])
        field.press("Enter")
        expect(scanner).to_have_attribute("data-pending", str(half + i + 1), timeout=WAIT_MS)
    expect(page.locator("#st-seen-n")).to_have_text(str(SCANS), timeout=WAIT_MS)
    assert _scans(world, stocktake_id) == []  # nothing left the phone

    context.unroute("**/*", _no_network)
    context.set_offline(False)
    expect(scanner).to_have_attribute("data-sent", str(SCANS), timeout=WAIT_MS)
    expect(scanner).to_have_attribute("data-pending", "0", timeout=WAIT_MS)
    expect(page.locator("#st-offline")).to_be_hidden(timeout=WAIT_MS)

    received = _scans(world, stocktake_id)
    assert len(received) == SCANS and len({s["id"] for s in received}) == SCANS
    assert sorted(s["tag"] for s in received) == sorted(a["tag"] for a in assets)
    assert {s["kind"] for s in received} == {"found"}
    assert {s["scanned_by"] for s in received} == {world.users["officer_a"]}
    assert {s["room_id"] for s in received} == {room_id}

    # Opened again: nothing is sent twice, the counts come from the phone's store.
    page.reload()
    expect(page.locator("#scanner")).to_have_attribute("data-sent", str(SCANS), timeout=WAIT_MS)
    assert len(_scans(world, stocktake_id)) == SCANS


def test_another_units_officer_gets_404(context: BrowserContext, world: World) -> None:
    stocktake_id = _open(world, world.sites["A"])
    page = context.new_page()
    _sign_in(page, "officer_b", "/stocktakes")
    answer = page.goto(f"/stocktakes/{stocktake_id}")
    assert answer is not None and answer.status == 404


def test_a_room_label_chooses_the_room(context: BrowserContext, world: World) -> None:
    site_id, first = _place(world)
    room = world.callers["officer_a"].post(
        "/api/v1/rooms", json={"site_id": site_id, "name": f"Phòng {secrets.token_hex(3)}"}
    )
    assert room.status_code == 201, room.text
    stocktake_id = _open(world, site_id)
    page = context.new_page()
    _sign_in(page, "officer_a", f"/stocktakes/{stocktake_id}")
    expect(page.locator("#scanner")).to_have_attribute("data-store", "ready", timeout=WAIT_MS)
    chooser = page.get_by_label("Phòng đang kiểm")
    expect(chooser).to_have_value(str(first))  # "Kho ..." sorts before "Phòng ..."
    # What scan.js hands over when the camera reads a room label (/R/CODE).
    page.evaluate(
        """code => {
            const event = document.createEvent("CustomEvent");
            event.initCustomEvent("tagread", false, true, {tag: code, room: true});
            document.getElementById("scanner").dispatchEvent(event);
        }""",
        room.json()["tag"],
    )
    expect(chooser).to_have_value(str(room.json()["id"]))
    expect(page.locator("#scan-status")).to_contain_text(room.json()["name"])


def test_unsent_scans_wait_for_their_own_officer(context: BrowserContext, world: World) -> None:
    site_id, room_id = _place(world)
    assets = _assets(world, room_id, 2)
    stocktake_id = _open(world, site_id)
    path = f"/stocktakes/{stocktake_id}"
    page = context.new_page()
    _sign_in(page, "officer_a", path)
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-store", "ready", timeout=WAIT_MS)
    context.set_offline(True)
    field = page.get_by_label("Mã tem")
    for i, asset in enumerate(assets):
        field.fill(asset["tag"])
        field.press("Enter")
        expect(scanner).to_have_attribute("data-pending", str(i + 1), timeout=WAIT_MS)
    # The officer's session ends before the network comes back: the phone keeps the scans.
    page.context.clear_cookies()
    context.set_offline(False)

    _sign_in(page, "admin", path)  # an admin of the whole province on the same phone
    expect(page.locator("#st-other")).to_be_visible(timeout=WAIT_MS)
    expect(scanner).to_have_attribute("data-pending", "0", timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")
    assert _scans(world, stocktake_id) == []

    page.context.clear_cookies()
    _sign_in(page, "officer_a", path)
    expect(scanner).to_have_attribute("data-sent", "2", timeout=WAIT_MS)
    received = _scans(world, stocktake_id)
    assert {s["scanned_by"] for s in received} == {world.users["officer_a"]}
    assert sorted(s["tag"] for s in received) == sorted(a["tag"] for a in assets)


def test_a_filmed_label_is_recorded_once(
    chromium: Browser, server: str, world: World, tmp_path: Path
) -> None:
    """The camera path: scan.js reads the label and hands it to the stocktake page, which
    keeps the camera on and records the label once however long it stays in view."""
    site_id, room_id = _place(world)
    (asset,) = _assets(world, room_id, 1)
    stocktake_id = _open(world, site_id)
    label = LabelData(
        url=url(server, asset["tag"]), tag=asset["tag"], unit_name="Xã Ia Rbol", asset_name=None
    )
    video = _write_y4m(label, tmp_path / "label.y4m")
    browser = chromium.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    try:
        context = browser.new_context(base_url=server, locale="vi-VN", **PHONE)
        context.grant_permissions(["camera"], origin=server)
        context.add_init_script(NO_BARCODE_DETECTOR)
        page = context.new_page()
        path = f"/stocktakes/{stocktake_id}"
        _sign_in(page, "officer_a", path)
        scanner = page.locator("#scanner")
        expect(scanner).to_have_attribute("data-sent", "1", timeout=SCAN_TIMEOUT_MS)
        expect(page.locator("#st-seen-n")).to_have_text("1")
        assert urlsplit(page.url).path == path  # nothing was opened
        # The label stays in view longer than the page's same-label window: still once.
        page.wait_for_timeout(SAME_TAG_MS + 1500)
        expect(scanner).to_have_attribute("data-pending", "0")
        received = _scans(world, stocktake_id)
        assert [(s["tag"], s["kind"]) for s in received] == [(asset["tag"], "found")]
        context.close()
    finally:
        browser.close()
