"""List exports: every list as XLSX and CSV, read back and compared with the list API
(same filters, search, sort and scope), numbers and dates as such, formulas neutralised."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from inventory.documents.words import EN, VI
from tests.world import World


def _xlsx(content: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def _csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _list_ids(caller, path: str, params: dict[str, Any]) -> list[int]:
    ids, cursor = [], None
    while True:
        page = caller.get(
            path, params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
        )
        assert page.status_code == 200, page.text
        ids += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return ids


def _export(caller, path: str, kind: str, params: dict[str, Any]) -> list[list[Any]]:
    response = caller.get(f"{path}/export.{kind}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment;")
    return _xlsx(response.content) if kind == "xlsx" else _csv(response.content)


LISTS = {
    "/api/v1/assets": lambda w: {"holder_unit_id": w.units["A"], "sort": "-original_cost"},
    "/api/v1/sites": lambda w: {"holder_unit_id": w.units["A"]},
    "/api/v1/rooms": lambda w: {"holder_unit_id": w.units["A"], "sort": "-id"},
    "/api/v1/handovers": lambda w: {"giving_unit_id": w.units["A"]},
}


@pytest.fixture(scope="module")
def exported(world: World) -> World:
    """Assets of A with a risky name, money and a search word, a room, a handover."""
    for name, cost in (('=HYPERLINK("http://x")', 1_234_567), ("Máy in Canon", 4_500_000)):
        world.create(
            "/api/v1/assets",
            name=name,
            category_id=world.categories["MT"],
            holder_unit_id=world.units["A"],
            original_cost=cost,
            acquisition_year=2022,
            serial=f"EXP-{cost}",
        )
    world.create("/api/v1/rooms", site_id=world.sites["A"], name="Kho xuất khẩu")
    world.create(
        "/api/v1/handovers",
        kind="reallocation",
        decision={"number": "12/QĐ-UBND", "date": "2026-11-02", "issuer": "UBND tỉnh"},
        receiving_unit_id=world.units["B"],
        giving_unit_id=world.units["A"],
    )
    return world


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("path", list(LISTS))
def test_an_export_holds_the_list_rows_in_the_list_order(
    exported: World, path: str, kind: str
) -> None:
    params = LISTS[path](exported)
    caller = exported.officer_a
    rows = _export(caller, path, kind, params)
    assert rows[0][0] == "Mã hệ thống"
    ids = [int(float(row[0])) for row in rows[1:]]
    assert ids and ids == _list_ids(caller, path, params)


@pytest.mark.parametrize("path", list(LISTS))
def test_another_units_rows_are_not_exported(exported: World, path: str) -> None:
    rows = _export(exported.officer_b, path, "csv", LISTS[path](exported))
    assert rows[1:] == [] or path == "/api/v1/handovers"  # B receives A's handover
    everything = _export(exported.officer_b, path, "xlsx", {})
    assert [int(r[0]) for r in everything[1:]] == _list_ids(exported.officer_b, path, {})


def test_asset_values_are_typed_and_formulas_neutralised(exported: World) -> None:
    params = {"holder_unit_id": exported.units["A"], "q": "EXP"}
    xlsx = _export(exported.admin, "/api/v1/assets", "xlsx", params)
    head = xlsx[0]
    by_name = {row[head.index("Tên tài sản")]: row for row in xlsx[1:]}
    risky = by_name['=HYPERLINK("http://x")']  # text, not a formula
    assert risky[head.index("Nguyên giá (đồng)")] == 1_234_567.0
    listed = exported.admin.get("/api/v1/assets", params=params).json()["items"]
    api = {item["name"]: item for item in listed}
    assert set(by_name) == set(api)
    for name, row in by_name.items():
        assert row[head.index("Giá trị còn lại (đồng)")] == api[name]["remaining_value"]
        assert row[head.index("Năm sử dụng")] == 2022
        assert row[head.index("Mã tài sản")] == api[name]["tag"]
    rows = _export(exported.admin, "/api/v1/assets", "csv", params)
    names = [row[rows[0].index("Tên tài sản")] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names and "Máy in Canon" in names


def test_handover_dates_are_dates(exported: World) -> None:
    xlsx = _export(
        exported.admin, "/api/v1/handovers", "xlsx", {"giving_unit_id": exported.units["A"]}
    )
    head = xlsx[0]
    dates = [row[head.index("Ngày quyết định")] for row in xlsx[1:]]
    assert any(getattr(d, "year", None) == 2026 for d in dates), dates
    assert all(not isinstance(d, str) for d in dates)


def test_a_bad_sort_or_filter_is_a_problem_and_roles_are_checked(exported: World, client) -> None:
    bad = exported.admin.get("/api/v1/assets/export.xlsx", params={"sort": "secret"})
    assert bad.status_code == 400
    wrong = exported.admin.get("/api/v1/sites/export.csv", params={"status": "nope"})
    assert wrong.status_code == 400 and wrong.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert client.get("/api/v1/assets/export.csv").status_code == 401


def test_the_needs_export_ranks_the_communes_as_the_api(exported: World) -> None:
    overview = exported.leader.get("/api/v1/needs").json()
    for kind in ("xlsx", "csv"):
        response = exported.leader.get(f"/api/v1/needs/export.{kind}")
        assert response.status_code == 200, response.text
        rows = _xlsx(response.content) if kind == "xlsx" else _csv(response.content)
        assert rows[0][:2] == ["Mã đơn vị", "Tên đơn vị"]
        assert [r[0] for r in rows[1:]] == [c["unit"]["code"] for c in overview["communes"]]
        if kind == "xlsx":
            costs = [r[11] for r in rows[1:]]
            assert costs == [c["equipment_cost"] for c in overview["communes"]]
    items = (
        CalamineWorkbook.from_filelike(
            io.BytesIO(exported.leader.get("/api/v1/needs/export.xlsx").content)
        )
        .get_sheet_by_name("Thiết bị thiếu")
        .to_python()
    )
    assert [r[0] for r in items[1:]] == [i["item"] for i in overview["items"]]
    mine = exported.leader_a.get("/api/v1/needs/export.csv")
    assert [r[0] for r in _csv(mine.content)[1:]] == [
        c["unit"]["code"] for c in exported.leader_a.get("/api/v1/needs").json()["communes"]
    ]


# A coded column of each list, and the words its codes export as (Vietnamese, English).
CODED = {
    "/api/v1/assets": ("Trạng thái", "Status", {"Đang sử dụng": "In use"}),
    "/api/v1/sites": ("Vai trò", "Role", {"Trụ sở chính": "Main headquarters"}),
    "/api/v1/rooms": ("Công năng", "Purpose", {"Phòng làm việc": "Office"}),
    "/api/v1/handovers": ("Loại", "Kind", {"Điều chuyển": "Reallocation"}),
}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("path", list(CODED))
def test_coded_values_are_words_in_the_language_asked(
    exported: World, path: str, kind: str
) -> None:
    vi_title, en_title, words = CODED[path]
    params = LISTS[path](exported)
    vi = _export(exported.officer_a, path, kind, params)
    en = _export(exported.officer_a, path, kind, {**params, "lang": "en"})
    assert len(vi) == len(en) > 1
    shown_vi = {row[vi[0].index(vi_title)] for row in vi[1:]}
    shown_en = {row[en[0].index(en_title)] for row in en[1:]}
    for vi_word, en_word in words.items():
        assert vi_word in shown_vi and en_word in shown_en, (shown_vi, shown_en)
    # No code is left: every value of the column is a word.
    assert shown_vi <= {*VI.values(), ""} and shown_en <= {*EN.values(), ""}
    assert [r[0] for r in vi[1:]] == [r[0] for r in en[1:]]


def test_asset_words_cover_condition_and_ownership(exported: World) -> None:
    params = {"holder_unit_id": exported.units["A"], "q": "EXP"}
    rows = _export(exported.admin, "/api/v1/assets", "xlsx", params)
    head = rows[0]
    assert {r[head.index("Tình trạng")] for r in rows[1:]} == {"Tốt"}
    assert {r[head.index("Sở hữu")] for r in rows[1:]} == {"Của đơn vị"}
    english = _export(exported.admin, "/api/v1/assets", "csv", {**params, "lang": "en"})
    assert english[0][:3] == ["System id", "Tag", "Asset name"]
    assert {r[english[0].index("Condition")] for r in english[1:]} == {"Good"}
    bad = exported.admin.get("/api/v1/assets/export.csv", params={"lang": "fr"})
    assert bad.status_code == 400
