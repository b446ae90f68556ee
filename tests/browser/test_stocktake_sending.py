"""Sending a stocktake's scans from the phone page when things go wrong, in chromium:
connections cut mid-batch (after the server committed, before its answer reached the
phone), two phones seeing one asset, a scan that arrives after closing, a batch the
server refuses for good, and signing out with scans still on the phone."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.proxy import Proxy
from tests.browser.test_stocktake_offline import (
    WAIT_MS,
    _assets,
    _no_network,
    _open,
    _place,
    _scans,
    _sign_in,
)
from tests.world import PASSWORD, World

SCANS = 24
RETRY_S = 2  # static/stocktake.js: the first retry after a failure, then doubled
DROPS_MS = 90_000  # backoff from 2 s, doubled: a few failures in a row take a while


def _phone(chromium: Browser, base_url: str) -> BrowserContext:
    return chromium.new_context(base_url=base_url, locale="vi-VN", **PHONE)


@pytest.fixture
def proxy(server: str) -> Iterator[Proxy]:
    """Between the phone and the server: cuts the stocktake page's scan batches as told."""
    port = urlsplit(server).port
    assert port is not None
    with Proxy(port, "POST", r"^/stocktakes/\d+/scans$").running() as running:
        yield running


@pytest.fixture
def context(server: str, chromium: Browser) -> Iterator[BrowserContext]:
    made = _phone(chromium, server)
    try:
        yield made
    finally:
        made.close()


def _type(page: Page, tag: str) -> None:
    field = page.get_by_label("Mã tem")
    field.fill(tag)
    field.press("Enter")


def _ready(page: Page, path: str, login: str = "officer_a") -> None:
    _sign_in(page, login, path)
    expect(page.locator("#scanner")).to_have_attribute("data-store", "ready", timeout=WAIT_MS)


def _officer(world: World) -> str:
    """Another officer of unit A, for a second phone."""
    login = f"officer.{secrets.token_hex(3)}"
    made = world.callers["admin"].post(
        "/api/v1/users",
        json={
            "login": login,
            "password": PASSWORD,
            "role": "officer",
            "unit_id": world.units["A"],
            "full_name": "Cán bộ thứ hai",
        },
    )
    assert made.status_code == 201, made.text
    return login


def _accepted(answer: bytes) -> int:
    """Scans the server took in an answer the phone never got."""
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return json.loads(body)["accepted"]


def test_connections_cut_mid_batch_lose_and_duplicate_nothing(
    chromium: Browser, proxy: Proxy, world: World
) -> None:
    site_id, room_id = _place(world)
    assets = _assets(world, room_id, SCANS)
    stocktake_id = _open(world, site_id)
    context = _phone(chromium, proxy.url)
    try:
        page = context.new_page()
        _ready(page, f"/stocktakes/{stocktake_id}")
        scanner = page.locator("#scanner")
        # Cut after the server committed (its answer lost), before it heard anything, a
        # gateway's 503: each retried, never more than twice in a row.
        plan = ["after", "pass", "after", "before", "pass", "503", "after", "pass", "after"]
        proxy.plan = list(plan)
        for round_ in range(0, SCANS, 3):  # a few scans, then until they are all sent
            for asset in assets[round_ : round_ + 3]:
                _type(page, asset["tag"])
            if round_ == 0:  # the first batch's answer was lost: the page says so
                expect(page.locator("#st-offline")).to_be_visible(timeout=WAIT_MS)
            expect(scanner).to_have_attribute("data-pending", "0", timeout=DROPS_MS)
        expect(scanner).to_have_attribute("data-sent", str(SCANS), timeout=WAIT_MS)
        expect(page.locator("#st-pending")).to_have_text("0")
        expect(page.locator("#st-offline")).to_be_hidden()
        assert not proxy.plan
        assert [t.step for t in proxy.done] == plan
        lost = sum(_accepted(t.answer) for t in proxy.done if t.step == "after")
        assert lost > 0  # scans the server kept while the phone heard nothing
        # Each retry waits twice as long as the one before: 2 s after a failure, 4 s
        # after two in a row (a sending phone never hammers a struggling server).
        failures = 0
        for before, taken in zip(proxy.done, proxy.done[1:], strict=False):
            failures = failures + 1 if before.step != "pass" else 0
            if failures:
                assert taken.at - before.at >= 0.9 * RETRY_S * 2 ** (failures - 1), taken
    finally:
        context.close()

    received = _scans(world, stocktake_id)
    assert len(received) == SCANS and len({s["id"] for s in received}) == SCANS
    assert sorted(s["tag"] for s in received) == sorted(a["tag"] for a in assets)
    assert {s["kind"] for s in received} == {"found"} and not any(s["late"] for s in received)


def test_two_phones_one_asset_give_one_found_with_both_sightings(
    chromium: Browser, server: str, world: World
) -> None:
    site_id, room_id = _place(world)
    asset, other = _assets(world, room_id, 2)
    stocktake_id = _open(world, site_id)
    path = f"/stocktakes/{stocktake_id}"
    second = _officer(world)
    phones = [_phone(chromium, server), _phone(chromium, server)]
    try:
        for context, login in zip(phones, ["officer_a", second], strict=True):
            page = context.new_page()
            _ready(page, path, login)
            _type(page, asset["tag"])
            expect(page.locator("#scanner")).to_have_attribute("data-sent", "1", timeout=WAIT_MS)
            expect(page.locator(f'#st-expected li[data-tag="{asset["tag"]}"]')).to_have_class(
                "seen"
            )
    finally:
        for context in phones:
            context.close()

    officer = world.callers["officer_a"]
    assert officer.post(f"/api/v1/stocktakes/{stocktake_id}/close").status_code == 200
    results = officer.get(f"/api/v1/stocktakes/{stocktake_id}/results").json()
    assert results["counts"]["in_place"] == 1 and results["counts"]["missing"] == 1
    (line,) = [r for r in results["items"] if r["asset_id"] == asset["id"]]
    assert line["outcome"] == "in_place" and line["sightings"] == 2
    assert [r["outcome"] for r in results["items"] if r["asset_id"] == other["id"]] == ["missing"]
    sightings = officer.get(
        f"/api/v1/stocktakes/{stocktake_id}/scans", params={"asset_id": asset["id"]}
    ).json()["items"]
    by = {s["scanned_by"] for s in sightings}
    assert len(sightings) == 2 and len(by) == 2 and world.users["officer_a"] in by
    assert line["seen_by"] == max(sightings, key=lambda s: s["seen_at"])["scanned_by"]


def test_a_scan_after_closing_is_kept_and_flagged_late(
    context: BrowserContext, world: World
) -> None:
    site_id, room_id = _place(world)
    on_time, late = _assets(world, room_id, 2)
    stocktake_id = _open(world, site_id)
    page = context.new_page()
    _ready(page, f"/stocktakes/{stocktake_id}")
    scanner = page.locator("#scanner")
    _type(page, on_time["tag"])
    expect(scanner).to_have_attribute("data-sent", "1", timeout=WAIT_MS)

    context.set_offline(True)
    context.route("**/*", _no_network)
    _type(page, late["tag"])
    expect(scanner).to_have_attribute("data-pending", "1", timeout=WAIT_MS)
    officer = world.callers["officer_a"]
    assert officer.post(f"/api/v1/stocktakes/{stocktake_id}/close").status_code == 200
    context.unroute("**/*", _no_network)
    context.set_offline(False)

    expect(scanner).to_have_attribute("data-sent", "2", timeout=WAIT_MS)
    expect(scanner).to_have_attribute("data-pending", "0")
    expect(scanner).to_have_attribute("data-late", "1")
    expect(page.locator("#st-late")).to_be_visible()
    expect(page.locator("#st-late")).to_contain_text("1 lần quét đến sau khi đợt kiểm kê đã đóng")
    expect(scanner).to_have_attribute("data-refused", "0")

    flagged = _scans(world, stocktake_id)
    assert sorted((s["tag"], s["late"]) for s in flagged) == sorted(
        [(on_time["tag"], False), (late["tag"], True)]
    )
    results = officer.get(f"/api/v1/stocktakes/{stocktake_id}/results").json()
    assert results["late_scans"] == 1
    outcome = {r["asset_id"]: r["outcome"] for r in results["items"]}
    assert outcome == {on_time["id"]: "in_place", late["id"]: "missing"}
    page.reload()  # kept as sent and late on the phone
    expect(page.locator("#scanner")).to_have_attribute("data-late", "1", timeout=WAIT_MS)


def test_a_scan_refused_for_good_is_set_aside_and_the_rest_go_on(
    context: BrowserContext, world: World
) -> None:
    """A room removed while the phone was offline: the scan seen there is refused (422
    naming it), kept on the phone as refused with the reason; the others are sent."""
    site_id, room_id = _place(world)
    gone = world.callers["officer_a"].post(
        "/api/v1/rooms", json={"site_id": site_id, "name": f"Phòng {secrets.token_hex(3)}"}
    )
    assert gone.status_code == 201, gone.text
    first, second = _assets(world, room_id, 2)
    stocktake_id = _open(world, site_id)
    page = context.new_page()
    _ready(page, f"/stocktakes/{stocktake_id}")
    scanner = page.locator("#scanner")
    context.set_offline(True)
    chooser = page.get_by_label("Phòng đang kiểm")
    chooser.select_option(str(gone.json()["id"]))
    _type(page, first["tag"])
    chooser.select_option(str(room_id))
    _type(page, second["tag"])
    expect(scanner).to_have_attribute("data-pending", "2", timeout=WAIT_MS)
    removed = world.callers["officer_a"].delete(
        f"/api/v1/rooms/{gone.json()['id']}", headers={"If-Match": f'"{gone.json()["version"]}"'}
    )
    assert removed.status_code == 204, removed.text
    context.set_offline(False)

    expect(scanner).to_have_attribute("data-refused", "1", timeout=WAIT_MS)
    expect(scanner).to_have_attribute("data-sent", "1", timeout=WAIT_MS)
    expect(scanner).to_have_attribute("data-pending", "0")
    refused = page.locator("#st-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("1 lần quét bị máy chủ từ chối")
    expect(refused).to_contain_text("422")
    assert [s["tag"] for s in _scans(world, stocktake_id)] == [second["tag"]]
    kept = page.evaluate(
        """() => new Promise(resolve => {
            const open = indexedDB.open("inventory-stocktakes");
            open.onsuccess = () => {
                const all = open.result.transaction("scans").objectStore("scans").getAll();
                all.onsuccess = () => resolve(all.result.filter(s => s.sent === 2));
            };
        })"""
    )
    assert [(s["tag"], s["room_id"]) for s in kept] == [(first["tag"], gone.json()["id"])]
    assert "room" in kept[0]["refused"]
    page.reload()  # still shown, never sent again
    expect(page.locator("#scanner")).to_have_attribute("data-refused", "1", timeout=WAIT_MS)
    expect(page.locator("#st-refused")).to_be_visible()
    page.wait_for_timeout(1000)
    assert len(_scans(world, stocktake_id)) == 1


def test_a_stocktake_no_longer_ours_sets_the_whole_batch_aside(
    context: BrowserContext, world: World
) -> None:
    """An officer moved to another unit while scans wait, signed in again: the stocktake
    is now another unit's (404, no scan named), so the whole batch is set aside, kept."""
    site_id, room_id = _place(world)
    assets = _assets(world, room_id, 2)
    stocktake_id = _open(world, site_id)
    login = _officer(world)
    page = context.new_page()
    _ready(page, f"/stocktakes/{stocktake_id}", login)
    context.route("**/stocktakes/*/scans", _no_network)
    for asset in assets:
        _type(page, asset["tag"])
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-pending", "2", timeout=WAIT_MS)
    admin = world.callers["admin"]
    user = admin.get("/api/v1/users", params={"q": login}).json()["items"][0]
    moved = admin.patch(
        f"/api/v1/users/{user['id']}",
        json={"unit_id": world.units["B"]},
        headers={"If-Match": f'"{user["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    other = context.new_page()  # a second tab: signed in again, now an officer of B
    context.clear_cookies()
    _sign_in(other, login, "/stocktakes")
    context.unroute("**/stocktakes/*/scans", _no_network)

    expect(scanner).to_have_attribute("data-refused", "2", timeout=DROPS_MS)
    expect(scanner).to_have_attribute("data-pending", "0")
    expect(page.locator("#st-refused")).to_contain_text("404")
    assert _scans(world, stocktake_id) == []


def _databases(page: Page) -> list[str]:
    return page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")


def test_signing_out_with_scans_waiting_warns_first(context: BrowserContext, world: World) -> None:
    sign_out = "Đăng xuất"
    page = context.new_page()
    _sign_in(page, "officer_a", "/stocktakes")
    # Nothing waits: signed out at once.
    page.get_by_role("button", name=sign_out, exact=True).click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=WAIT_MS)
    assert "inventory-stocktakes" not in _databases(page)  # the check made no store

    site_id, room_id = _place(world)
    (asset,) = _assets(world, room_id, 1)
    stocktake_id = _open(world, site_id)
    path = f"/stocktakes/{stocktake_id}"
    context.route("**/stocktakes/*/scans", _no_network)  # the batch cannot leave the phone
    _ready(page, path)
    _type(page, asset["tag"])
    expect(page.locator("#scanner")).to_have_attribute("data-pending", "1", timeout=WAIT_MS)

    page.goto("/")
    page.get_by_role("button", name=sign_out, exact=True).click()
    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("Còn 1 lần quét chưa gửi trên máy này", timeout=WAIT_MS)
    expect(page.get_by_role("button", name=sign_out, exact=True)).to_be_visible()  # still signed in
    warning.get_by_role("link", name="Ở lại để gửi").click()
    expect(page).to_have_url(re.compile(f"{re.escape(path)}$"), timeout=WAIT_MS)

    page.get_by_role("button", name=sign_out, exact=True).click()
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible(timeout=WAIT_MS)
    warning.get_by_role("button", name="Vẫn đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=WAIT_MS)
    assert _scans(world, stocktake_id) == []

    context.unroute("**/stocktakes/*/scans", _no_network)
    _ready(page, path)  # signed in again: the scan kept on the phone goes
    expect(page.locator("#scanner")).to_have_attribute("data-sent", "1", timeout=WAIT_MS)
    assert [s["tag"] for s in _scans(world, stocktake_id)] == [asset["tag"]]
