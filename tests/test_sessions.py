"""Browser sessions end with the account they were signed in as: when it is disabled or
given another role or unit, and at their absolute lifetime however they are used."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from inventory.accounts.guards import SESSION_COOKIE
from inventory.app import create_app
from tests.world import PASSWORD as WORLD_PASSWORD
from tests.world import World

PASSWORD = "long-enough-1"


def _sign_in(browser: TestClient, login: str, password: str = PASSWORD) -> None:
    page = browser.get("/login").text
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
    data = {"login": login, "password": password, "_csrf_token": csrf}
    assert browser.post("/login", data=data, follow_redirects=False).status_code == 303


@pytest.fixture
def browser(settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture
def account(world: World) -> dict:
    """An officer of unit A of this test's own, so changing it touches no other test."""
    login = f"officer.{secrets.token_hex(4)}"
    created = world.admin.post(
        "/api/v1/users",
        json={
            "login": login,
            "password": PASSWORD,
            "role": "officer",
            "unit_id": world.units["A"],
            "full_name": f"Cán bộ {login}",
        },
    )
    assert created.status_code == 201, created.text
    return {**created.json(), "etag": created.headers["etag"]}


def _asset_page(world: World) -> str:
    """An asset page of unit A, which the phone page lane answers from the session row."""
    asset = world.create(
        "/api/v1/assets",
        name=f"Tủ hồ sơ {secrets.token_hex(3)}",
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A"],
        room_id=world.rooms["A"],
    )
    return f"/t/{asset['tag']}"


def _signed_in(browser: TestClient, account: dict, page: str) -> bool:
    """Whether the browser's session still reads as the account, on the start page and on
    the phone page (its own lane); the anonymous phone page sends to the sign-in page."""
    home = account["full_name"] in browser.get("/").text
    phone = browser.get(page, follow_redirects=False)
    assert home == (phone.status_code == 200), phone.status_code
    return home


@pytest.mark.parametrize(
    "change",
    [{"active": False}, {"role": "auditor"}, {"unit": "B"}],
    ids=["disabled", "role", "unit"],
)
def test_a_session_ends_when_its_account_is_disabled_or_moved(
    browser: TestClient, world: World, account: dict, change: dict, sql
) -> None:
    page = _asset_page(world)
    _sign_in(browser, account["login"])
    with TestClient(create_app(browser.app.state.settings)) as other:
        _sign_in(other, account["login"])  # a second browser of the same account
        assert _signed_in(browser, account, page) and _signed_in(other, account, page)
        if "unit" in change:
            change = {"unit_id": world.units[change["unit"]]}
        changed = world.admin.patch(
            f"/api/v1/users/{account['id']}", json=change, headers={"If-Match": account["etag"]}
        )
        assert changed.status_code == 200, changed.text
        assert not _signed_in(browser, account, page)
        assert not _signed_in(other, account, page)
    session = browser.cookies.get(SESSION_COOKIE)
    assert not sql("SELECT 1 FROM kv_store WHERE namespace = 'sessions' AND key = $1", session)
    assert world.officer_a.get("/api/v1/auth/me").status_code == 200  # others' tokens stand


def test_other_changes_and_other_accounts_keep_their_sessions(
    browser: TestClient, world: World, account: dict, settings
) -> None:
    page = _asset_page(world)
    _sign_in(browser, account["login"])
    with TestClient(create_app(settings)) as officer_a:
        _sign_in(officer_a, "officer_a", WORLD_PASSWORD)
        renamed = {**account, "full_name": f"{account['full_name']} (đổi tên)"}
        changed = world.admin.patch(
            f"/api/v1/users/{account['id']}",
            json={"full_name": renamed["full_name"], "role": "officer"},  # the same role
            headers={"If-Match": account["etag"]},
        )
        assert changed.status_code == 200, changed.text
        assert _signed_in(browser, renamed, page)
        disabled = world.admin.patch(
            f"/api/v1/users/{account['id']}",
            json={"active": False},
            headers={"If-Match": changed.headers["etag"]},
        )
        assert disabled.status_code == 200, disabled.text
        assert not _signed_in(browser, renamed, page)
        assert "Officer A" in officer_a.get("/").text


def test_a_session_past_its_absolute_lifetime_is_refused(
    browser: TestClient, world: World, account: dict, sql
) -> None:
    """However the row's own expiry moves, a session ends INVENTORY_SESSION_TTL after
    signing in: the end it was given then is checked on every read."""
    page = _asset_page(world)
    _sign_in(browser, account["login"])
    assert _signed_in(browser, account, page)
    session = browser.cookies.get(SESSION_COOKIE)
    # Signed in 13 h ago (the TTL is 12 h), though the row itself is still live.
    sql(
        """
        UPDATE kv_store SET value = convert_to(jsonb_set(
            convert_from(value, 'UTF8')::jsonb, '{principal,exp}',
            to_jsonb(extract(epoch FROM now() - interval '1 hour')::bigint))::text, 'UTF8'),
            expires_at = now() + interval '1 day'
        WHERE namespace = 'sessions' AND key = $1
        """,
        session,
    )
    assert not _signed_in(browser, account, page)
