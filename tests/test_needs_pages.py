"""The leaders' needs pages through a signed-in browser session: the province overview with
its server-drawn charts (Vietnamese labels, names escaped) and their tables, one commune's
detail with each figure's norm and version, the XLSX and PDF files read back against the
API's numbers, and the norms page where an admin edits a figure with the version shown.

The commune here, under the province, has a name with markup and diacritics, 40 staff and
one office of 50 m²: 30 + 3 × 20 + 36 × 15 = 630 m², 70% shared on top, 1,071 m² required.
"""

from __future__ import annotations

import gzip
import io
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape
from typing import Any

import markupsafe
import pypdfium2 as pdfium
import pytest
from litestar.testing import TestClient
from python_calamine import CalamineWorkbook

from inventory.app import create_app
from inventory.needs import charts
from inventory.needs.charts import number
from inventory.web.i18n import EN, VI
from tests.world import PASSWORD, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
NAME = 'Xã Ea <b>Đông</b> & "Tây"'
IN_PAGE = str(markupsafe.escape(NAME))  # as Jinja escapes it
IN_SVG = escape(NAME, quote=False)  # as pygal's XML tree writes text
LOGINS = ("admin", "admin_a", "auditor", "leader", "leader_a", "officer_a", "officer_b")


def _signed_in(settings, login: str) -> TestClient:
    page = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    page.__enter__()
    token = _CSRF.search(page.get("/login").text).group(1)
    signed = page.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    return page


@pytest.fixture(scope="module")
def pages(settings, world: World) -> Iterator[dict[str, TestClient]]:
    clients = {login: _signed_in(settings, login) for login in LOGINS}
    try:
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def commune(world: World) -> dict[str, Any]:
    token = secrets.token_hex(3)
    unit = world.create(
        "/api/v1/units",
        code=f"L{token}",
        name=NAME,
        kind="commune",
        parent_id=world.units["P"],
    )["id"]
    site = world.create("/api/v1/sites", holder_unit_id=unit, name="Trụ sở", role="main_hq")
    room = world.create(
        "/api/v1/rooms", site_id=site["id"], name="Phòng 1", purpose="office", area_m2=50
    )["id"]
    printer = world.create(
        "/api/v1/categories",
        code=f"LP{token}",
        name="Máy in laser",
        form_group="C",
        norm_item="printer",
    )["id"]
    world.create(
        "/api/v1/assets",
        name="Máy in",
        category_id=printer,
        holder_unit_id=unit,
        room_id=room,
        condition="good",
        status="in_use",
    )
    staffing = {
        "positions": [
            {"position": "Bí thư Đảng ủy", "norm_group": "secretary", "holders": 1},
            {"position": "Phó Chủ tịch UBND", "norm_group": "leader", "holders": 3},
            {"position": "Chuyên viên", "norm_group": "staff", "holders": 36},
        ]
    }
    made = world.admin.put(
        f"/api/v1/units/{unit}/staffing", json=staffing, headers={"If-Match": '"0"'}
    )
    assert made.status_code == 200, made.text
    return {"id": unit, "name": NAME}


def _needs(world: World, unit_id: int) -> dict[str, Any]:
    got = world.leader.get(f"/api/v1/needs/units/{unit_id}")
    assert got.status_code == 200, got.text
    return got.json()


def _sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


# --- The charts, pure ---


def test_a_chart_keeps_vietnamese_labels_and_escapes_names() -> None:
    chart = charts.Chart(
        "shortfall-m2",
        "Đơn vị thiếu diện tích nhiều nhất",
        "m²",
        (charts.Bar(NAME, 1021.0), charts.Bar("Phường Hải Châu", 12.5)),
    )
    svg = charts.svg(chart)
    assert "<b>" not in svg and "<script" not in svg
    assert IN_SVG in svg  # as text, escaped once
    root = ET.fromstring(svg)  # well-formed
    texts = {el.text for el in root.iter() if el.text}
    assert {NAME, "Phường Hải Châu", "Đơn vị thiếu diện tích nhiều nhất (m²)"} <= texts


def test_the_charts_show_the_largest_first_and_leave_out_zeros() -> None:
    bars = [charts.Bar(f"Xã {i}", float(i)) for i in range(30)]
    top = charts._top(bars)
    assert len(top) == charts.TOP and top[0].value == 29 and all(b.value > 0 for b in top)


# --- The overview ---


@pytest.mark.parametrize("login", ["leader", "auditor", "admin"])
def test_the_overview_draws_the_charts_with_their_numbers(
    world: World, pages: dict[str, TestClient], commune: dict, login: str
) -> None:
    got = pages[login].get("/needs")
    assert got.status_code == 200 and "text/html" in got.headers["content-type"]
    html = got.text
    assert VI["nd_title"] in html and html.count("<svg") >= 4  # a fifth once there are requests
    assert NAME not in html and IN_PAGE in html
    mine = _needs(world, commune["id"])
    # The shortfall chart's table beside it: the commune's m², as Vietnamese write it.
    section = html.split('id="shortfall-m2"', 1)[1].split("</section>", 1)[0]
    assert f"{IN_SVG}</text>" in section  # the SVG's label
    assert (
        f'<td>{IN_PAGE}</td><td class="n">{number(mine["rooms"]["shortfall_m2"])}</td>' in section
    )
    assert f'href="/needs/units/{commune["id"]}"' in html


def test_the_overview_in_english_and_within_a_phones_budget(
    pages: dict[str, TestClient], commune: dict
) -> None:
    got = pages["leader"].get("/needs?lang=en")
    assert EN["nd_chart_m2"] in got.text and EN["nd_millions"] in got.text
    assert len(gzip.compress(got.content)) < 30 * 1024
    pages["leader"].get("/needs?lang=vi")


def test_an_officer_sees_only_their_own_commune(
    pages: dict[str, TestClient], commune: dict
) -> None:
    html = pages["officer_a"].get("/needs").text
    assert IN_PAGE not in html


# --- One commune ---


def test_a_communes_page_names_each_figures_norm_and_version(
    world: World, pages: dict[str, TestClient], commune: dict
) -> None:
    got = pages["leader"].get(f"/needs/units/{commune['id']}")
    assert got.status_code == 200
    html = got.text
    needs = _needs(world, commune["id"])
    rooms = needs["rooms"]
    assert (rooms["required_m2"], rooms["present_m2"]) == (1071.0, 50.0)
    assert f"<h1>{IN_PAGE}</h1>" in html
    assert (
        f"<strong>{number(rooms['shortfall_m2'])}</strong> ({number(rooms['shortfall_pct'])}%)"
        in html
    )
    for line in rooms["position_lines"]:
        assert f"<code>{line['source']['code']}</code></a> v{line['source']['version']}" in html
    shared = rooms["shared_source"]
    assert f"<code>{shared['code']}</code></a> v{shared['version']}" in html
    printer = next(i for i in needs["equipment"] if i["item"] == "printer")
    row = html.split('id="item-printer"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="n">([^<]*)</td>', row)
    assert cells[:4] == [str(printer[k]) for k in ("required", "held", "gap", "surplus")]
    for line in printer["lines"]:
        assert f"<code>{line['source']['code']}</code></a> v{line['source']['version']}" in html


@pytest.mark.parametrize("login", ["leader_a", "officer_a", "officer_b"])
def test_another_units_commune_is_the_not_found_page(
    pages: dict[str, TestClient], commune: dict, login: str
) -> None:
    for url in (f"/needs/units/{commune['id']}", f"/needs/units/{commune['id']}/export.xlsx"):
        got = pages[login].get(url)
        assert got.status_code == 404 and "text/html" in got.headers["content-type"]
        assert VI["error_404_title"] in got.text and IN_PAGE not in got.text


# --- The files ---


def test_the_overview_workbook_has_the_apis_numbers(
    world: World, pages: dict[str, TestClient], commune: dict
) -> None:
    got = pages["leader"].get("/needs.xlsx")
    assert got.status_code == 200
    rows = _sheets(got.content)["Nhu cầu theo đơn vị"]
    mine = next(r for r in rows if r[1] == NAME)
    api = next(
        c
        for c in world.leader.get("/api/v1/needs").json()["communes"]
        if c["unit"]["id"] == commune["id"]
    )
    assert mine[4:8] == [
        api["required_m2"],
        api["present_m2"],
        api["shortfall_m2"],
        api["shortfall_pct"],
    ]
    assert mine[11] == api["equipment_cost"]


def test_a_communes_workbook_has_the_apis_numbers_and_sources(
    world: World, pages: dict[str, TestClient], commune: dict
) -> None:
    got = pages["leader"].get(f"/needs/units/{commune['id']}/export.xlsx")
    assert got.status_code == 200 and got.headers["content-disposition"].endswith('.xlsx"')
    sheets = _sheets(got.content)
    needs = _needs(world, commune["id"])
    area = {r[0]: r for r in sheets["Diện tích"][1:]}
    assert area["Diện tích cần"][4] == needs["rooms"]["required_m2"]
    assert area["Thiếu (m²)"][4] == needs["rooms"]["shortfall_m2"]
    sources = {r[5] for r in sheets["Diện tích"][1:] if r[5]}
    assert {
        f"{s['source']['code']} v{s['source']['version']}" for s in needs["rooms"]["position_lines"]
    } <= sources
    printer = next(i for i in needs["equipment"] if i["item"] == "printer")
    total = next(r for r in sheets["Thiết bị"][1:] if r[0] == "printer" and r[1])
    assert total[4:8] == [printer["required"], printer["held"], printer["gap"], printer["surplus"]]
    assert total[9] == printer["estimated_cost"]
    rooms = {r[0]: r for r in sheets["Phòng bắt buộc"][1:]}
    # Rooms by their names, not their codes.
    assert rooms[VI["nd_room_reception"]][3] == 1 and rooms[VI["nd_room_meeting"]][3] == 1
    groups = {r[1] for r in sheets["Diện tích"][1:] if r[1]}
    named = {VI[f"nd_group_{g}"] for g in ("secretary", "leader", "head", "staff")}
    assert groups and groups <= named


def test_the_pdf_report_has_the_charts_numbers(
    world: World, pages: dict[str, TestClient], commune: dict
) -> None:
    got = pages["leader"].get("/needs.pdf")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(got.content)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    text = text.replace("\r", "")
    needs = _needs(world, commune["id"])
    assert "BÁO CÁO NHU CẦU DIỆN TÍCH VÀ THIẾT BỊ THEO ĐỊNH MỨC" in text
    assert charts.VIETNAMESE.shortfall_m2 in text and charts.VIETNAMESE.cost_by_item in text
    assert NAME in text  # as typed, markup and all: a PDF has no markup to inject
    assert f"{number(needs['rooms']['shortfall_m2'])} m²" in text  # a bar's value
    assert number(needs["equipment_cost"], 0) in text  # the communes' table


# --- Norms ---


def _norm(world: World, code: str) -> dict[str, Any]:
    found = world.admin.get("/api/v1/norms", params={"limit": 100}).json()["items"]
    return next(n for n in found if n["code"] == code)


def _form(norm: dict[str, Any], **change: str) -> dict[str, str]:
    form = {
        "version": str(norm["version"]),
        "value": str(norm["value"]),
        "per": str(norm["per"]),
        "unit": norm["unit"],
        "max_price": "" if norm["max_price"] is None else str(norm["max_price"]),
        "confidence": norm["confidence"],
        "valid_from": norm["valid_from"] or "",
        "valid_to": norm["valid_to"] or "",
        "legal_source": norm["legal_source"],
    }
    return {**form, **change}


def _post(page: TestClient, norm_id: int, form: dict[str, str]):
    token = _CSRF.search(page.get("/norms").text).group(1)
    return page.post(
        f"/norms/{norm_id}", data={**form, "_csrf_token": token}, follow_redirects=False
    )


@pytest.mark.parametrize("login", ["auditor", "leader", "officer_a", "admin_a"])
def test_everyone_reads_the_norms_but_only_a_province_admin_gets_the_form(
    pages: dict[str, TestClient], login: str
) -> None:
    html = pages[login].get("/norms").text
    assert "area.staff" in html and "Decree 155/2025" in html
    assert '<form class="norm"' not in html and VI["nm_read_only"] in html
    assert '<form class="norm"' in pages["admin"].get("/norms").text


def test_an_admin_edits_a_norm_and_a_stale_form_is_refused(
    world: World, pages: dict[str, TestClient], commune: dict
) -> None:
    page = pages["admin"]
    code = "equipment.viii.photocopier"  # 1 per 15 staff; no test counts on its version
    norm = _norm(world, code)
    try:
        done = _post(page, norm["id"], _form(norm, value="2"))
        assert done.status_code == 303
        assert done.headers["location"].startswith(f"/norms?saved={norm['id']}")
        shown = page.get(done.headers["location"]).text
        assert VI["nm_saved"].format(code=code, version=norm["version"] + 1) in shown
        changed = _norm(world, code)
        assert (changed["value"], changed["version"]) == (2.0, norm["version"] + 1)
        # The needs name the new version (36 staff: 2 × 36 / 15, rounded up), and the
        # change is in the norm's history.
        item = next(
            i for i in _needs(world, commune["id"])["equipment"] if i["item"] == "photocopier"
        )
        line = next(ln for ln in item["lines"] if ln["source"]["code"] == code)
        assert (line["required"], line["source"]["version"]) == (5, changed["version"])
        history = world.admin.get(f"/api/v1/norms/{norm['id']}/history").json()["items"]
        assert (history[-1]["before"]["value"], history[-1]["after"]["value"]) == (
            norm["value"],
            2.0,
        )
        # The form as first shown, sent again: someone changed it meanwhile.
        stale = _post(page, norm["id"], _form(norm, value="3"))
        assert stale.status_code == 412 and "text/html" in stale.headers["content-type"]
        assert VI["nm_conflict"].format(version=changed["version"]) in stale.text
        bad = _post(page, norm["id"], _form(changed, value="-3"))
        assert bad.status_code == 422 and "Chưa lưu" in bad.text
        assert _norm(world, code)["version"] == changed["version"]
        # A comma as the decimal sign, as Vietnamese write it.
        comma = _post(page, norm["id"], _form(changed, value="1,5"))
        assert comma.status_code == 303 and _norm(world, code)["value"] == 1.5
    finally:
        restored = world.admin.patch(
            f"/api/v1/norms/{norm['id']}", json={"value": norm["value"]}, headers={"If-Match": "*"}
        )
        assert restored.status_code == 200, restored.text


def test_the_overview_charts_the_requests_by_status_and_value(
    world: World, pages: dict[str, TestClient], commune: dict
) -> None:
    drafted = world.admin.post("/api/v1/requests/from-gaps", json={"unit_id": commune["id"]})
    assert drafted.status_code == 201, drafted.text
    listed = world.leader.get("/api/v1/requests", params={"status": "draft", "limit": 200}).json()
    assert listed.get("next_cursor") is None
    drafts = listed["items"]
    value = sum(r["estimated_cost"] for r in drafts)
    assert value >= drafted.json()["estimated_cost"] > 0
    html = pages["leader"].get("/needs").text
    section = html.split('id="requests"', 1)[1].split("</section>", 1)[0]
    label = f"{VI['nd_rq_draft']} ({len(drafts)})"
    assert f"{label}</text>" in section  # the SVG's bar
    assert f'<td>{label}</td><td class="n">{number(value / 1_000_000)}</td>' in section
    # The page's PDF report has the same chart.
    pdf = pdfium.PdfDocument(pages["leader"].get("/needs.pdf").content)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert VI["nd_chart_requests"] in text.replace("\r", "") and label in text


@pytest.mark.parametrize("login", ["leader", "officer_a"])
def test_the_start_page_leads_to_the_needs(pages: dict[str, TestClient], login: str) -> None:
    assert 'href="/needs"' in pages[login].get("/").text
