"""Imports of asset lists: form 02's layout in XLSX and plain CSV headings without
diacritics, every problem by row and column with nothing added, all or nothing, and a
second import of the same file adding nothing twice. Through the API's job (a real
worker) and the command line."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from inventory.cli import main
from tests.test_jobs import WorkerThread
from tests.world import World

IMPORTS = "/api/v1/imports"


def form02_xlsx(rows: list[list[Any]]) -> bytes:
    """A sheet as form 02 lays out its table: title lines, the header, groups, a total."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("Danh sách")
    sheet.write(0, 0, "BIÊN BẢN BÀN GIAO, TIẾP NHẬN TÀI SẢN")
    sheet.write(1, 0, "B.1 Danh mục tài sản")
    header = [
        "STT",
        "Tên tài sản",
        "Loại tài sản",
        "Đơn vị tính",
        "Số lượng",
        "Nguyên giá (VNĐ)",
        "Giá trị còn lại (VNĐ)",
        "Số hiệu",
        "Ghi chú",
    ]
    for col, title in enumerate(header):
        sheet.write(3, col, title)
    r = 4
    for cells in rows:
        for col, value in enumerate(cells):
            if value is not None:
                sheet.write(r, col, value)
        r += 1
    sheet.write(r, 1, "Tổng cộng")
    sheet.write(r, 5, 999)
    book.close()
    return out.getvalue()


ROWS = [
    ["C", "Máy móc, thiết bị"],
    [1, "Máy tính xách tay Dell", "MT", "cái", 1, 15_600_000, 9_000_000, "DL-IMP-1"],
    [2, "Máy in Canon LBP", "Máy tính", "chiếc", 2, 4_200_000, None, None],
    ["D", "Tài sản khác"],
    [3, "Ghế xoay", "BG", "cái", 1, 850_000, None, None],
    [4, "Ghế xoay", "BG", "cái", 1, 850_000, None, None],  # a second, identical chair
]


def _post(caller, content: bytes, **params: Any):
    return caller.post(IMPORTS, params=params, content=content)


def _wait(caller, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = caller.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("the import job did not finish")


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line pointed at the test database."""
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)


def _count(sql, unit_id: int) -> int:
    return sql("SELECT count(*) FROM assets WHERE holder_unit_id = $1", unit_id)[0][0]


def test_a_form02_sheet_is_checked_then_imported_once(world: World, sql, database_url: str) -> None:
    content = form02_xlsx(ROWS)
    unit = world.units["B"]
    before = _count(sql, unit)

    def chairs() -> set[int]:  # other tests may hold chairs in unit B too
        found = world.officer_b.get(
            "/api/v1/assets", params={"holder_unit_id": unit, "q": "ghe xoay", "limit": 100}
        ).json()["items"]
        return {a["id"] for a in found if a["tag"]}

    chairs_before = chairs()
    dry = _post(world.officer_b, content, unit_id=unit, dry_run="true")
    assert dry.status_code == 202, dry.text
    with WorkerThread(database_url):
        done = _wait(world.officer_b, dry.json()["id"])
        assert done["status"] == "done", done
        report = world.officer_b.get(done["result"]["url"]).json()
        assert report["dry_run"] and not report["committed"]
        assert (report["rows"], report["added"], report["problem_count"]) == (4, 4, 0)
        assert report["header_row"] == 4 and report["columns"]["original_cost"] == (
            "Nguyên giá (VNĐ)"
        )
        assert _count(sql, unit) == before

        real = _post(world.officer_b, content, unit_id=unit)  # after: jobs run side by side
        done = _wait(world.officer_b, real.json()["id"])
        report = world.officer_b.get(done["result"]["url"]).json()
        assert report["committed"] and report["added"] == 4, report
        assert done["progress"]["done"] == done["progress"]["total"]
        assert _count(sql, unit) == before + 4

        again = _post(world.officer_b, content, unit_id=unit)
        done = _wait(world.officer_b, again.json()["id"])
        report = world.officer_b.get(done["result"]["url"]).json()
    assert report["added"] == 0 and not report["committed"]
    assert report["matched"] == {"serial": 1, "key": 3}
    assert _count(sql, unit) == before + 4

    assert len(chairs() - chairs_before) == 2  # two identical chairs, each tagged
    laptop = world.officer_b.get("/api/v1/assets", params={"q": "DL-IMP-1"}).json()["items"][0]
    assert (laptop["original_cost"], laptop["remaining_value"]) == (15_600_000, 9_000_000)
    assert laptop["category_id"] == world.categories["MT"]
    history = world.auditor.get(
        "/api/v1/history", params={"entity": "asset", "entity_id": laptop["id"]}
    ).json()["items"]
    assert [e["action"] for e in history] == ["import"]
    assert world.auditor.get("/api/v1/history/verify").json()["ok"]


BAD_CSV = (
    "Ten tai san,Loai tai san,Don vi tinh,So luong,Nguyen gia,Gia tri con lai,So hieu\r\n"
    'Bàn họp,BG,cái,2,"3.500.000",,S-1\r\n'
    "Tủ hồ sơ,BG,cái,ba,2000000,,S-2\r\n"
    "Quạt trần,Loại lạ,cái,1,500000,,S-3\r\n"
    "Điều hòa,MT,bộ,1,9000000,12000000,S-1\r\n"
)


def test_every_problem_is_named_by_row_and_column_and_nothing_is_added(
    world: World, sql, tmp_path: Path, capsys, cli
) -> None:
    file = tmp_path / "danh-sach.csv"
    file.write_text(BAD_CSV, encoding="utf-8")
    before = _count(sql, world.units["A"])
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(file), "--unit", "T24065"])
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "nothing imported: 4 problems" in out
    assert "row 3, So luong: not a whole number: 'ba'" in out
    assert "row 4, Loai tai san: no category 'Loại lạ'" in out
    assert "row 5, Gia tri con lai: cannot exceed the original cost" in out
    assert "row 5, So hieu: the same as row 2" in out
    assert _count(sql, world.units["A"]) == before

    fixed = (
        BAD_CSV.replace(",ba,", ",3,")
        .replace(",Loại lạ,", ",BG,")
        .replace("12000000,S-1", "1200000,S-4")
    )
    file.write_text(fixed, encoding="utf-8")
    main(["import", str(file), "--unit", "T24065", "--dry-run"])
    assert "dry run: 4 assets would be added" in capsys.readouterr().out
    assert _count(sql, world.units["A"]) == before
    main(["import", str(file), "--unit", "T24065"])
    captured = capsys.readouterr()
    assert "4 assets added" in captured.out and "[" in captured.err  # the progress bar
    main(["import", str(file), "--unit", "T24065"])
    assert "0 assets added; already registered: 4 by serial" in capsys.readouterr().out
    assert _count(sql, world.units["A"]) == before + 4
    cost = sql("SELECT original_cost FROM assets WHERE serial = 'S-1'")[0][0]
    assert cost == 3_500_000  # "3.500.000": dots between thousands


def test_an_export_imports_back_as_already_registered(
    world: World, tmp_path: Path, capsys, cli
) -> None:
    exported = world.officer_a.get(
        "/api/v1/assets/export.xlsx", params={"holder_unit_id": world.units["A"]}
    )
    file = tmp_path / "tai-san.xlsx"
    file.write_bytes(exported.content)
    main(["import", str(file), "--unit", "T24065", "--dry-run"])
    out = capsys.readouterr().out
    # Other tests add to unit A assets with neither tag nor serial, made through the API:
    # nothing in such a row tells it from a new asset, so only they may be added again.
    sheet = CalamineWorkbook.from_path(str(file)).get_sheet_by_index(0).to_python()
    start = next(i for i, row in enumerate(sheet) if "Mã tài sản" in row) + 1
    tagged = sum(1 for row in sheet[start:] if row[1])
    bare = sum(1 for row in sheet[start:] if not row[1] and not row[5])
    added = int(re.search(r"dry run: (\d+) assets would be added", out)[1])
    assert tagged > 0 and f"already registered: {tagged} by tag" in out
    assert added <= bare


def test_uploads_are_bounded_typed_by_content_and_scoped(world: World) -> None:
    pdf = _post(world.officer_a, b"%PDF-1.7\x00\x01binary", unit_id=world.units["A"])
    assert pdf.status_code == 415 and pdf.json()["field"] == "file"
    big = _post(world.officer_a, b"a," * (11 * 1024 * 1024), unit_id=world.units["A"])
    assert big.status_code == 413
    other = _post(world.officer_a, BAD_CSV.encode(), unit_id=world.units["B"])
    assert other.status_code == 422 and other.json()["field"] == "unit_id"
    assert _post(world.auditor, BAD_CSV.encode(), unit_id=world.units["A"]).status_code == 403
    empty = _post(world.officer_a, b"", unit_id=world.units["A"])
    assert empty.status_code == 422
    no_header = form02_xlsx([])  # a header is there: a file of no rows adds nothing
    assert _post(world.officer_a, no_header, unit_id=world.units["A"]).status_code == 202


def test_two_imports_of_one_file_at_once_add_its_rows_once(
    world: World, sql, database_url: str
) -> None:
    rows = [[1, "Máy chiếu Sony đồng thời", "MT", "cái", 1, 9_900_000, None, None]]
    content = form02_xlsx(rows)
    unit = world.units["A"]
    before = _count(sql, unit)
    first = _post(world.officer_a, content, unit_id=unit).json()["id"]
    second = _post(world.officer_a, content, unit_id=unit).json()["id"]
    with WorkerThread(database_url):
        added = [
            world.officer_a.get(_wait(world.officer_a, job)["result"]["url"]).json()["added"]
            for job in (first, second)
        ]
    assert sorted(added) == [0, 1]
    assert _count(sql, unit) == before + 1
