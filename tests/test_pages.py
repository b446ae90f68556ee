"""Pages: sign in with a session cookie, CSRF on forms, Vietnamese first."""

from __future__ import annotations

import re
import secrets
import time

from litestar import post
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.web.csrf import unmask
from tests.world import PASSWORD


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def test_login_page_is_vietnamese_first_with_english(settings) -> None:
    with TestClient(create_app(settings)) as client:
        page = client.get("/login")
        assert page.status_code == 200 and 'lang="vi"' in page.text
        assert "Đăng nhập" in page.text and "Mật khẩu" in page.text
        english = client.get("/login", params={"lang": "en"})
        assert "Sign in" in english.text and "Password" in english.text


def test_session_login_logout_and_safe_redirect(settings, world) -> None:
    with TestClient(create_app(settings)) as client:
        token = _csrf(client, "/login")
        bad = client.post(
            "/login",
            data={"login": "officer_a", "password": "wrong", "_csrf_token": token, "next": "/"},
        )
        assert bad.status_code == 401 and "Sai tên đăng nhập" in bad.text
        ok = client.post(
            "/login",
            data={
                "login": "officer_a",
                "password": PASSWORD,
                "_csrf_token": token,
                "next": "//evil.example/x",
            },
            follow_redirects=False,
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        assert "Officer A" in client.get("/").text
        client.post("/logout", data={"_csrf_token": _csrf(client, "/")})
        assert "officer_a" not in client.get("/").text


def test_signing_in_gives_a_new_session_id(settings, world, sql) -> None:
    """Session fixation: an id planted in the browser before sign-in must stay anonymous."""
    with TestClient(create_app(settings)) as client:
        planted = secrets.token_hex(32)  # what an attacker could have set in the browser
        client.cookies.set("inventory_session", planted)
        token = _csrf(client, "/login")
        ok = client.post(
            "/login",
            data={"login": "officer_a", "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        renewed = ok.cookies["inventory_session"]
        assert renewed not in (planted, "null")
        assert "Officer A" in client.get("/").text
    assert not sql("SELECT 1 FROM kv_store WHERE namespace = 'sessions' AND key = $1", planted)
    with TestClient(create_app(settings), cookies={"inventory_session": planted}) as attacker:
        assert "Officer A" not in attacker.get("/").text


def test_a_page_view_writes_nothing_to_the_database(settings, world, sql) -> None:
    """Sessions are written at sign-in and sign-out only (and never for a visitor)."""
    sessions = "SELECT key, xmin::text AS version FROM kv_store WHERE namespace = 'sessions'"
    with TestClient(create_app(settings)) as visitor:
        before = {r["key"] for r in sql(sessions)}
        for _ in range(3):
            assert visitor.get("/login").status_code == 200
        assert {r["key"] for r in sql(sessions)} == before
    with TestClient(create_app(settings)) as client:
        token = _csrf(client, "/login")
        client.post(
            "/login",
            data={"login": "officer_a", "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        mine = client.cookies["inventory_session"]
        stored = {r["key"]: r["version"] for r in sql(sessions)}[mine]
        for _ in range(3):
            assert "Officer A" in client.get("/").text
            assert client.get("/t/TA-TEST").status_code == 200
        assert {r["key"]: r["version"] for r in sql(sessions)}[mine] == stored
        client.post("/logout", data={"_csrf_token": _csrf(client, "/")}, follow_redirects=False)
    assert mine not in {r["key"] for r in sql(sessions)}


def test_forms_need_a_csrf_token(settings, world) -> None:
    with TestClient(create_app(settings)) as client:
        client.get("/login")
        response = client.post("/login", data={"login": "officer_a", "password": PASSWORD})
        assert response.status_code == 403


def test_only_the_api_prefix_skips_csrf(settings) -> None:
    @post("/forms/api/note", include_in_schema=False)
    async def note() -> str:
        return "written"

    app = create_app(settings)
    app.register(note)  # a page form whose path merely contains "/api/"
    with TestClient(app) as client:
        assert client.post("/forms/api/note").status_code == 403


def test_api_ignores_the_session_cookie(settings, world) -> None:
    with TestClient(create_app(settings)) as client:
        token = _csrf(client, "/login")
        client.post("/login", data={"login": "admin", "password": PASSWORD, "_csrf_token": token})
        assert client.get("/api/v1/units").status_code == 401


def test_openapi_documents_operations_and_runs_offline(client: TestClient) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "bearer" in schema["components"]["securitySchemes"]
    get_unit = schema["paths"]["/api/v1/units/{unit_id}"]["get"]
    assert {"404", "401"} <= set(get_unit["responses"])
    ui = client.get("/schema/swagger").text
    assert "cdn." not in ui and "http://" not in ui.replace("http://127.0.0.1", "")
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/static/vendor/swagger-ui/{name}" in ui
        assert client.get(f"/static/vendor/swagger-ui/{name}").status_code == 200


def test_expired_sessions_are_swept_when_the_app_starts(settings, sql) -> None:
    sql(
        "INSERT INTO kv_store (namespace, key, value, expires_at) VALUES"
        " ('sessions', 'old', 'x', now() - interval '1 hour'),"
        " ('sessions', 'live', 'x', now() + interval '1 hour')"
    )
    with TestClient(create_app(settings)):
        for _ in range(50):  # the sweep runs beside start-up, not before it
            keys = {r[0] for r in sql("SELECT key FROM kv_store WHERE key IN ('old', 'live')")}
            if keys == {"live"}:
                break
            time.sleep(0.05)
    assert keys == {"live"}
    sql("DELETE FROM kv_store WHERE key = 'live'")


def test_the_csrf_token_is_masked_anew_in_every_page(settings, world) -> None:
    """BREACH: a compressed page that reflects a request must not hold one fixed secret."""
    with TestClient(create_app(settings)) as client:
        first, second = _csrf(client, "/login"), _csrf(client, "/login")
        cookie = client.cookies.get("csrftoken")
        assert first != second and cookie not in client.get("/login").text
        assert unmask(first) == unmask(second) == cookie
        changed = first[:10] + ("A" if first[10] != "A" else "B") + first[11:]
        wrong = {"login": "officer_a", "password": "not-it"}
        assert client.post("/login", data={**wrong, "_csrf_token": changed}).status_code == 403
        again = client.post("/login", data={**wrong, "_csrf_token": first})
        assert again.status_code == 401 and first not in again.text  # the form, not echoing it
        assert unmask(_csrf_of(again.text)) == cookie
        signed_in = client.post(
            "/login",
            data={"login": "officer_a", "password": PASSWORD, "_csrf_token": second},
            follow_redirects=False,
        )
        assert signed_in.status_code in (302, 303)


def _csrf_of(page: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)
