"""The books through the API and the pages: an asset's card (JSON and PDF) and a unit's
yearly report of fixed assets increased and decreased (JSON, page, PDF, XLSX, one set of
numbers), replayed from history; another unit's asset or unit answers 404.

Two fresh communes X and Y. X holds, this year: a computer registered (20,000,000 đ, in
use since 2022), four chairs registered (5,000,000 đ), a computer registered then disposed
of, a car registered then handed over to Y, a desk registered by mistake and deleted, and
a cabinet whose row predates the history (made last year, 3,000,000 đ).
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pytest
from litestar.testing import TestClient
from python_calamine import CalamineWorkbook

from inventory.app import create_app
from inventory.clock import this_year
from inventory.documents.formats import money
from tests.world import PASSWORD, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
YEAR = this_year()


def _pdf_text(content: bytes) -> str:
    """The PDF's text with every run of white space one space (cells wrap their lines)."""
    pages = (p.get_textpage().get_text_range() for p in pdfium.PdfDocument(content))
    return " ".join(" ".join(pages).split())


def _sheet(content: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


@pytest.fixture(scope="module")
def books(world: World, database_url: str) -> dict[str, Any]:
    from tests.conftest import run_sql

    token = secrets.token_hex(3)
    x, y = (
        world.create(
            "/api/v1/units",
            code=f"K{token}{n}",
            name=name,
            kind="commune",
            parent_id=world.units["P"],
        )["id"]
        for n, name in (("x", "Xã Ia Kriêng"), ("y", "Xã Ia Tul"))
    )
    cats = world.categories

    def asset(name: str, category: str, cost: int, **extra: Any) -> dict[str, Any]:
        return world.create(
            "/api/v1/assets",
            name=name,
            category_id=cats[category],
            holder_unit_id=x,
            original_cost=cost,
            **extra,
        )

    computer = asset("Máy tính Đông Nam Á", "MT", 20_000_000, acquisition_year=2022)
    chairs = asset("Ghế xoay", "BG", 5_000_000, quantity=4, acquisition_year=YEAR)
    old = asset("Máy tính cũ", "MT", 12_000_000, acquisition_year=2015)
    car = asset("Xe ô tô 7 chỗ", "OTO", 800_000_000, acquisition_year=2020)
    desk = asset("Bàn nhập nhầm", "BG", 1_000_000)
    admin = world.admin
    # Disposed of: proposed, then the admin's decision.
    path = f"/api/v1/assets/{old['id']}"
    assert admin.patch(path, json={"status": "to_dispose"}, headers={"If-Match": "*"}).is_success
    assert admin.patch(path, json={"status": "disposed"}, headers={"If-Match": "*"}).is_success
    deleted = admin.delete(f"/api/v1/assets/{desk['id']}", headers={"If-Match": "*"})
    assert deleted.status_code == 204, deleted.text
    # The car goes to Y by a completed handover.
    made = admin.post(
        "/api/v1/handovers",
        json={
            "kind": "reallocation",
            "decision": {"number": f"{token}/QĐ-UBND", "date": f"{YEAR}-01-05", "issuer": "UBND"},
            "giving_unit_id": x,
            "receiving_unit_id": y,
            "items": {"asset_ids": [car["id"]]},
        },
    )
    assert made.status_code == 201, made.text
    hid = made.json()["id"]
    assert admin.post(f"/api/v1/handovers/{hid}/submit").status_code == 200
    got = admin.post(
        f"/api/v1/handovers/{hid}/receipts", json={"status": "received", "tags": [car["tag"]]}
    )
    assert got.status_code == 200, got.text
    for side in ("giver", "receiver"):
        signed = admin.post(f"/api/v1/handovers/{hid}/sign", json={"name": "A", "side": side})
        assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "completed"
    # A row from before the registry kept history: made last year, no event.
    cabinet = run_sql(
        database_url,
        "INSERT INTO assets (name, category_id, holder_unit_id, original_cost, acquisition_year,"
        " created_at) VALUES ('Tủ hồ sơ', $1, $2, 3000000, $3, now() - interval '1 year')"
        " RETURNING id",
        cats["BG"],
        x,
        YEAR - 1,
    )[0]["id"]
    return {
        "x": x,
        "y": y,
        "computer": computer,
        "chairs": chairs,
        "old": old,
        "car": car,
        "cabinet": cabinet,
        "decision": f"{token}/QĐ-UBND",
    }


def _report(caller, unit: int, year: int = YEAR) -> dict[str, Any]:
    got = caller.get(f"/api/v1/units/{unit}/asset-changes", params={"year": year})
    assert got.status_code == 200, got.text
    return got.json()


def _line(report: dict[str, Any], group: str, category: bool = True) -> dict[str, Any]:
    return next(
        line
        for line in report["lines"]
        if line["group"] == group and (line["category_id"] is not None) == category
    )


PHASES = ("opening", "registered", "received", "handed_over", "written_off", "closing")


def _figures(line: dict[str, Any]) -> list[int]:
    values = [v for p in PHASES for v in (line[p]["quantity"], line[p]["original_cost"])]
    return [*values, line["wear"], line["remaining"]]


def test_a_units_year_is_replayed_from_its_history(world: World, books: dict[str, Any]) -> None:
    report = _report(world.auditor, books["x"])
    assert report["unit_name"] == "Xã Ia Kriêng" and report["year"] == YEAR
    # Every line adds up.
    for line in report["lines"]:
        for kind in ("quantity", "original_cost"):
            moved = (
                line["opening"][kind]
                + line["registered"][kind]
                + line["received"][kind]
                - line["handed_over"][kind]
                - line["written_off"][kind]
            )
            assert moved == line["closing"][kind], line
    computers = _line(report, "C")
    assert computers["registered"] == {"quantity": 2, "original_cost": 32_000_000}
    assert computers["written_off"] == {"quantity": 1, "original_cost": 12_000_000}
    assert computers["closing"] == {"quantity": 1, "original_cost": 20_000_000}
    # The year's wear and the value left are the registry's: 14.29% a year since 2022.
    asset = world.admin.get(f"/api/v1/assets/{books['computer']['id']}").json()
    assert computers["remaining"] == asset["remaining_value"] == 20_000_000 - 4 * 2_858_000
    assert computers["wear"] == 2_858_000
    furniture = _line(report, "D")
    assert furniture["opening"] == {"quantity": 1, "original_cost": 3_000_000}  # the old row
    assert furniture["registered"] == {"quantity": 5, "original_cost": 6_000_000}
    assert furniture["written_off"] == {"quantity": 1, "original_cost": 1_000_000}  # deleted
    assert furniture["closing"] == {"quantity": 5, "original_cost": 8_000_000}
    cars = _line(report, "B")
    assert cars["registered"] == cars["handed_over"] == {"quantity": 1, "original_cost": 8e8}
    assert cars["closing"]["quantity"] == 0
    total = report["lines"][-1]
    assert total["group"] == "" and total["category_id"] is None
    assert total["closing"] == {"quantity": 6, "original_cost": 28_000_000}
    # The receiver's books show the car received, the giver's last year only the old row.
    other = _report(world.auditor, books["y"])
    assert _line(other, "B")["received"] == {"quantity": 1, "original_cost": 800_000_000}
    assert _line(other, "B")["closing"] == {"quantity": 1, "original_cost": 800_000_000}
    last = _report(world.auditor, books["x"], YEAR - 1)
    assert [(line["group"], line["category_id"] is None) for line in last["lines"]] == [
        ("D", False),
        ("D", True),
        ("", True),
    ]
    assert _line(last, "D")["registered"] == {"quantity": 1, "original_cost": 3_000_000}
    assert _line(last, "D")["opening"]["quantity"] == 0


def test_the_pdf_and_xlsx_hold_the_apis_numbers(world: World, books: dict[str, Any]) -> None:
    report = _report(world.leader, books["x"])
    base = f"/api/v1/units/{books['x']}/asset-changes"
    xlsx = world.leader.get(f"{base}.xlsx", params={"year": YEAR})
    assert xlsx.status_code == 200 and xlsx.headers["content-disposition"].startswith("attach")
    rows = _sheet(xlsx.content)
    assert rows[0][:3] == ["Nhóm", "Loại tài sản", "Đầu năm: số lượng"]
    assert [r[2:] for r in rows[1:]] == [_figures(line) for line in report["lines"]]
    assert [r[1] for r in rows[1:]] == [line["name"] for line in report["lines"]]
    pdf = world.leader.get(f"{base}.pdf", params={"year": YEAR})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "TÌNH HÌNH TĂNG, GIẢM TÀI SẢN" in text and "Xã Ia Kriêng" in text
    for line in report["lines"]:
        assert line["name"] in text
        for value in _figures(line):
            assert money(value) in text
    assert world.leader.get(base, params={"year": 1800}).status_code == 400


def test_the_card_has_the_identity_wear_and_changes(world: World, books: dict[str, Any]) -> None:
    car = world.callers["admin"].get(f"/api/v1/assets/{books['car']['id']}/card")
    assert car.status_code == 200, car.text
    card = car.json()
    assert card["unit_name"] == "Xã Ia Tul" and card["tag"] == books["car"]["tag"]
    assert card["original_cost"] == 800_000_000 and card["year_in_use"] == 2020
    assert [w["year"] for w in card["wear"]] == list(range(2020, YEAR + 1))
    assert card["wear"][0]["wear"] == 0 and card["wear"][1]["wear"] == 53_360_000
    assert card["wear"][-1]["remaining"] == card["remaining_value"]
    assert [c["action"] for c in card["changes"]] == ["create", "handover"]
    handover = card["changes"][-1]
    assert books["decision"] in handover["document"]
    assert "Xã Ia Kriêng" in handover["text"] and "Xã Ia Tul" in handover["text"]
    assert books["decision"] in card["basis"]
    old = world.admin.get(f"/api/v1/assets/{books['old']['id']}/card").json()
    assert old["decreased"].startswith("Thanh lý")
    pdf = world.admin.get(f"/api/v1/assets/{books['car']['id']}/card.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    for shown in ("THẺ TÀI SẢN CỐ ĐỊNH", "Xe ô tô 7 chỗ", money(800_000_000), books["decision"]):
        assert shown in text, shown
    assert money(card["wear"][-1]["remaining"]) in text


def test_another_units_asset_or_unit_is_not_found(world: World) -> None:
    theirs = world.assets["B"]
    for path in (f"/api/v1/assets/{theirs}/card", f"/api/v1/assets/{theirs}/card.pdf"):
        assert world.officer_a.get(path).status_code == 404
        assert world.officer_b.get(path).status_code == 200
    for suffix in ("", ".pdf", ".xlsx"):
        path = f"/api/v1/units/{world.units['B']}/asset-changes{suffix}"
        refused = world.officer_a.get(path)
        assert refused.status_code == 404
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert world.leader_a.get(path).status_code == 404
        assert world.officer_b.get(path).status_code == 200


@pytest.fixture(scope="module")
def pages(settings) -> Iterator[dict[str, TestClient]]:
    clients = {}
    try:
        for login in ("auditor", "officer_a", "officer_b"):
            page = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
            page.__enter__()
            clients[login] = page
            token = _CSRF.search(page.get("/login").text).group(1)
            page.post(
                "/login",
                data={"login": login, "password": PASSWORD, "_csrf_token": token},
                follow_redirects=False,
            )
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def test_the_page_shows_the_apis_numbers(
    world: World, books: dict[str, Any], pages: dict[str, TestClient]
) -> None:
    report = _report(world.auditor, books["x"])
    shown = pages["auditor"].get(
        "/reports/asset-changes", params={"unit_id": books["x"], "year": YEAR}
    )
    assert shown.status_code == 200, shown.text[:300]
    html = shown.text
    assert "Báo cáo tình hình tăng, giảm tài sản cố định" in html
    rows = re.findall(r'<tr[^>]*data-group="([A-D]?)"[^>]*>(.*?)</tr>', html, re.S)
    assert len(rows) == len(report["lines"])
    for (group, cells), line in zip(rows, report["lines"], strict=True):
        numbers = re.findall(r'<td class="n">([\d.]+)</td>', cells)
        assert group == line["group"]
        assert [int(n.replace(".", "")) for n in numbers] == _figures(line)
    query = {"unit_id": books["x"], "year": YEAR}
    pdf = pages["auditor"].get("/reports/asset-changes.pdf", params=query)
    assert pdf.headers["content-type"] == "application/pdf"
    xlsx = pages["auditor"].get("/reports/asset-changes.xlsx", params=query)
    assert [r[2:] for r in _sheet(xlsx.content)[1:]] == [_figures(x) for x in report["lines"]]
    english = pages["auditor"].get("/reports/asset-changes", params={**query, "lang": "en"}).text
    assert "Fixed assets increased and decreased" in english and "At the start" in english


def test_pages_keep_to_the_scope(world: World, pages: dict[str, TestClient]) -> None:
    mine = pages["officer_a"].get("/reports/asset-changes")  # one's own unit by default
    assert mine.status_code == 200 and "Xã Ia Rbol" in mine.text
    theirs = pages["officer_a"].get("/reports/asset-changes", params={"unit_id": world.units["B"]})
    assert theirs.status_code == 404 and "text/html" in theirs.headers["content-type"]
    card = pages["officer_a"].get(f"/assets/{world.assets['B']}/card.pdf")
    assert card.status_code == 404 and "text/html" in card.headers["content-type"]
    own = pages["officer_b"].get(f"/assets/{world.assets['B']}/card.pdf")
    assert own.status_code == 200 and own.headers["content-type"] == "application/pdf"
    page = pages["officer_b"].get(f"/assets/{world.assets['B']}")
    assert f'href="/assets/{world.assets["B"]}/card.pdf"' in page.text
