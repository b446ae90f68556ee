"""The register's forms in a real browser at 1366×768, by keyboard alone: an officer adds
a room (a refusal first, beside its field), an admin edits a unit over someone else's
change and saves it again from the current version."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.world import PASSWORD, World


def _sign_in_by_keyboard(page: Page, login: str, back: str) -> None:
    page.goto(back)  # to the login page, which brings us back
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type(login)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{back}")


def _focused(page: Page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.name")


def _tab_order(page: Page, first: str, count: int) -> list[str | None]:
    page.locator(f"#f-{first}").focus()
    order = [_focused(page)]
    for _ in range(count):
        page.keyboard.press("Tab")
        order.append(_focused(page))
    return order


def test_an_officer_adds_a_room_by_keyboard_alone(desk: Page, world: World) -> None:
    page = desk
    site = world.create(
        "/api/v1/sites", holder_unit_id=world.units["A"], name=f"Nhà khách {secrets.token_hex(3)}"
    )
    _sign_in_by_keyboard(page, "officer_a", "/rooms/new")
    assert _tab_order(page, "site_id", 6) == [
        "site_id",
        "name",
        "purpose",
        "floor",
        "area_m2",
        "seats",
        "",  # the button (nameless)
    ]
    # The site picked with the arrow keys on its (closed) list.
    page.locator("#f-site_id").focus()
    for _ in range(200):
        if page.evaluate("document.activeElement.value") == str(site["id"]):
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == str(site["id"])
    # Sent with Enter and no name: refused beside the name, which has the focus again.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#name-error")).to_have_text("Giá trị này không hợp lệ.")
    expect(page.locator("#form-error")).to_contain_text("Chưa lưu")
    assert _focused(page) == "name"
    expect(page.get_by_label("Tên hoặc số phòng")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.activeElement.form.site_id.value") == str(site["id"])
    name = f"Phòng tiếp khách {secrets.token_hex(2)}"
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # office → meeting room
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("15")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/rooms\?site_id={site['id']}&done=created$"))
    expect(page.get_by_role("status")).to_have_text("Đã thêm.")
    row = page.locator("#rooms tbody tr", has_text=name)
    expect(row).to_contain_text("Phòng họp")
    expect(row).to_contain_text("15")
    made = world.callers["officer_a"].get("/api/v1/rooms", params={"site_id": site["id"]}).json()
    [room] = [r for r in made["items"] if r["name"] == name]
    assert (room["purpose"], room["floor"], room["seats"]) == ("meeting", 2, 15) and room["tag"]


def test_an_admin_edits_a_unit_by_keyboard_over_another_change(desk: Page, world: World) -> None:
    page = desk
    unit = world.create(
        "/api/v1/units",
        code=f"K{secrets.token_hex(3)}",
        name="Văn phòng Đảng ủy",
        kind="agency",
        parent_id=world.units["A"],
    )
    form = f"/units/{unit['id']}/edit"
    _sign_in_by_keyboard(page, "admin", form)
    # A date field takes several stops (its day, month, year): each field once, in order.
    order = _tab_order(page, "code", 14)
    fields = [name for i, name in enumerate(order) if i == 0 or order[i - 1] != name]
    assert fields[:8] == [
        "code",
        "name",
        "kind",
        "parent_id",
        "merged_into_id",
        "valid_from",
        "valid_to",
        "",
    ]
    page.get_by_label("Tên đơn vị").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Văn phòng Đảng ủy xã")
    # Meanwhile someone else renames it: the save is refused, the current version shown.
    world.callers["admin"].patch(
        f"/api/v1/units/{unit['id']}",
        json={"name": "Văn phòng Đảng ủy (đổi bởi người khác)"},
        headers={"If-Match": '"1"'},
    ).raise_for_status()
    page.keyboard.press("Enter")
    conflict = page.locator("#conflict")
    expect(conflict).to_contain_text("Người khác vừa sửa bản ghi này")
    expect(conflict).to_contain_text("Tên đơn vị: Văn phòng Đảng ủy xã")
    expect(page.get_by_label("Tên đơn vị")).to_have_value("Văn phòng Đảng ủy (đổi bởi người khác)")
    # Typed again on the current version, by keyboard, and saved.
    page.get_by_label("Tên đơn vị").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Văn phòng Đảng ủy xã")
    for _ in range(15):
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/units/{unit['id']}?done=saved")
    expect(page.get_by_role("status")).to_have_text("Đã lưu thay đổi.")
    expect(page.locator("h1")).to_have_text("Văn phòng Đảng ủy xã")
    got = world.callers["admin"].get(f"/api/v1/units/{unit['id']}").json()
    assert (got["name"], got["version"]) == ("Văn phòng Đảng ủy xã", 3)
