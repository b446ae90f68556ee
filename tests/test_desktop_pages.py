"""The desktop pages through the test client: the start page of each role, the asset
list (search, filters, sort, paging, totals) and an asset's page, in the user's scope."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from PIL import Image

from inventory.app import create_app
from tests.world import PASSWORD, USERS, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _signed_in(settings, login: str) -> TestClient:
    client = TestClient(create_app(settings))
    client.__enter__()
    token = _CSRF.search(client.get("/login").text).group(1)
    signed = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    return client


@pytest.fixture(scope="module")
def browsers(settings, world: World) -> Iterator[dict[str, TestClient]]:
    clients = {login: _signed_in(settings, login) for login in USERS}
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _asset(world: World, unit: str = "A", **given) -> dict:
    """An asset of the unit in no site: the seeded site's lists stay as other tests expect."""
    body = {
        "name": f"Tủ tài liệu {secrets.token_hex(3)}",
        "category_id": world.categories["BG"],
        "holder_unit_id": world.units[unit],
        "original_cost": 1_000_000,
        **given,
    }
    return world.create("/api/v1/assets", **body)


def _section(html: str, section: str) -> str:
    found = re.search(rf'<section class="card" id="{section}">(.*?)</section>', html, re.S)
    assert found, f"no {section} on the page"
    return found.group(1)


def _untagged(html: str) -> int:
    found = re.search(r"([\d.]+) tài sản chưa có tem", _section(html, "brief-labels"))
    return int(found.group(1).replace(".", "")) if found else 0


# --- The start page -------------------------------------------------------------------


def test_an_officer_starts_with_the_units_assets_labels_and_stocktakes(
    browsers: dict[str, TestClient], world: World
) -> None:
    untagged_before = _untagged(browsers["officer_b"].get("/").text)
    _asset(world, "B", issue_tag=False, condition="broken")
    html = browsers["officer_b"].get("/").text
    assets = _section(html, "brief-assets")
    assert "Hỏng" in assets and 'href="/assets?condition=broken"' in assets
    assert _untagged(html) == untagged_before + 1
    assert "brief-stocktakes" in html
    # Nothing of another role's brief, and nothing of unit A.
    assert "brief-compliance" not in html and "brief-admin" not in html


def test_an_auditor_starts_with_compliance_and_the_history_chains(
    browsers: dict[str, TestClient],
) -> None:
    html = browsers["auditor"].get("/").text
    assert "Tuân thủ bàn giao" in _section(html, "brief-compliance")
    chain = _section(html, "brief-history")
    assert "Đầu mỗi chuỗi khớp" in chain and 'href="/?verify=1"' in chain
    verified = browsers["auditor"].get("/?verify=1").text
    assert re.search(r'id="verified">Đã tính lại [\d.]+ sự kiện: tất cả khớp', verified)
    assert "brief-assets" not in html


def test_a_broken_chain_shows_on_the_auditors_start_page(
    browsers: dict[str, TestClient], world: World, sql
) -> None:
    asset = _asset(world)
    target = sql(
        "SELECT id, after::text AS after FROM events WHERE entity = 'asset' AND entity_id = $1",
        asset["id"],
    )[0]

    def forge(after: str) -> None:  # as a superuser can, triggers off (as test_history)
        literal = "'" + after.replace("'", "''") + "'"
        sql(
            "DO $$ BEGIN SET LOCAL session_replication_role = replica;"
            f" UPDATE events SET after = {literal}::json WHERE id = {target['id']}; END $$"
        )

    forge(target["after"].replace("Tủ tài liệu", "Tủ đã sửa"))
    try:
        verified = browsers["auditor"].get("/?verify=1").text
        assert re.search(r'id="verified">Không khớp từ chuỗi \d+', verified)
    finally:
        forge(target["after"])
    assert "tất cả khớp" in browsers["auditor"].get("/?verify=1").text


def test_a_leader_starts_with_the_needs(browsers: dict[str, TestClient]) -> None:
    html = browsers["leader"].get("/?lang=en").text
    needs = _section(html, "brief-needs")
    assert "The communes&#39; needs" in needs or "The communes' needs" in needs
    assert "m² of office space short" in needs
    assert "brief-compliance" in html  # leaders read the compliance view too
    assert "brief-history" not in html  # but not the history


def test_an_admin_starts_with_units_users_and_jobs(browsers: dict[str, TestClient]) -> None:
    html = browsers["admin"].get("/").text
    admin = _section(html, "brief-admin")
    assert "đã sáp nhập" in admin and "Cán bộ" in admin
    assert "brief-jobs" in html and "brief-history" in html


def test_the_start_page_navigation_follows_the_role(browsers: dict[str, TestClient]) -> None:
    officer = browsers["officer_a"].get("/").text
    auditor = browsers["auditor"].get("/").text
    nav = re.compile(r'<nav class="desk".*?</nav>', re.S)
    assert 'href="/stocktakes"' in nav.search(officer).group(0)
    assert 'href="/stocktakes"' not in nav.search(auditor).group(0)
    assert 'href="/assets"' in nav.search(auditor).group(0)


# --- The asset list and an asset's page --------------------------------------------------


def _rows(html: str) -> list[str]:
    """The names of the list's rows, in order."""
    return re.findall(r'<td><a href="/assets/\d+">([^<]+)</a>', html)


def test_the_list_searches_without_diacritics_filters_sorts_and_totals(
    browsers: dict[str, TestClient], world: World
) -> None:
    word = f"Ghế{secrets.token_hex(2)}"
    made = [
        _asset(world, name=f"{word} Đỏ", original_cost=300_000, quantity=2),
        _asset(world, name=f"{word} Ánh", original_cost=200_000, condition="broken"),
        _asset(world, name=f"{word} Bạc", original_cost=100_000),
        _asset(world, "B", name=f"{word} của B"),  # another unit's: never listed to A
    ]
    folded = word.replace("ế", "e").lower()
    officer = browsers["officer_a"]
    html = officer.get("/assets", params={"q": folded}).text
    assert _rows(html) == [f"{word} Ánh", f"{word} Bạc", f"{word} Đỏ"]  # Vietnamese order
    assert "3 tài sản · số lượng 4 · nguyên giá 600.000 đ" in html
    html = officer.get("/assets", params={"q": folded, "sort": "-original_cost"}).text
    assert _rows(html) == [f"{word} Đỏ", f"{word} Ánh", f"{word} Bạc"]
    html = officer.get("/assets", params={"q": folded, "condition": "broken"}).text
    assert _rows(html) == [f"{word} Ánh"] and "1 tài sản · số lượng 1" in html
    # The province's auditor sees B's too; B's officer only B's.
    assert len(_rows(browsers["auditor"].get("/assets", params={"q": folded}).text)) == 4
    assert _rows(browsers["officer_b"].get("/assets", params={"q": folded}).text) == [
        f"{word} của B"
    ]
    # Another unit's asset page is the not-found page.
    assert officer.get(f"/assets/{made[3]['id']}").status_code == 404


def test_the_list_pages_by_keyset_as_the_api(browsers: dict[str, TestClient], world: World) -> None:
    word = f"Kệ{secrets.token_hex(2)}"
    for i in range(55):
        _asset(world, name=f"{word} {i:02d}", issue_tag=False)
    officer = browsers["officer_a"]
    first = officer.get("/assets", params={"q": word}).text
    assert len(_rows(first)) == 50 and "55 tài sản" in first
    following = re.search(r'href="(/assets\?[^"]+cursor=[^"]+)" rel="next"', first)
    second = officer.get(following.group(1).replace("&amp;", "&")).text
    assert _rows(second) == [f"{word} {i:02d}" for i in range(50, 55)]
    assert 'rel="next"' not in second
    api = world.callers["officer_a"].get("/api/v1/assets", params={"q": word, "limit": 50}).json()
    assert [a["name"] for a in api["items"]] == _rows(first)
    # Only the untagged, as the start page links them.
    assert "55 tài sản" in officer.get("/assets", params={"q": word, "untagged": "1"}).text


def test_bad_list_choices_are_error_pages(browsers: dict[str, TestClient]) -> None:
    officer = browsers["officer_a"]
    for params in ({"sort": "password"}, {"status": "stolen"}, {"cursor": "nonsense"}):
        answer = officer.get("/assets", params=params)
        assert answer.status_code == 400 and "text/html" in answer.headers["content-type"]


def test_an_assets_page_has_its_facts_label_and_readable_history(
    browsers: dict[str, TestClient], world: World
) -> None:
    asset = _asset(world, name="Tủ <b>sắt</b>", model="TS-1")
    world.callers["officer_a"].patch(
        f"/api/v1/assets/{asset['id']}", json={"condition": "fair"}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    html = browsers["leader_a"].get(f"/assets/{asset['id']}").text
    assert "Tủ &lt;b&gt;sắt&lt;/b&gt;" in html and "<b>sắt" not in html  # escaped
    assert "TS-1" in html and asset["tag"] in html
    assert 'Tình trạng: <span class="muted">Tốt</span> → Khá' in html
    assert f'src="/assets/{asset["id"]}/label.png"' in html
    assert "/edit" not in html  # a leader reads, does not change
    label = browsers["leader_a"].get(f"/assets/{asset['id']}/label.png")
    assert label.status_code == 200 and label.content.startswith(b"\x89PNG")
    untagged = _asset(world, issue_tag=False)
    assert browsers["officer_a"].get(f"/assets/{untagged['id']}/label.png").status_code == 409


def test_an_assets_page_shows_its_latest_photo(
    browsers: dict[str, TestClient], world: World
) -> None:
    asset = _asset(world)
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(picture, "JPEG")
    added = world.callers["officer_a"].post(
        f"/api/v1/assets/{asset['id']}/photos",
        files={"photo": ("anh.jpg", picture.getvalue(), "image/jpeg")},
    )
    assert added.status_code == 201, added.text
    html = browsers["auditor"].get(f"/assets/{asset['id']}").text
    thumbnail = f"/t/{asset['tag']}/photos/{added.json()['id']}/thumbnail"
    assert f'src="{thumbnail}"' in html
    shown = browsers["auditor"].get(thumbnail)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"


def test_the_start_page_stays_a_phone_page(browsers: dict[str, TestClient]) -> None:
    for login in USERS:
        assert len(browsers[login].get("/").content) < 30_000, login


# --- The edit form ----------------------------------------------------------------------


def _edit(client: TestClient, asset_id: int, **changes: str):
    form = client.get(f"/assets/{asset_id}/edit").text
    values = dict(re.findall(r'<input id="f-\w+" name="(\w+)" type="text" value="([^"]*)"', form))
    values["version"] = re.search(r'name="version" value="(\d+)"', form).group(1)
    values["_csrf_token"] = _CSRF.search(form).group(1)
    for name in ("category_id", "ownership", "condition", "status"):
        chosen = re.search(rf'name="{name}".*?<option value="([^"]+)" selected', form, re.S)
        values[name] = chosen.group(1)
    values.update(changes)
    return values


def test_an_edit_saves_through_the_write_step(
    browsers: dict[str, TestClient], world: World, sql
) -> None:
    asset = _asset(world)
    officer = browsers["officer_a"]
    form = _edit(officer, asset["id"], name="Tủ hồ sơ mới", original_cost="2500000")
    saved = officer.post(f"/assets/{asset['id']}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=saved")
    now = world.callers["officer_a"].get(f"/api/v1/assets/{asset['id']}").json()
    assert now["name"] == "Tủ hồ sơ mới" and now["original_cost"] == 2_500_000
    assert now["remaining_value_given"] is False  # a blank remaining value stays derived
    events = sql(
        "SELECT action FROM events WHERE entity = 'asset' AND entity_id = $1 ORDER BY id",
        asset["id"],
    )
    assert [e["action"] for e in events] == ["create", "update"]
    assert "Đã lưu thay đổi." in officer.get(saved.headers["location"]).text


def test_each_refusal_shows_beside_its_field_and_writes_nothing(
    browsers: dict[str, TestClient], world: World
) -> None:
    asset = _asset(world, original_cost=1_000_000)
    officer = browsers["officer_a"]
    for change, field in (
        ({"quantity": "abc"}, "quantity"),
        ({"name": ""}, "name"),
        ({"remaining_value": "2000000"}, "remaining_value"),
        ({"status": "disposed"}, "status"),  # in use cannot go straight to disposed
    ):
        form = _edit(officer, asset["id"], **change)
        answer = officer.post(f"/assets/{asset['id']}/edit", data=form)
        assert answer.status_code in (409, 422), (change, answer.status_code)
        html = answer.text
        assert f'id="{field}-error"' in html, change
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html, re.S), change
        assert html.count('class="field-error"') == 1
    assert world.callers["officer_a"].get(f"/api/v1/assets/{asset['id']}").json()["version"] == 1
    officer.get("/?lang=en")  # the language is remembered for the form's answer
    try:
        english = officer.post(
            f"/assets/{asset['id']}/edit", data=_edit(officer, asset["id"], name="")
        ).text
    finally:
        officer.get("/?lang=vi")
    assert "This value is not valid." in english and "Not saved" in english


def test_a_conflicting_edit_shows_the_current_version(
    browsers: dict[str, TestClient], world: World
) -> None:
    asset = _asset(world)
    officer = browsers["officer_a"]
    stale = _edit(officer, asset["id"], model="Mẫu của tôi")
    world.callers["admin"].patch(
        f"/api/v1/assets/{asset['id']}",
        json={"model": "Mẫu của admin"},
        headers={"If-Match": '"1"'},
    ).raise_for_status()
    answer = officer.post(f"/assets/{asset['id']}/edit", data=stale)
    assert answer.status_code == 409
    assert 'id="conflict"' in answer.text and "Mẫu của tôi" in answer.text
    assert re.search(r'name="model" type="text" value="Mẫu của admin"', answer.text)
    assert 'name="version" value="2"' in answer.text
    assert world.callers["officer_a"].get(f"/api/v1/assets/{asset['id']}").json()["model"] == (
        "Mẫu của admin"
    )


def test_readers_may_not_edit(browsers: dict[str, TestClient], world: World) -> None:
    asset = _asset(world)
    assert browsers["auditor"].get(f"/assets/{asset['id']}/edit").status_code == 403
    assert browsers["officer_b"].get(f"/assets/{asset['id']}/edit").status_code == 404


# --- Units, sites, rooms, users ---------------------------------------------------------


def test_a_units_lineage_is_drawn_former_to_new(
    browsers: dict[str, TestClient], world: World
) -> None:
    html = browsers["leader"].get(f"/units/{world.units['A']}?lang=vi").text
    svg = re.search(r'<svg id="lineage".*?</svg>', html, re.S).group(0)
    for former in ("Xã Chư Băh (cũ)", "Xã Ia Rbol (cũ)"):
        assert former in svg
    assert svg.count("<line") == 2 and svg.count("<rect") == 3
    assert "Xã Chư Băh (cũ)</a> (T90001) → Xã Ia Rbol" in html
    # A former unit points on to what it was merged into.
    former = browsers["leader"].get(f"/units/{world.units['A1']}?lang=vi").text
    assert "Đã sáp nhập vào" in former and f'href="/units/{world.units["A"]}"' in former
    # B's officer does not see A, nor A's lineage.
    assert browsers["officer_b"].get(f"/units/{world.units['A']}").status_code == 404
    units = browsers["officer_b"].get("/units").text
    assert "Xã Ia Sao" in units and "Xã Ia Rbol" not in units


def test_sites_and_rooms_lists_of_the_scope(browsers: dict[str, TestClient], world: World) -> None:
    sites = browsers["officer_a"].get("/sites", params={"q": "tru so"}).text
    assert "Trụ sở UBND A" in sites and "Trụ sở UBND B" not in sites
    rooms = browsers["officer_a"].get("/rooms", params={"site_id": world.sites["A"]}).text
    assert "Phòng Văn hóa - Xã hội" in rooms and "Phòng làm việc" in rooms
    assert browsers["officer_a"].get("/rooms", params={"purpose": "nonsense"}).status_code == 400


def test_users_and_roles_are_the_admins(browsers: dict[str, TestClient]) -> None:
    html = browsers["admin"].get("/users", params={"role": "officer"}).text
    assert "officer_a" in html and "officer_b" in html and "auditor" not in html.split("<tbody>")[1]
    assert browsers["auditor"].get("/users").status_code == 403
    assert browsers["officer_a"].get("/users").status_code == 403


# --- Label printing ---------------------------------------------------------------------


def test_labels_pick_a_selection_skip_used_positions_and_download(
    browsers: dict[str, TestClient], world: World
) -> None:
    word = f"Quạt{secrets.token_hex(2)}"
    for _ in range(3):
        _asset(world, name=f"{word} trần")
    _asset(world, name=f"{word} chưa tem", issue_tag=False)  # untagged: no label
    officer = browsers["officer_a"]
    html = officer.get("/labels", params={"q": word, "stock": "a4-3x7", "skip": 4}).text
    assert "3 tem sẽ được in" in html
    sheet = re.search(r'<svg id="sheet".*?</svg>', html, re.S).group(0)
    assert sheet.count('class="used"') == 4 and sheet.count('class="label"') == 3
    assert sheet.count('class="free"') == 21 - 7
    link = re.search(r'id="download" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    pdf = officer.get(link + "&lang=vi")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A skip a roll cannot take is refused as the API refuses it.
    assert officer.get("/labels", params={"stock": "nonsense"}).status_code == 422
    # A large run as a job: on to its page.
    form = re.search(r'<form method="post" action="/labels".*?</form>', html, re.S).group(0)
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    started = officer.post("/labels", data=data, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    assert officer.get(started.headers["location"]).status_code == 200
    # Sent again (a double click, a reload), the form's key queues nothing more.
    again = officer.post("/labels", data=data, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == started.headers["location"]
