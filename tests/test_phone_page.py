"""The page a scan opens: sign in and back, the asset, the claim form, not-found pages."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.tagcodes import ALPHABET, encode
from tests.world import PASSWORD, World

MAX_PAGE_BYTES = 30 * 1024
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _csrf(page: str) -> str:
    match = _CSRF.search(page)
    assert match, page
    return match.group(1)


def _sign_in(client: TestClient, login: str, next_path: str = "/") -> None:
    token = _csrf(client.get("/login").text)
    response = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token, "next": next_path},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _client(settings) -> TestClient:
    """A phone's browser: cookies kept, redirects followed only when asked."""
    return TestClient(create_app(settings), base_url="http://127.0.0.1:8000")


@pytest.fixture
def browser(settings) -> Iterator[TestClient]:
    with _client(settings) as client:
        yield client


@pytest.fixture(scope="module")
def officer(settings, world: World) -> Iterator[TestClient]:
    with _client(settings) as client:
        _sign_in(client, "officer_a")
        yield client


@pytest.fixture(scope="module")
def leader(settings, world: World) -> Iterator[TestClient]:
    with _client(settings) as client:
        _sign_in(client, "leader_a")
        yield client


def _blank(world: World, unit: str = "A") -> str:
    caller = world.callers["officer_a" if unit == "A" else "officer_b"]
    response = caller.post("/api/v1/tags/batches", json={"unit_id": world.units[unit], "size": 1})
    assert response.status_code == 201, response.text
    return response.json()["tags"][0]["code"]


def _asset(world: World, unit: str = "A", **fields: object) -> dict:
    return world.create(
        "/api/v1/assets",
        **{
            "name": f"Máy hủy tài liệu {secrets.token_hex(3)}",
            "category_id": world.categories["MT"],
            "holder_unit_id": world.units[unit],
            "room_id": world.rooms[unit],
            **fields,
        },
    )


def _without_tokens(html: str) -> str:
    """The page without its CSRF token, and with the language switch's path read alike."""
    return re.sub(r'href="/[tT]/[^"?]*\?lang=', 'href="?lang=', _CSRF.sub("", html))


def test_signing_in_comes_back_to_the_scanned_tag(browser: TestClient, world: World) -> None:
    asset = _asset(world)
    path = f"/T/{asset['tag']}"
    first = browser.get(path, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == f"/login?next=%2FT%2F{asset['tag']}"
    login = browser.get(first.headers["location"])
    assert f'name="next" value="{path}"' in login.text
    response = browser.post(
        "/login",
        data={
            "login": "officer_a",
            "password": PASSWORD,
            "_csrf_token": _csrf(login.text),
            "next": path,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == path
    assert asset["name"] in browser.get(path).text


def test_upper_and_lower_case_paths_are_the_same_page(officer: TestClient, world: World) -> None:
    asset = _asset(world)
    upper = officer.get(f"/T/{asset['tag']}")
    lower = officer.get(f"/t/{asset['tag'].lower()}")
    assert upper.status_code == lower.status_code == 200
    assert _without_tokens(upper.text) == _without_tokens(lower.text)
    unknown = encode(886_000_000, "52")
    assert (
        officer.get(f"/T/{unknown}").status_code,
        officer.get(f"/t/{unknown.lower()}").status_code,
    ) == (404, 404)


def test_the_asset_page_shows_what_the_role_may_do(
    officer: TestClient, leader: TestClient, world: World
) -> None:
    asset = _asset(world, condition="needs_repair", status="in_storage")
    page = officer.get(f"/t/{asset['tag']}").text
    for text in (
        asset["name"],
        "Máy tính",
        "Xã Ia Rbol",
        "Trụ sở UBND A",
        "Phòng Văn hóa - Xã hội",
        "Cần sửa chữa",
        "Trong kho",
        "Chưa ghi nhận",
    ):
        assert text in page, text
    for action in ("move", "damage", "history"):
        assert f'href="/t/{asset["tag"]}/{action}"' in page, action
    page = leader.get(f"/t/{asset['tag']}").text
    assert asset["name"] in page and f'href="/t/{asset["tag"]}/history"' in page
    assert "/move" not in page and "/damage" not in page
    history = leader.get(f"/t/{asset['tag']}/history").text
    assert "Tạo mới" in history and "Admin" in history  # the person's name


def test_english_is_one_switch_away_and_remembered(browser: TestClient, world: World) -> None:
    asset = _asset(world, condition="needs_repair", status="in_storage")
    login = browser.get("/login", params={"lang": "en"})
    assert "Sign in" in login.text
    response = browser.post(
        "/login",
        data={"login": "officer_a", "password": PASSWORD, "_csrf_token": _csrf(login.text)},
    )
    english = browser.get(f"/t/{asset['tag']}").text  # the switch is remembered
    assert response.status_code == 200 and 'lang="en"' in english
    assert "Needs repair" in english and "In storage" in english and "Holder unit" in english
    assert "Tình trạng" in browser.get(f"/t/{asset['tag']}", params={"lang": "vi"}).text


def test_the_page_is_small_server_rendered_and_escapes_user_text(
    officer: TestClient, world: World
) -> None:
    asset = _asset(world, name='<script>alert("x")</script> Tủ')
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Tủ"
        in officer.get(f"/t/{asset['tag']}").text
    )
    for path in (f"/t/{asset['tag']}", f"/t/{_blank(world)}"):
        page = officer.get(path)
        # No JavaScript but the sign-out check of those who count (scans left unsent),
        # and user text escaped.
        assert re.findall(r"<script[^>]*>", page.text) == [
            '<script src="/static/signout.js" defer>'
        ]
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
        assert assets == ["/static/app.css", "/static/signout.js"]
        css, script = (officer.get(a) for a in assets)
        assert "http" not in css.text  # no CDN, no web fonts
        weight = len(page.content) + len(css.content) + len(script.content)
        assert weight < MAX_PAGE_BYTES, path


def test_claim_a_blank_tag_by_creating_an_asset(officer: TestClient, world: World) -> None:
    code = _blank(world)
    form = officer.get(f"/t/{code}")
    assert form.status_code == 200 and "Tem chưa gắn" in form.text
    assert "Trụ sở UBND A" in form.text and "Trụ sở UBND B" not in form.text  # A's rooms only
    name = f"Tủ lạnh {secrets.token_hex(3)}"
    done = officer.post(
        f"/t/{code}/claim",
        follow_redirects=False,
        data={
            "_csrf_token": _csrf(form.text),
            "action": "create",
            "name": name,
            "category_id": str(world.categories["BG"]),
            "room_id": str(world.rooms["A"]),
            "condition": "fair",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == f"/t/{code}?claimed=1"
    page = officer.get(done.headers["location"]).text
    assert name in page and "Đã gắn tem" in page and "Khá" in page
    asset = world.officer_a.get(f"/api/v1/assets/by-tag/{code}").json()
    assert (asset["name"], asset["room_id"]) == (name, world.rooms["A"])


def test_claim_a_blank_tag_by_binding_a_found_asset(officer: TestClient, world: World) -> None:
    code = _blank(world)
    untagged = _asset(world, issue_tag=False, name=f"Máy scan {secrets.token_hex(3)}")
    found = officer.get(f"/t/{code}", params={"q": untagged["name"]})
    assert f'value="{untagged["id"]}"' in found.text
    nothing = officer.get(f"/t/{code}", params={"q": "khong co gi nhu vay"})
    assert "Không có tài sản chưa gắn tem nào khớp" in nothing.text
    done = officer.post(
        f"/t/{code}/claim",
        follow_redirects=False,
        data={"_csrf_token": _csrf(found.text), "action": "bind", "asset_id": str(untagged["id"])},
    )
    assert done.status_code == 303
    assert world.officer_a.get(f"/api/v1/assets/{untagged['id']}").json()["tag"] == code


def test_claim_form_errors_and_csrf(officer: TestClient, leader: TestClient, world: World) -> None:
    code = _blank(world)
    token = _csrf(officer.get(f"/t/{code}").text)
    no_csrf = officer.post(f"/t/{code}/claim", data={"action": "create", "name": "X"})
    assert no_csrf.status_code == 403
    empty = officer.post(
        f"/t/{code}/claim",
        data={
            "_csrf_token": token,
            "action": "create",
            "name": " ",
            "category_id": str(world.categories["BG"]),
        },
    )
    assert empty.status_code == 422 and "Thông tin chưa hợp lệ" in empty.text
    assert 'id="name-error"' in empty.text  # beside the field at fault
    assert f'<option value="{world.categories["BG"]}" selected>' in empty.text  # kept
    no_category = officer.post(
        f"/t/{code}/claim",
        data={"_csrf_token": token, "action": "create", "name": "Máy lọc nước"},
    )
    assert no_category.status_code == 422 and 'id="category-error"' in no_category.text
    assert 'value="Máy lọc nước"' in no_category.text
    foreign_room = officer.post(
        f"/t/{code}/claim",
        data={
            "_csrf_token": token,
            "action": "create",
            "name": "Bàn",
            "category_id": str(world.categories["BG"]),
            "room_id": str(world.rooms["B"]),
        },
    )
    assert foreign_room.status_code == 422 and 'id="room-error"' in foreign_room.text
    assert world.officer_a.get(f"/api/v1/tags/{code}").json()["state"] == "blank"

    page = leader.get(f"/t/{code}").text
    assert "Chỉ cán bộ của đơn vị mới gắn được tem" in page and "/claim" not in page
    refused = leader.post(
        f"/t/{code}/claim",
        data={
            "_csrf_token": _csrf(page),
            "action": "create",
            "name": "Bàn",
            "category_id": str(world.categories["BG"]),
        },
    )
    assert refused.status_code == 403 and "Bạn không có quyền gắn tem" in refused.text


def test_the_claim_form_preselects_no_category(officer: TestClient, world: World) -> None:
    """A water filter must not silently become a desk: the officer picks the category."""
    form = officer.get(f"/t/{_blank(world)}").text
    categories = form.split('name="category_id"')[1].split("</select>")[0]
    assert " selected" not in categories and '<option value="">' in categories


def test_unknown_and_other_units_tags_get_the_same_page(officer: TestClient, world: World) -> None:
    other_blank, other_asset = _blank(world, "B"), _asset(world, "B")["tag"]
    unknown = encode(885_000_000, "52")
    pages = {code: officer.get(f"/t/{code}") for code in (unknown, other_blank, other_asset)}
    assert {p.status_code for p in pages.values()} == {404}
    bodies = {_without_tokens(p.text).replace(code, "CODE") for code, p in pages.items()}
    assert len(bodies) == 1
    assert "Không tìm thấy tem" in next(iter(bodies))
    claim = officer.post(
        f"/t/{other_blank}/claim",
        data={
            "_csrf_token": _csrf(pages[unknown].text),
            "action": "create",
            "name": "Bàn",
            "category_id": str(world.categories["BG"]),
        },
    )
    assert claim.status_code == 404 and "Không tìm thấy tem" in claim.text
    assert officer.get(f"/t/{other_asset}/history").status_code == 404


def test_mistyped_and_malformed_codes_say_so(officer: TestClient, world: World) -> None:
    code = _blank(world)
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    typo = officer.get(f"/t/{code[:-1]}{wrong}")
    assert typo.status_code == 404 and "Mã tem có vẻ bị sai" in typo.text
    english = officer.get(f"/t/{code[:-1]}{wrong}", params={"lang": "en"})
    assert "looks mistyped" in english.text
    malformed = officer.get("/t/hello", params={"lang": "vi"})
    assert malformed.status_code == 404 and "Không phải mã tem" in malformed.text


def test_a_retired_tag_says_it_is_never_used_again(officer: TestClient, world: World) -> None:
    code = _blank(world)
    claimed = world.officer_a.post(
        f"/api/v1/tags/{code}/claim",
        json={"asset": {"name": "Ghế", "category_id": world.categories["BG"]}},
    ).json()
    world.officer_a.delete(f"/api/v1/assets/{claimed['asset_id']}", headers={"If-Match": '"1"'})
    page = officer.get(f"/t/{code}")
    assert page.status_code == 410 and "không bao giờ được dùng lại" in page.text


def test_a_claim_by_an_account_disabled_since_signing_in_shows_the_page(
    settings, world: World, sql
) -> None:
    created = world.admin.post(
        "/api/v1/users",
        json={
            "login": "officer.phone",
            "password": PASSWORD,
            "role": "officer",
            "unit_id": world.units["A"],
        },
    )
    assert created.status_code == 201, created.text
    code = _blank(world)
    with _client(settings) as phone:
        _sign_in(phone, "officer.phone")
        form = phone.get(f"/t/{code}")
        # Behind the API's back, which would end the session (tests/test_sessions.py):
        # the write's own re-check is what refuses a session that outlived its account.
        sql("UPDATE users SET active = false WHERE id = $1", created.json()["id"])
        refused = phone.post(
            f"/t/{code}/claim",
            data={
                "_csrf_token": _csrf(form.text),
                "action": "create",
                "name": "Bàn",
                "category_id": str(world.categories["BG"]),
            },
        )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "Tài khoản của bạn đã bị khóa" in refused.text
    assert world.officer_a.get(f"/api/v1/tags/{code}").json()["state"] == "blank"


def test_a_claim_sent_twice_makes_one_asset(officer: TestClient, world: World, sql) -> None:
    code, name = _blank(world), f"Quạt trần {secrets.token_hex(3)}"
    page = officer.get(f"/t/{code}").text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key
    form = {
        "_csrf_token": _csrf(page),
        "idempotency_key": key.group(1),
        "action": "create",
        "name": name,
        "category_id": str(world.categories["BG"]),
    }
    answers = [officer.post(f"/t/{code}/claim", data=form, follow_redirects=False) for _ in "12"]
    assert [a.status_code for a in answers] == [303, 303]
    assert {a.headers["location"] for a in answers} == {f"/t/{code}?claimed=1"}
    assert sql("SELECT count(*) FROM assets WHERE name = $1", name)[0][0] == 1
