"""Each role's main flow on the desktop, in a real browser at 1366×768: from signing in on
the start page, through the navigation, to the work the role is there for.

An officer goes from the brief of their unit's assets to one asset and its label; an
auditor checks the history chains and reads the province's handover compliance and
downloads it; a leader reviews a commune's request and decides its lines; an admin walks
the merger lineage of a commune and reads the users. (The asset form by keyboard and an
edit conflict are in test_desktop.py.)"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from inventory.web.i18n import VI
from tests.test_requests import R, draft
from tests.world import PASSWORD, World


def _sign_in(page: Page, login: str) -> None:
    page.goto("/login?next=/")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#brief")).to_be_visible()


def _nav(page: Page, name: str) -> None:
    page.locator("nav.desk").get_by_role("link", name=name, exact=True).click()


def test_an_officer_goes_from_the_brief_to_an_asset_and_its_label(desk: Page, world: World) -> None:
    _sign_in(desk, "officer_a")
    brief = desk.locator("#brief-assets")
    expect(brief).to_be_visible()
    expect(desk.locator("#brief-auditor, #brief-compliance, #brief-admin")).to_have_count(0)
    brief.get_by_role("link", name=VI["condition_good"]).click()
    expect(desk).to_have_url(re.compile(r"/assets\?condition=good"))
    desk.get_by_role("link", name="Máy tính để bàn Điện Quang").first.click()
    expect(desk).to_have_url(re.compile(r"/assets/\d+$"))
    expect(desk.locator("#facts")).to_contain_text("SN-A-001")
    preview = desk.locator("img[src*='label']").first
    expect(preview).to_be_visible()
    assert desk.evaluate("(img) => img.naturalWidth", preview.element_handle()) > 0


def test_an_auditor_checks_the_chains_and_downloads_the_compliance(
    desk: Page, world: World
) -> None:
    _sign_in(desk, "auditor")
    expect(desk.locator("#brief-compliance")).to_be_visible()
    desk.get_by_role("link", name=VI["dk_verify"]).click()
    expect(desk.locator("#verified")).to_have_class(re.compile("ok"))
    _nav(desk, VI["cp_link"])
    table = desk.locator("#compliance")
    expect(table).to_contain_text("Xã Ia Rbol")
    table.get_by_role("link", name="Xã Ia Rbol").click()
    expect(desk).to_have_url(re.compile(rf"#unit-{world.units['A']}$"))
    with desk.expect_download() as download:
        desk.get_by_role("link", name=VI["cp_export"]).click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as sheet:
        assert sheet.read(2) == b"PK"  # an XLSX is a zip
    # No request queue in an auditor's navigation: they read, they do not decide.
    expect(desk.locator("nav.desk").get_by_role("link", name=VI["rq_title"])).to_have_count(0)


def test_a_leader_reviews_a_request_and_decides_its_lines(desk: Page, world: World) -> None:
    made = draft(world)
    assert world.officer_a.post(f"{R}/{made['id']}/submit").status_code == 200
    endorsed = world.leader_a.post(f"{R}/{made['id']}/endorse", json={"note": "Cần gấp"})
    assert endorsed.status_code == 200, endorsed.text

    _sign_in(desk, "leader")
    expect(desk.locator("#brief-needs")).to_be_visible()
    _nav(desk, VI["rq_title"])
    desk.locator(f'a[href="/requests/{made["id"]}"]').first.click()
    desk.get_by_role("button", name=VI["rq_review"]).click()
    expect(desk.get_by_text(VI["rq_done_review"])).to_be_visible()
    lines = made["lines"]
    for n in range(len(lines)):
        form = desk.locator("form[action$='/decision']").first
        form.get_by_label(VI["rq_reason"]).fill(f"Đủ ngân sách {n}")
        form.get_by_role("button", name=VI["rq_decide"]).click()
        expect(desk.locator("form[action$='/decision']")).to_have_count(len(lines) - n - 1)
    decided = world.leader.get(f"{R}/{made['id']}").json()
    assert decided["status"] == "approved"
    expect(desk.locator("main")).to_contain_text(VI["nd_rq_approved"])
    expect(desk.locator("main")).to_contain_text("Đủ ngân sách 0")


def test_an_admin_walks_a_communes_lineage_and_reads_the_users(desk: Page, world: World) -> None:
    _sign_in(desk, "admin")
    expect(desk.locator("#brief-admin")).to_be_visible()
    expect(desk.locator("#brief-jobs")).to_be_visible()
    _nav(desk, VI["dk_units_title"])
    desk.locator("#units").get_by_role("link", name="Xã Ia Rbol", exact=True).click()
    lineage = desk.locator("#lineage")
    expect(lineage).to_be_visible()
    expect(lineage).to_contain_text("Xã Chư Băh (cũ)")
    text = desk.locator("#lineage-text")
    expect(text).to_contain_text(VI["dk_formed_from"])
    # A former unit's box in the drawing leads to that unit, which names what it became.
    lineage.locator(f'a[href="/units/{world.units["A1"]}"]').click()
    expect(desk).to_have_url(re.compile(rf"/units/{world.units['A1']}$"))
    expect(desk.locator("#lineage-text")).to_contain_text("Xã Ia Rbol")
    _nav(desk, VI["dk_users_title"])
    expect(desk.locator("main")).to_contain_text("officer_a")
    expect(desk.locator("main")).not_to_contain_text("argon2")  # never a password hash
