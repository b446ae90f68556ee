"""The books in a real browser at 1366×768: an officer opens the yearly increases and
decreases from the navigation, picks last year and shows it, downloads its PDF and XLSX,
then downloads an asset's card from the asset's page."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
from playwright.sync_api import Page, expect

from inventory.clock import this_year
from inventory.web.i18n import VI
from tests.world import PASSWORD, World


def test_an_officer_reads_the_year_and_prints_a_card(desk: Page, world: World) -> None:
    desk.goto("/login?next=/")
    desk.get_by_label("Tên đăng nhập").fill("officer_a")
    desk.get_by_label("Mật khẩu").fill(PASSWORD)
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.locator("nav.desk").get_by_role("link", name=VI["lg_nav"], exact=True).click()
    expect(desk.get_by_role("heading", name=VI["lg_title"])).to_be_visible()
    expect(desk.locator("#changes tr.total").last).to_contain_text(VI["lg_total"])
    desk.get_by_label(VI["lg_year"]).select_option(str(this_year() - 1))
    desk.get_by_role("button", name=VI["lg_show"]).click()
    expect(desk).to_have_url(re.compile(rf"year={this_year() - 1}"))
    for kind in ("PDF", "XLSX"):
        with desk.expect_download() as download:
            desk.get_by_role("link", name=kind, exact=True).click()
        name = download.value.suggested_filename
        assert name.startswith("tang-giam-tai-san-") and name.endswith(
            f"-{this_year() - 1}.{kind.lower()}"
        )
    desk.goto(f"/assets/{world.assets['A']}")
    with desk.expect_download() as download:
        desk.get_by_role("link", name=VI["lg_card_pdf"]).click()
    pdf = pdfium.PdfDocument(download.value.path())
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "THẺ TÀI SẢN CỐ ĐỊNH" in text and "SN-A-001" in text
