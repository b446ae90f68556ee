"""The import page, through a signed-in browser session and a real job worker: a file
with problems is reported by row and column and adds nothing, the fixed file is checked,
imported from its dry run and imported again adding nothing twice; refusals beside their
field; a form sent twice starts one job; who may import, and into which unit."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from tests.test_desktop_forms import _CSRF, _signed_in
from tests.test_jobs import WorkerThread
from tests.world import World

_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _csv(mark: str, *, broken: bool) -> bytes:
    """Three assets of serials of this test's own (other tests import into unit A too)."""
    count = "ba" if broken else "3"
    category = "Loại lạ" if broken else "BG"
    return (
        "Ten tai san,Loai tai san,Don vi tinh,So luong,Nguyen gia,So hieu\r\n"
        f'Bàn họp {mark},BG,cái,2,"3.500.000",{mark}-1\r\n'
        f"Tủ hồ sơ {mark},BG,cái,{count},2000000,{mark}-2\r\n"
        f"Quạt trần {mark},{category},cái,1,500000,{mark}-3\r\n"
    ).encode()


@pytest.fixture(scope="module")
def desk(settings, world: World) -> Iterator[dict[str, TestClient]]:
    clients = {
        login: _signed_in(settings, login) for login in ("officer_a", "officer_b", "auditor")
    }
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _send(client: TestClient, content: bytes, action: str, **fields: str):
    form = client.get("/imports").text
    data = {
        "_csrf_token": _CSRF.search(form).group(1),
        "idempotency_key": _KEY.search(form).group(1),
        "action": action,
        "category_id": "",
        **fields,
    }
    files = {"file": ("tai-san.csv", content, "text/csv")}
    return client.post("/imports", data=data, files=files, follow_redirects=False)


def _finished(client: TestClient, location: str) -> str:
    """The job's page once it no longer refreshes itself."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        html = client.get(location).text
        if 'http-equiv="refresh"' not in html:
            return html
        time.sleep(0.1)
    raise AssertionError(f"{location} did not finish")


def test_a_file_is_checked_fixed_imported_and_imported_again_adding_nothing_twice(
    desk: dict[str, TestClient], world: World, sql, database_url: str
) -> None:
    officer = desk["officer_a"]
    mark = f"PG{secrets.token_hex(3)}"
    unit = str(world.units["A"])

    def held() -> int:
        return sql("SELECT count(*) FROM assets WHERE serial LIKE $1", f"{mark}-%")[0][0]

    with WorkerThread(database_url):
        sent = _send(officer, _csv(mark, broken=True), "check", unit_id=unit)
        assert sent.status_code == 303 and re.fullmatch(r"/imports/\d+", sent.headers["location"])
        page = _finished(officer, sent.headers["location"])
        assert "Tệp có 2 lỗi: chưa thêm tài sản nào." in page
        problems = re.findall(r"<tr><td class=\"n\">(\d+)</td><td>([^<]*)</td>", page)
        assert problems == [("3", "So luong"), ("4", "Loai tai san")]
        assert "import-for-real" not in page and held() == 0

        checked = _send(officer, _csv(mark, broken=False), "check", unit_id=unit)
        page = _finished(officer, checked.headers["location"])
        assert "Không có lỗi: 3 tài sản sẽ được thêm (3 dòng đọc được)." in page
        assert held() == 0
        form = re.search(
            r'<form method="post" action="(/imports/\d+/import)">(.*?)</form>', page, re.S
        )
        assert form, "a clean dry run offers to import the file"
        values = {
            "_csrf_token": _CSRF.search(form.group(2)).group(1),
            "idempotency_key": _KEY.search(form.group(2)).group(1),
        }
        imported = officer.post(form.group(1), data=values, follow_redirects=False)
        assert imported.status_code == 303
        page = _finished(officer, imported.headers["location"])
        assert "Đã thêm 3 tài sản (3 dòng đọc được)." in page and held() == 3
        again = officer.post(form.group(1), data=values, follow_redirects=False)
        assert again.headers["location"] == imported.headers["location"]  # sent twice: one job

        twice = _send(officer, _csv(mark, broken=False), "import", unit_id=unit)
        page = _finished(officer, twice.headers["location"])
        assert "Không có tài sản mới: cả 3 dòng đều đã có trong sổ." in page
        assert "theo số hiệu: 3" in page and held() == 3

        english = officer.get(twice.headers["location"], params={"lang": "en"}).text
        assert "Nothing new: all 3 rows are registered already." in english
        officer.cookies.delete("lang")
        officer.get("/imports", params={"lang": "vi"})


def test_refusals_stand_beside_their_field_and_a_form_sent_twice_starts_one_job(
    desk: dict[str, TestClient], world: World, sql
) -> None:
    officer = desk["officer_a"]
    empty = _send(officer, b"", "check", unit_id=str(world.units["A"]))
    assert empty.status_code == 422 and 'id="file-error"' in empty.text
    assert "Hãy chọn một tệp." in empty.text
    binary = _send(officer, b"%PDF-1.7\x00\x01", "check", unit_id=str(world.units["A"]))
    assert binary.status_code == 415 and "Tệp phải là XLSX hoặc CSV" in binary.text
    other = _send(officer, _csv("X", broken=False), "check", unit_id=str(world.units["B"]))
    assert other.status_code == 422 and 'id="unit_id-error"' in other.text

    form = officer.get("/imports").text
    data = {
        "_csrf_token": _CSRF.search(form).group(1),
        "idempotency_key": _KEY.search(form).group(1),
        "action": "check",
        "unit_id": str(world.units["A"]),
        "category_id": "",
    }
    files = {"file": ("a.csv", _csv("TWICE", broken=False), "text/csv")}
    before = sql("SELECT count(*) FROM jobs WHERE kind = 'imports.assets'")[0][0]
    first = officer.post("/imports", data=data, files=files, follow_redirects=False)
    second = officer.post("/imports", data=data, files=files, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert sql("SELECT count(*) FROM jobs WHERE kind = 'imports.assets'")[0][0] == before + 1


def test_who_may_import_and_see_an_import(desk: dict[str, TestClient], world: World) -> None:
    officer = desk["officer_a"]
    sent = _send(officer, _csv("SCOPE", broken=False), "check", unit_id=str(world.units["A"]))
    location = sent.headers["location"]
    assert desk["officer_b"].get(location).status_code == 404  # another unit's import
    assert desk["officer_b"].post(f"{location}/import", data={}).status_code in (403, 404)
    assert desk["auditor"].get("/imports").status_code == 403
    assert "/imports" in officer.get("/assets").text  # the desk's navigation leads there
