"""The desktop pages in a real browser at 1366×768: the asset form by keyboard alone, and
two officers editing the same asset."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESK
from tests.world import PASSWORD, World


def _desk(server: str, chromium: Browser) -> Page:
    return chromium.new_context(base_url=server, locale="vi-VN", **DESK).new_page()


@pytest.fixture
def desks(server: str, chromium: Browser) -> Iterator[tuple[Page, Page]]:
    """Two desks: two browsers, two sessions."""
    pages = (_desk(server, chromium), _desk(server, chromium))
    try:
        yield pages
    finally:
        for page in pages:
            page.context.close()


def _asset(world: World) -> dict:
    return world.create(
        "/api/v1/assets",
        name=f"Máy chiếu {secrets.token_hex(3)}",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
        room_id=world.rooms["A"],
        original_cost=12_000_000,
    )


def _sign_in_by_keyboard(page: Page, back: str) -> None:
    page.goto(back)  # to the login page, which brings us back
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type("officer_a")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{back}")


def _focused(page: Page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.name")


def test_the_asset_form_by_keyboard_alone(desks: tuple[Page, Page], world: World) -> None:
    page, _ = desks
    asset = _asset(world)
    form = f"/assets/{asset['id']}/edit"
    _sign_in_by_keyboard(page, form)
    # From the name, Tab walks the fields in the order they are read.
    page.get_by_label("Tên tài sản").focus()
    order = [_focused(page)]
    for _ in range(14):
        page.keyboard.press("Tab")
        order.append(_focused(page))
    assert order == [
        "name",
        "category_id",
        "model",
        "serial",
        "quantity",
        "unit_of_measure",
        "acquisition_year",
        "original_cost",
        "remaining_value",
        "funding_source",
        "custodian",
        "ownership",
        "condition",
        "status",
        "",  # the button (nameless)
    ]
    # A remaining value above the cost, typed and sent with Enter: refused beside its field,
    # which has the focus again.
    page.get_by_label("Giá trị còn lại (đ)").focus()
    page.keyboard.type("99000000")
    page.keyboard.press("Enter")
    expect(page.locator("#remaining_value-error")).to_have_text(
        "Giá trị còn lại không được lớn hơn nguyên giá."
    )
    assert _focused(page) == "remaining_value"
    expect(page.get_by_label("Giá trị còn lại (đ)")).to_have_attribute("aria-invalid", "true")
    # Corrected by keyboard: select all, type, and Enter on the button.
    page.keyboard.press("Control+A")
    page.keyboard.type("6000000")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("13000000")  # and the original cost
    for _ in range(7):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Đã lưu thay đổi.")
    expect(page.locator("#facts")).to_contain_text("13.000.000 đ")
    expect(page.locator("#facts")).to_contain_text("6.000.000 đ")
    expect(page.locator("#history")).to_contain_text("Nguyên giá: 12.000.000 đ → 13.000.000 đ")


def test_two_officers_edit_the_same_asset(desks: tuple[Page, Page], world: World) -> None:
    first, second = desks
    asset = _asset(world)
    form = f"/assets/{asset['id']}/edit"
    for page in desks:
        _sign_in_by_keyboard(page, form)
    first.get_by_label("Kiểu máy").fill("Epson EB-X06")
    second.get_by_label("Kiểu máy").fill("Sony VPL")
    first.get_by_role("button", name="Lưu").click()
    expect(first.get_by_role("status")).to_have_text("Đã lưu thay đổi.")
    second.get_by_role("button", name="Lưu").click()
    notice = second.locator("#conflict")
    expect(notice).to_contain_text("Người khác vừa sửa tài sản này")
    expect(notice).to_contain_text("Kiểu máy: Sony VPL")
    expect(second.get_by_label("Kiểu máy")).to_have_value("Epson EB-X06")  # the current one
    # Sent again from the current version, it is saved.
    second.get_by_label("Kiểu máy").fill("Sony VPL")
    second.get_by_role("button", name="Lưu").click()
    expect(second.get_by_role("status")).to_have_text("Đã lưu thay đổi.")
    expect(second.locator("#facts")).to_contain_text("Sony VPL")
