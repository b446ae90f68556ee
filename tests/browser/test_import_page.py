"""The import page in a real browser at 1366×768, with a job worker: an officer sends a
list with problems and reads them by row and column, sends the fixed list, checks it,
imports it from the check, and imports it again to find nothing added twice."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from tests.browser.test_desk_forms import _sign_in_by_keyboard
from tests.test_import_page import _csv
from tests.test_jobs import WorkerThread
from tests.world import World


def _choose(page: Page, content: bytes) -> None:
    page.get_by_label("Tệp danh sách").set_input_files(
        {"name": "tai-san.csv", "mimeType": "text/csv", "buffer": content}
    )


def test_an_officer_imports_a_list_with_errors_fixed_then_twice(
    desk: Page, world: World, database_url: str
) -> None:
    page = desk
    mark = f"BR{secrets.token_hex(3)}"
    with WorkerThread(database_url):
        _sign_in_by_keyboard(page, "officer_a", "/assets")
        page.get_by_role("link", name="Nhập từ tệp").click()
        expect(page.get_by_role("heading", name="Nhập danh sách tài sản")).to_be_visible()

        _choose(page, _csv(mark, broken=True))
        page.get_by_role("button", name="Kiểm tra tệp").click()
        outcome = page.locator("#import-outcome")
        expect(outcome).to_have_text("Tệp có 2 lỗi: chưa thêm tài sản nào.", timeout=30_000)
        rows = page.locator("#problems tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("So luong")
        expect(rows.nth(1)).to_contain_text("Loai tai san")

        page.get_by_role("link", name="Gửi tệp đã sửa").click()
        _choose(page, _csv(mark, broken=False))
        page.get_by_role("button", name="Kiểm tra tệp").click()
        expect(outcome).to_contain_text("3 tài sản sẽ được thêm", timeout=30_000)
        page.get_by_role("button", name="Nhập 3 tài sản này").click()
        expect(outcome).to_have_text("Đã thêm 3 tài sản (3 dòng đọc được).", timeout=30_000)

        page.goto("/imports")
        _choose(page, _csv(mark, broken=False))
        page.get_by_role("button", name="Nhập ngay").click()
        expect(outcome).to_have_text(
            "Không có tài sản mới: cả 3 dòng đều đã có trong sổ.", timeout=30_000
        )
        expect(page.locator("#import-matched")).to_contain_text("theo số hiệu: 3")
        found = world.officer_a.get("/api/v1/assets", params={"q": mark, "limit": 10}).json()
        assert len(found["items"]) == 3
