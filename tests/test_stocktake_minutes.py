"""Stocktake minutes (PDF) and result lists (XLSX) through the API and the page, on the
real database: every line and count of the API's results is in both documents, the footer
carries the content hash and the unit's chain head as the count closed, and only a closed
stocktake of one's scope has them."""

from __future__ import annotations

import csv
import io
import re
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdfium2 as pdfium
import pytest
from litestar.testing import TestClient
from python_calamine import CalamineWorkbook

from inventory.app import create_app
from inventory.clock import VIETNAM
from inventory.documents.formats import money
from inventory.stocktakes.minutes import GROUPS, OUTCOMES
from tests.world import PASSWORD, World

PATH = "/api/v1/stocktakes"
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
INJECTED = '=HYPERLINK("http://evil.example","Bấm")'


def _scan(tag: str, room_id: int, **more: Any) -> dict[str, Any]:
    seen = datetime.now(UTC) - timedelta(minutes=5)
    return {"id": str(uuid.uuid4()), "tag": tag, "room_id": room_id, "seen_at": seen.isoformat()}


@pytest.fixture(scope="module")
def closed(world: World) -> dict[str, Any]:
    """A closed stocktake of unit A with every outcome and all three groups, counted by
    two people; its id, assets, and the API's results (every line)."""
    officer = world.officer_a
    site = world.create(
        "/api/v1/sites", holder_unit_id=world.units["A"], name=f"Trụ sở {secrets.token_hex(3)}"
    )["id"]
    hall = world.create("/api/v1/rooms", site_id=site, name="Phòng Kế toán")["id"]
    store = world.create("/api/v1/rooms", site_id=site, name="Kho lưu trữ")["id"]

    def asset(name: str, room: int, **more: Any) -> dict[str, Any]:
        return world.create(
            "/api/v1/assets",
            name=name,
            category_id=world.categories["BG"],
            holder_unit_id=world.units["A"],
            room_id=room,
            **more,
        )

    assets = {
        "desk": asset("Bàn làm việc gỗ lim", hall, original_cost=12_500_000),
        "pc": asset("Máy vi tính để bàn", hall, original_cost=15_990_000),
        "cabinet": asset("Tủ hồ sơ sắt", store, original_cost=4_200_000),  # seen in the hall
        "fan": asset("Quạt đứng", store, original_cost=850_000),  # not seen
        "chairs": asset("Ghế nhựa", store, quantity=20, unit_of_measure="chiếc"),  # lot: 18
        "found": asset("Máy in dư", hall, ownership="surplus", original_cost=3_000_000),
        "lent": asset("Máy chiếu mượn", store, ownership="not_own"),  # missing
        "evil": asset(INJECTED, hall, original_cost=1),
    }
    blank = world.create("/api/v1/tags/batches", unit_id=world.units["A"], size=1)["tags"][0][
        "code"
    ]
    opened = officer.post(
        PATH, json={"unit_id": world.units["A"], "site_id": site, "name": "Kiểm kê cuối năm"}
    )
    assert opened.status_code == 201, opened.text
    sid = opened.json()["id"]
    a = assets
    by_officer = [
        _scan(a["desk"]["tag"], hall),
        _scan(a["pc"]["tag"], hall),
        _scan(a["cabinet"]["tag"], hall),
        {**_scan(a["chairs"]["tag"], store), "quantity": 18},
        _scan(a["evil"]["tag"], hall),
        _scan("TB-TEST", hall),  # unit B's asset
        _scan("XX-9999999", store),
    ]
    by_admin = [_scan(a["found"]["tag"], hall), _scan(a["pc"]["tag"], hall), _scan(blank, store)]
    for login, scans in (("officer_a", by_officer), ("admin", by_admin)):
        sent = world.callers[login].post(f"{PATH}/{sid}/scans", json={"scans": scans})
        assert sent.status_code == 200, sent.text
    assert officer.post(f"{PATH}/{sid}/close").status_code == 200
    results = officer.get(f"{PATH}/{sid}/results", params={"limit": 200}).json()
    assert results["next_cursor"] is None
    return {"id": sid, "assets": assets, "results": results}


def _pdf_text(pdf: bytes) -> str:
    pages = [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]
    return "\n".join(pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _bare(text: str) -> str:
    """Without any whitespace: a long cell wraps wherever its line is full."""
    return re.sub(r"\s+", "", text)


def test_the_minutes_list_every_line_and_count_of_the_results(
    world: World, closed: dict[str, Any]
) -> None:
    response = world.officer_a.get(f"{PATH}/{closed['id']}/minutes.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    text = _pdf_text(response.content)
    flat = _flat(text)
    results = closed["results"]

    assert "BIÊN BẢN KIỂM KÊ TÀI SẢN" in text and "Kiểm kê cuối năm" in text
    unit = world.admin.get(f"/api/v1/units/{world.units['A']}").json()
    assert unit["name"].upper() in text and f"Đơn vị: {unit['name']} (mã {unit['code']})" in flat
    assert "Officer A (7 lần quét)" in flat and "Admin (3 lần quét)" in flat
    for outcome, label in OUTCOMES.items():
        assert f"{label} {results['counts'][outcome]}" in flat, label
    groups = results["groups"]
    for i, (key, label) in enumerate(GROUPS.items(), start=1):
        g = groups[key]
        numbers = " ".join(str(g[k]) for k in ("found", "found_quantity", "missing"))
        assert f"{i}. {label} {numbers} {g['missing_quantity']}" in flat, key

    # Every line of the results, assets by tag and name, other tags by code.
    for item in results["items"]:
        assert item["tag"] in text, item
        if item["asset_id"] is not None:
            assert _bare(item["name"]) in _bare(text), item
    # A lot counted short, the misplaced cabinet's two rooms, money the Vietnamese way.
    a = closed["assets"]
    assert f"{a['chairs']['tag']} Ghế nhựa chiếc 20 18" in flat
    assert f"{a['cabinet']['tag']} Tủ hồ sơ sắt cái 1 1 {money(4_200_000)} Kho lưu trữ" in flat
    assert money(15_990_000) == "15.990.000" and "15.990.000" in flat
    assert _bare(INJECTED) in _bare(text)  # user text printed as typed
    for role in ("Người lập", "Người kiểm kê", "Thủ trưởng đơn vị"):
        assert role in text


def test_the_minutes_footer_carries_the_content_hash_and_the_chain_head(
    world: World, closed: dict[str, Any]
) -> None:
    sid = closed["id"]
    first = world.officer_a.get(f"{PATH}/{sid}/minutes.pdf").content
    again = world.auditor.get(f"{PATH}/{sid}/minutes.pdf").content  # readers too
    assert first == again  # same results, same bytes
    document = pdfium.PdfDocument(first)
    digest = document.get_metadata_dict()["Keywords"].removeprefix("sha256:")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    history = world.officer_a.get(f"{PATH}/{sid}/history").json()["items"]
    close = next(e for e in history if e["action"] == "close")
    pages = [_flat(page.get_textpage().get_text_range()) for page in document]
    for n, page in enumerate(pages, start=1):
        assert f"Trang {n}/{len(pages)}" in page
        assert digest in page.replace(" ", "")
        head = f"chuỗi {close['chain']}, sự kiện số {close['seq']}, {close['hash']}"
        assert head.replace(" ", "") in page.replace(" ", ""), page[-400:]


def test_the_result_lists_read_back_as_the_api_gives_them(
    world: World, closed: dict[str, Any]
) -> None:
    response = world.leader_a.get(f"{PATH}/{closed['id']}/results.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["Tổng hợp", *OUTCOMES.values()]
    results = closed["results"]

    summary = dict(book.get_sheet_by_name("Tổng hợp").to_python()[1:])
    for outcome, label in OUTCOMES.items():
        assert summary[label] == results["counts"][outcome]
    for key, label in GROUPS.items():
        assert summary[f"{label}: thiếu (số lượng)"] == results["groups"][key]["missing_quantity"]

    for outcome, label in OUTCOMES.items():
        rows = book.get_sheet_by_name(label).to_python()
        items = [i for i in results["items"] if i["outcome"] == outcome]
        assert len(rows) - 1 == len(items) == results["counts"][outcome]
        assert sorted(r[0] for r in rows[1:]) == sorted(i["tag"] for i in items)
        if outcome in ("in_place", "misplaced", "missing"):
            header = rows[0]
            for row in rows[1:]:
                item = next(i for i in items if i["tag"] == row[0])
                line = dict(zip(header, row, strict=True))
                assert line["Tên tài sản"] == item["name"]  # the injected one stays text
                assert line["SL sổ"] == item["quantity"]  # a number
                seen = line["Lần thấy cuối"]
                if item["seen_at"] is None:
                    assert seen == ""
                else:  # a real date, in Vietnam's time (to the millisecond Excel keeps)
                    local = datetime.fromisoformat(item["seen_at"]).astimezone(VIETNAM)
                    assert isinstance(seen, datetime)
                    assert abs(seen - local.replace(tzinfo=None)) < timedelta(milliseconds=1)
    chairs = next(
        r for r in book.get_sheet_by_name("Đúng vị trí").to_python() if r[1] == "Ghế nhựa"
    )
    assert (chairs[4], chairs[5]) == (20, 18)


def test_the_result_csv_lists_every_asset_with_its_outcome(
    world: World, closed: dict[str, Any]
) -> None:
    response = world.leader_a.get(f"{PATH}/{closed['id']}/results.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    header, lines = rows[0], rows[1:]
    assert header[:3] == ["Kết quả", "Mã thẻ", "Tên tài sản"]
    results = closed["results"]
    assets = [i for i in results["items"] if i["outcome"] in ("in_place", "misplaced", "missing")]
    assert sorted((r[0], r[1]) for r in lines) == sorted(
        (OUTCOMES[i["outcome"]], i["tag"]) for i in assets
    )
    for line in lines:
        item = next(i for i in assets if i["tag"] == line[1])
        name = item["name"]
        assert line[2] == ("'" + name if name[:1] in "=+-@\t\r" else name)


def test_only_a_closed_stocktake_of_ones_scope_has_documents(
    world: World, closed: dict[str, Any]
) -> None:
    for suffix in ("minutes.pdf", "results.xlsx", "results.csv"):
        other = world.callers["officer_b"].get(f"{PATH}/{closed['id']}/{suffix}")
        assert other.status_code == 404
        assert other.headers["content-type"] == "application/problem+json"
    opened = world.officer_a.post(
        PATH, json={"unit_id": world.units["A"], "site_id": world.sites["A"]}
    ).json()
    for suffix in ("minutes.pdf", "results.xlsx", "results.csv"):
        answer = world.officer_a.get(f"{PATH}/{opened['id']}/{suffix}")
        assert answer.status_code == 409
        problem = answer.json()
        assert problem["status"] == 409 and problem["field"] == "status"
        assert "open" in problem["detail"]
    assert world.officer_a.post(f"{PATH}/{opened['id']}/cancel").status_code == 200
    cancelled = world.officer_a.get(f"{PATH}/{opened['id']}/minutes.pdf")
    assert cancelled.status_code == 409 and "cancelled" in cancelled.json()["detail"]


def _signed_in(settings, login: str) -> TestClient:
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    client.__enter__()
    token = _CSRF.search(client.get("/login").text).group(1)
    signed = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    return client


@pytest.fixture(scope="module")
def pages(settings) -> Iterator[dict[str, TestClient]]:
    clients = {
        login: _signed_in(settings, login) for login in ("officer_a", "leader_a", "officer_b")
    }
    try:
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def test_the_pages_link_a_closed_stocktakes_documents(
    world: World, closed: dict[str, Any], pages: dict[str, TestClient]
) -> None:
    sid = closed["id"]
    links = (f'href="/stocktakes/{sid}/minutes.pdf"', f'href="/stocktakes/{sid}/results.xlsx"')
    page = pages["officer_a"]
    for html in (page.get(f"/stocktakes/{sid}").text, page.get("/stocktakes").text):
        assert all(link in html for link in links)
    # A reader of the unit finds them in the list (the counting page is not theirs).
    reader = pages["leader_a"]
    assert all(link in reader.get("/stocktakes").text for link in links)
    assert reader.get(f"/stocktakes/{sid}").status_code == 403
    pdf = reader.get(f"/stocktakes/{sid}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == world.officer_a.get(f"{PATH}/{sid}/minutes.pdf").content
    xlsx = page.get(f"/stocktakes/{sid}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    # Another unit's officer: not listed, not found (a page in the user's language).
    other = pages["officer_b"]
    assert not any(link in other.get("/stocktakes").text for link in links)
    hidden = other.get(f"/stocktakes/{sid}/minutes.pdf")
    assert hidden.status_code == 404 and "text/html" in hidden.headers["content-type"]

    opened = world.officer_a.post(
        PATH, json={"unit_id": world.units["A"], "site_id": world.sites["A"]}
    ).json()
    assert "minutes.pdf" not in page.get(f"/stocktakes/{opened['id']}").text
    refused = page.get(f"/stocktakes/{opened['id']}/minutes.pdf")
    assert refused.status_code == 409 and "text/html" in refused.headers["content-type"]
    assert world.officer_a.post(f"{PATH}/{opened['id']}/cancel").status_code == 200
