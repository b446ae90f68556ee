"""The register's create and edit forms (units, sites, rooms, users) and the blank batches
page, through the pages with a signed-in session: what they save (through the API's own
steps, their history), each refusal beside its field in the user's language, an edit over
someone else's change, a create form sent twice, and who may do what in which scope."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from inventory.app import create_app
from tests.world import PASSWORD, USERS, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _signed_in(settings, login: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(create_app(settings))
    client.__enter__()
    token = _CSRF.search(client.get("/login").text).group(1)
    signed = client.post(
        "/login",
        data={"login": login, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )
    assert signed.status_code == 303, (login, signed.status_code)
    return client


@pytest.fixture(scope="module")
def browsers(settings, world: World) -> Iterator[dict[str, TestClient]]:
    clients = {login: _signed_in(settings, login) for login in USERS}
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _form(client: TestClient, url: str, **changes: str) -> dict[str, str]:
    """The values a browser would send from the form at `url`, with `changes` typed in."""
    html = client.get(url).text
    form = re.search(r'<form method="post" action="[^"]+" class="edit".*?</form>', html, re.S)
    assert form, f"no form at {url}"
    body = form.group(0)
    values = dict(re.findall(r'<input[^>]* name="(\w+)"[^>]* value="([^"]*)"', body))
    values.update(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))
    for name, options in re.findall(
        r'<select id="f-\w+" name="(\w+)"[^>]*>(.*?)</select>', body, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        values[name] = chosen.group(1)
    values.pop("password", None)
    values.update(changes)
    return values


def _refused_at(answer, field: str, status: int) -> str:
    assert answer.status_code == status, (field, answer.status_code, answer.text[:400])
    html = answer.text
    assert f'id="{field}-error"' in html, field
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html), field
    assert html.count('class="field-error"') == 1
    return html


def _events(sql, entity: str, entity_id: int) -> list[str]:
    rows = sql(
        "SELECT action FROM events WHERE entity = $1 AND entity_id = $2 ORDER BY id",
        entity,
        entity_id,
    )
    return [r["action"] for r in rows]


def _made_id(answer, plural: str) -> int:
    assert answer.status_code == 303, answer.text[:400]
    return int(re.search(r"(\d+)", answer.headers["location"]).group(1)) if plural else 0


# --- Units (admins) ---------------------------------------------------------------------


def test_an_admin_adds_and_edits_a_unit(browsers: dict[str, TestClient], world: World, sql) -> None:
    admin = browsers["admin"]
    code = f"U{secrets.token_hex(3)}"
    form = _form(admin, "/units/new", code=code, name="Văn phòng HĐND và UBND", kind="agency")
    assert form["parent_id"] == "" and "idempotency_key" in form
    form["parent_id"] = str(world.units["A"])
    made = admin.post("/units/new", data=form, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].endswith("?done=created")
    unit_id = int(made.headers["location"].split("/")[2].split("?")[0])
    unit = world.callers["admin"].get(f"/api/v1/units/{unit_id}").json()
    assert (unit["code"], unit["kind"], unit["parent_id"]) == (code, "agency", world.units["A"])
    assert "Đã thêm." in admin.get(made.headers["location"]).text
    # Its edit form: saved through the API's update, with its history.
    edit = _form(admin, f"/units/{unit_id}/edit", name="Văn phòng HĐND", valid_from="2025-07-01")
    saved = admin.post(f"/units/{unit_id}/edit", data=edit, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/units/{unit_id}?done=saved"
    unit = world.callers["admin"].get(f"/api/v1/units/{unit_id}").json()
    assert (unit["name"], unit["valid_from"], unit["version"]) == (
        "Văn phòng HĐND",
        "2025-07-01",
        2,
    )
    assert _events(sql, "unit", unit_id) == ["create", "update"]
    # The unit list offers the form and an edit link per unit, the unit page too.
    listed = admin.get("/units", params={"q": code}).text
    assert 'href="/units/new"' in listed and f'href="/units/{unit_id}/edit"' in listed


def test_unit_refusals_show_beside_their_field(
    browsers: dict[str, TestClient], world: World
) -> None:
    admin = browsers["admin"]
    taken = world.callers["admin"].get(f"/api/v1/units/{world.units['A']}").json()["code"]
    for change, field, status, words in (
        ({"code": "bad code!"}, "code", 422, "Giá trị này không hợp lệ."),
        ({"code": taken}, "code", 409, "Giá trị này đã được dùng cho một bản ghi khác."),
        ({"name": ""}, "name", 422, "Giá trị này không hợp lệ."),
        ({"valid_from": "01/07/2025"}, "valid_from", 422, "Giá trị này không hợp lệ."),
    ):
        base = {"code": f"U{secrets.token_hex(3)}", "name": "Phòng Kinh tế"}
        form = _form(admin, "/units/new", **{**base, **change})
        html = _refused_at(admin.post("/units/new", data=form), field, status)
        assert words in html and "Chưa lưu: hãy sửa các ô được đánh dấu." in html
        assert 'value="Phòng Kinh tế"' in html or field == "name"  # what was typed stays
    # A unit made its own parent's child (a cycle) is refused on its field.
    edit = _form(admin, f"/units/{world.units['P']}/edit", parent_id=str(world.units["A"]))
    _refused_at(admin.post(f"/units/{world.units['P']}/edit", data=edit), "parent_id", 422)
    # In English when the user reads English.
    form = _form(admin, "/units/new", code="bad code!", name="Phòng")
    admin.get("/?lang=en")
    try:
        english = admin.post("/units/new", data=form).text
    finally:
        admin.get("/?lang=vi")
    assert "This value is not valid." in english and "Not saved" in english


def test_a_conflicting_unit_edit_shows_the_current_version(
    browsers: dict[str, TestClient], world: World
) -> None:
    unit = world.create(
        "/api/v1/units",
        code=f"U{secrets.token_hex(3)}",
        name="Văn phòng",
        kind="agency",
        parent_id=world.units["P"],
    )
    admin = browsers["admin"]
    stale = _form(admin, f"/units/{unit['id']}/edit", name="Tên của tôi")
    world.callers["admin"].patch(
        f"/api/v1/units/{unit['id']}",
        json={"name": "Tên của người khác"},
        headers={"If-Match": '"1"'},
    ).raise_for_status()
    answer = admin.post(f"/units/{unit['id']}/edit", data=stale)
    assert answer.status_code == 409
    html = answer.text
    assert 'id="conflict"' in html and "Người khác vừa sửa bản ghi này" in html
    assert "Tên đơn vị: Tên của tôi" in html  # what this user typed, to type again
    assert re.search(r'name="name" type="text" value="Tên của người khác"', html)
    assert 'name="version" value="2"' in html
    got = world.callers["admin"].get(f"/api/v1/units/{unit['id']}").json()
    assert got["name"] == "Tên của người khác" and got["version"] == 2


def test_units_are_the_admins_and_scoped(browsers: dict[str, TestClient], world: World) -> None:
    for login in ("officer_a", "auditor", "leader"):
        assert browsers[login].get("/units/new").status_code == 403, login
        assert browsers[login].get(f"/units/{world.units['A']}/edit").status_code in (403, 404)
    assert browsers["officer_a"].get(f"/units/{world.units['A']}/edit").status_code == 403
    assert browsers["officer_b"].get(f"/units/{world.units['A']}/edit").status_code == 404
    form = {"code": "X1", "name": "X", "kind": "agency", "idempotency_key": "k"}
    posted = browsers["officer_a"].post(
        "/units/new",
        data={
            **form,
            "_csrf_token": _CSRF.search(browsers["officer_a"].get("/units").text).group(1),
        },
    )
    assert posted.status_code == 403
    assert 'href="/units/new"' not in browsers["officer_a"].get("/units").text


# --- A create form sent twice -------------------------------------------------------------


def test_a_create_form_sent_twice_makes_one_record(
    browsers: dict[str, TestClient], world: World, sql
) -> None:
    officer = browsers["officer_a"]
    name = f"Phòng {secrets.token_hex(3)}"
    form = _form(officer, "/rooms/new", site_id=str(world.sites["A"]), name=name)
    first = officer.post("/rooms/new", data=form, follow_redirects=False)
    again = officer.post("/rooms/new", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    made = sql("SELECT id FROM rooms WHERE name = $1", name)
    assert len(made) == 1
    # The same key with other values (the form reopened and changed): nothing made.
    other = officer.post("/rooms/new", data={**form, "name": name + " B"})
    assert other.status_code == 409 and 'id="resent"' in other.text
    assert sql("SELECT id FROM rooms WHERE name = $1", name + " B") == []
    # A refused sending leaves the key free: the corrected form is saved under it.
    fresh = _form(officer, "/rooms/new", site_id=str(world.sites["A"]), name="")
    _refused_at(officer.post("/rooms/new", data=fresh), "name", 422)
    fixed = officer.post("/rooms/new", data={**fresh, "name": name + " C"}, follow_redirects=False)
    assert fixed.status_code == 303
    # A form without its key is refused, and makes nothing.
    keyless = {k: v for k, v in fresh.items() if k != "idempotency_key"}
    assert officer.post("/rooms/new", data={**keyless, "name": name + " D"}).status_code == 400
    assert sql("SELECT id FROM rooms WHERE name = $1", name + " D") == []


# --- Sites and rooms (those who change the register) ----------------------------------------


def test_an_officer_adds_and_edits_a_site_of_the_unit(
    browsers: dict[str, TestClient], world: World, sql
) -> None:
    officer = browsers["officer_a"]
    name = f"Nhà văn hóa {secrets.token_hex(3)}"
    form = _form(officer, "/sites/new", name=name, address="Thôn 3", floor_area_m2="120.5")
    assert form["holder_unit_id"] == str(world.units["A"])  # the officer's own unit first
    made = officer.post("/sites/new", data=form, follow_redirects=False)
    assert made.status_code == 303
    assert made.headers["location"] == f"/sites?holder_unit_id={world.units['A']}&done=created"
    site = sql("SELECT id, floor_area_m2 FROM sites WHERE name = $1", name)[0]
    assert float(site["floor_area_m2"]) == 120.5
    listed = officer.get(made.headers["location"]).text
    assert name in listed and f'href="/sites/{site["id"]}/edit"' in listed and "Đã thêm." in listed
    edit = _form(officer, f"/sites/{site['id']}/edit", status="idle", year_built="1999")
    assert "holder_unit_id" not in edit  # a new holder is a handover, not this form's
    saved = officer.post(f"/sites/{site['id']}/edit", data=edit, follow_redirects=False)
    assert saved.status_code == 303
    got = world.callers["officer_a"].get(f"/api/v1/sites/{site['id']}").json()
    assert (got["status"], got["year_built"], got["address"]) == ("idle", 1999, "Thôn 3")
    assert _events(sql, "site", site["id"]) == ["create", "update"]
    # Refusals: another unit's holder (the API's 422), a year out of range, a bad number.
    other = _form(officer, "/sites/new", name=name + " B", holder_unit_id=str(world.units["B"]))
    html = _refused_at(officer.post("/sites/new", data=other), "holder_unit_id", 422)
    assert "Hãy chọn một mục thuộc phạm vi của bạn." in html
    for change, field in (
        ({"year_built": "1700"}, "year_built"),
        ({"latitude": "abc"}, "latitude"),
    ):
        bad = _form(officer, f"/sites/{site['id']}/edit", **change)
        _refused_at(officer.post(f"/sites/{site['id']}/edit", data=bad), field, 422)
    assert world.callers["officer_a"].get(f"/api/v1/sites/{site['id']}").json()["version"] == 2
    # Another unit's site is not found; a reader may not change one.
    assert browsers["officer_b"].get(f"/sites/{site['id']}/edit").status_code == 404
    assert browsers["auditor"].get(f"/sites/{site['id']}/edit").status_code == 403
    assert browsers["leader"].get("/sites/new").status_code == 403


def test_an_officer_adds_a_room_and_its_refusals_show(
    browsers: dict[str, TestClient], world: World, sql
) -> None:
    officer = browsers["officer_a"]
    name = f"Phòng họp {secrets.token_hex(3)}"
    form = _form(
        officer,
        "/rooms/new",
        site_id=str(world.sites["A"]),
        name=name,
        purpose="meeting",
        seats="20",
    )
    made = officer.post("/rooms/new", data=form, follow_redirects=False)
    assert made.status_code == 303
    assert made.headers["location"] == f"/rooms?site_id={world.sites['A']}&done=created"
    room = sql("SELECT id, tag, seats, purpose FROM rooms WHERE name = $1", name)[0]
    assert room["tag"] and room["seats"] == 20 and room["purpose"] == "meeting"  # its code too
    assert _events(sql, "room", room["id"]) == ["create"]
    # The same name on the same site is taken; another unit's site is not the officer's.
    again = _form(officer, "/rooms/new", site_id=str(world.sites["A"]), name=name)
    html = _refused_at(officer.post("/rooms/new", data=again), "name", 409)
    assert "Giá trị này đã được dùng cho một bản ghi khác." in html
    elsewhere = _form(officer, "/rooms/new", site_id=str(world.sites["B"]), name=name)
    _refused_at(officer.post("/rooms/new", data=elsewhere), "site_id", 422)
    assert f'<option value="{world.sites["B"]}"' not in officer.get("/rooms/new").text
    # A room holding an asset stays on its site: the refusal is on the site field.
    world.create(
        "/api/v1/assets",
        name="Bàn họp",
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A"],
        site_id=world.sites["A"],
        room_id=room["id"],
    )
    other_site = world.create(
        "/api/v1/sites", holder_unit_id=world.units["A"], name=f"Kho {secrets.token_hex(3)}"
    )
    move = _form(officer, f"/rooms/{room['id']}/edit", site_id=str(other_site["id"]))
    html = _refused_at(officer.post(f"/rooms/{room['id']}/edit", data=move), "site_id", 409)
    assert "đang được sử dụng" in html
    assert browsers["officer_b"].get(f"/rooms/{room['id']}/edit").status_code == 404


def test_a_conflicting_room_edit_shows_the_current_version(
    browsers: dict[str, TestClient], world: World
) -> None:
    room = world.create("/api/v1/rooms", site_id=world.sites["A"], name=f"P{secrets.token_hex(3)}")
    officer = browsers["officer_a"]
    stale = _form(officer, f"/rooms/{room['id']}/edit", seats="12")
    world.callers["admin"].patch(
        f"/api/v1/rooms/{room['id']}", json={"seats": 30}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    answer = officer.post(f"/rooms/{room['id']}/edit", data=stale)
    assert answer.status_code == 409 and 'id="conflict"' in answer.text
    assert "Chỗ ngồi: 12" in answer.text and 'name="seats" type="text" value="30"' in answer.text
    assert world.callers["admin"].get(f"/api/v1/rooms/{room['id']}").json()["seats"] == 30


# --- Users (admins) ---------------------------------------------------------------------------


def test_an_admin_adds_a_user_then_sets_role_unit_active_and_password(
    browsers: dict[str, TestClient], world: World, settings, sql
) -> None:
    admin = browsers["admin"]
    login = f"cb.{secrets.token_hex(3)}"
    form = _form(
        admin, "/users/new", login=login, full_name="Nguyễn Thị Hoa", unit_id=str(world.units["A"])
    )
    assert form["role"] == "officer"  # never admin by default
    made = admin.post(
        "/users/new", data={**form, "password": "mat-khau-dai-1"}, follow_redirects=False
    )
    assert made.status_code == 303, made.text[:400]
    user_id = sql("SELECT id FROM users WHERE login = $1", login)[0]["id"]
    newcomer = _signed_in(settings, login, "mat-khau-dai-1")
    newcomer.__exit__(None, None, None)
    edit_page = admin.get(f"/users/{user_id}/edit").text
    assert "argon2" not in edit_page and "$" not in re.sub(r"<script.*?</script>", "", edit_page)
    assert 'type="password" value=""' in edit_page  # nothing of the password drawn
    edit = _form(
        admin,
        f"/users/{user_id}/edit",
        role="auditor",
        unit_id=str(world.units["P"]),
        active="false",
        password="mat-khau-moi-2",
    )
    saved = admin.post(f"/users/{user_id}/edit", data=edit, follow_redirects=False)
    assert saved.status_code == 303
    got = world.callers["admin"].get(f"/api/v1/users/{user_id}").json()
    assert (got["role"], got["unit_id"], got["active"]) == ("auditor", world.units["P"], False)
    assert _events(sql, "user", user_id) == ["create", "update"]
    history = sql(
        "SELECT after::text AS after FROM events WHERE entity = 'user' AND entity_id = $1", user_id
    )
    assert all("mat-khau" not in h["after"] for h in history)
    # Active again with the new password: it signs in; a blank password keeps it.
    again = _form(admin, f"/users/{user_id}/edit", active="true")
    assert (
        admin.post(f"/users/{user_id}/edit", data=again, follow_redirects=False).status_code == 303
    )
    _signed_in(settings, login, "mat-khau-moi-2").__exit__(None, None, None)


def test_user_refusals_show_beside_their_field(
    browsers: dict[str, TestClient], world: World
) -> None:
    admin = browsers["admin"]
    for change, field, status in (
        ({"login": "officer_a", "password": "mat-khau-dai-1"}, "login", 409),
        ({"login": f"x{secrets.token_hex(3)}", "password": "short"}, "password", 422),
        ({"login": "có dấu", "password": "mat-khau-dai-1"}, "login", 422),
        (
            {"login": f"x{secrets.token_hex(3)}", "password": "mat-khau-dai-1", "email": "không"},
            "email",
            422,
        ),
    ):
        form = _form(admin, "/users/new", **change)
        html = _refused_at(admin.post("/users/new", data=form), field, status)
        assert "mat-khau-dai-1" not in html  # a password is never drawn back
    user_id = world.users["officer_b"]
    short = _form(admin, f"/users/{user_id}/edit", password="short")
    _refused_at(admin.post(f"/users/{user_id}/edit", data=short), "password", 422)
    for login in ("officer_a", "auditor", "leader"):
        assert browsers[login].get("/users/new").status_code == 403
        assert browsers[login].get(f"/users/{world.users['officer_a']}/edit").status_code == 403


# --- Blank batches ----------------------------------------------------------------------------


def test_an_officer_reserves_a_batch_and_downloads_its_labels(
    browsers: dict[str, TestClient], world: World, sql
) -> None:
    officer = browsers["officer_a"]
    page = officer.get("/batches").text
    form = re.search(r'<form method="post" action="/batches".*?</form>', page, re.S).group(0)
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    data.update(unit_id=str(world.units["A"]), size="4")
    made = officer.post("/batches", data=data, follow_redirects=False)
    again = officer.post("/batches", data=data, follow_redirects=False)  # sent twice: one batch
    assert made.status_code == again.status_code == 303
    location = made.headers["location"]
    assert location == again.headers["location"] and location.endswith("?done=created")
    batch_id = int(location.split("/")[2].split("?")[0])
    assert sql("SELECT size FROM tag_batches WHERE id = $1", batch_id)[0]["size"] == 4
    assert _events(sql, "tag_batch", batch_id) == ["create"]
    html = officer.get(location).text
    assert "Đã tạo lô tem." in html
    codes = re.findall(r"<tr><td>([\w-]+)</td><td><span class=\"muted\">Chưa gán", html)
    assert len(codes) == 4
    assert f'href="/batches/{batch_id}"' in officer.get("/batches").text
    pdf = officer.get(f"/batches/{batch_id}/labels", params={"stock": "a4-3x7", "skip": 2})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    zpl = officer.get(
        f"/batches/{batch_id}/labels", params={"format": "zpl", "stock": "roll-50x30"}
    )
    assert zpl.status_code == 200 and all(code in zpl.text for code in codes)
    assert (
        officer.get(f"/batches/{batch_id}/labels", params={"stock": "nonsense"}).status_code == 422
    )
    # Another unit's batch is not found, nor its labels; a reader reads but does not reserve.
    assert browsers["officer_b"].get(f"/batches/{batch_id}").status_code == 404
    assert browsers["officer_b"].get(f"/batches/{batch_id}/labels").status_code == 404
    assert f'/batches/{batch_id}"' not in browsers["officer_b"].get("/batches").text
    assert browsers["auditor"].get(f"/batches/{batch_id}").status_code == 200
    readers = browsers["auditor"].get("/batches").text
    assert 'action="/batches"' not in readers and f'href="/batches/{batch_id}"' in readers


def test_batch_refusals_show_beside_their_field(
    browsers: dict[str, TestClient], world: World, sql
) -> None:
    officer = browsers["officer_a"]
    before = sql("SELECT count(*) AS n FROM tag_batches")[0]["n"]
    for change, field in (
        ({"size": "0"}, "size"),
        ({"size": "nhiều"}, "size"),
        ({"size": "1001"}, "size"),
        ({"unit_id": str(world.units["B"])}, "unit_id"),
    ):
        page = officer.get("/batches").text
        form = re.search(r'<form method="post" action="/batches".*?</form>', page, re.S).group(0)
        data = {
            **dict(re.findall(r'name="(\w+)" value="([^"]*)"', form)),
            "unit_id": str(world.units["A"]),
            "size": "3",
            **change,
        }
        answer = officer.post("/batches", data=data)
        assert answer.status_code == 422, change
        assert (
            f'id="{field}-error"' in answer.text and answer.text.count('class="field-error"') == 1
        )
    assert sql("SELECT count(*) AS n FROM tag_batches")[0]["n"] == before
    token = _CSRF.search(browsers["auditor"].get("/batches").text).group(1)
    refused = browsers["auditor"].post(
        "/batches",
        data={
            "unit_id": str(world.units["A"]),
            "size": "3",
            "idempotency_key": "k",
            "_csrf_token": token,
        },
    )
    assert refused.status_code == 403
