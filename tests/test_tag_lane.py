"""The page lane: a signed-in user's asset page answered ahead of the router, as the route
would answer it, and everything else left to the route."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator

import httpx
import pytest
from litestar.testing import TestClient

from inventory.accounts.guards import SESSION_COOKIE
from inventory.app import create_app
from inventory.assets.fastpath import ScanLane
from inventory.web.csrf import unmask
from inventory.web.tag_lane import TagPageLane
from tests.test_phone_page import _blank, _sign_in
from tests.world import World

_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _same(answer: httpx.Response) -> tuple[list, str]:
    """An answer as two of the same page compare: each CSRF token is masked anew, so the
    tokens are compared unmasked."""
    headers = _headers(answer)
    text = _TOKEN.sub(lambda m: f'name="_csrf_token" value="{unmask(m.group(1))}"', answer.text)
    return headers, text


def _lane(client: TestClient) -> TagPageLane:
    scan_lane = client.app.asgi_handler.app.app  # Edge, RequestMetrics wrap it
    assert isinstance(scan_lane, ScanLane) and isinstance(scan_lane.framework, TagPageLane)
    return scan_lane.framework


def _phone(settings, login: str | None = "officer_a") -> TestClient:
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    client.__enter__()
    if login:
        _sign_in(client, login)
    return client


@pytest.fixture
def phone(settings, world: World) -> Iterator[TestClient]:
    client = _phone(settings)
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def passed(phone: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the lane passed on to the framework during the test."""
    lane = _lane(phone)
    framework = lane.framework
    seen: list[str] = []

    async def counting(scope, receive, send) -> None:
        seen.append(scope["path"])
        await framework(scope, receive, send)

    monkeypatch.setattr(lane, "framework", counting)
    return seen


def _by_the_route(
    phone: TestClient, monkeypatch: pytest.MonkeyPatch, call: Callable[[], httpx.Response]
) -> httpx.Response:
    async def stand_aside(*_: object) -> bool:
        return False

    with monkeypatch.context() as patch:
        patch.setattr(_lane(phone), "_answer", stand_aside)
        return call()


def _headers(answer: httpx.Response) -> list[tuple[str, str]]:
    """The answer's headers, but a gzipped body's length: the lane compresses in one call,
    the framework's stream in two flushes, so the same page differs by a few bytes."""
    gzipped = answer.headers.get("content-encoding") == "gzip"
    return [
        (k, v) for k, v in answer.headers.multi_items() if not (gzipped and k == "content-length")
    ]


def _asset(world: World, unit: str = "A", **fields: object) -> dict:
    return world.create(
        "/api/v1/assets",
        **{
            "name": f"Bàn làm việc <b>{secrets.token_hex(3)}</b>",
            "category_id": world.categories["BG"],
            "holder_unit_id": world.units[unit],
            "room_id": world.rooms[unit],
            **fields,
        },
    )


@pytest.mark.parametrize("lang", [None, "en"])
@pytest.mark.parametrize("encoding", ["gzip, deflate", "identity"])
@pytest.mark.parametrize("seen", [False, True])
def test_the_lane_answers_as_the_route(
    phone: TestClient,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    passed: list[str],
    sql,
    lang: str | None,
    encoding: str,
    seen: bool,
) -> None:
    asset = _asset(world)
    if seen:
        sql(
            "UPDATE assets SET last_seen_at = now(), last_seen_room_id = room_id,"
            " last_seen_by = (SELECT id FROM users WHERE login = 'officer_a') WHERE id = $1",
            asset["id"],
        )
    if lang:
        phone.cookies.set("lang", lang)
    headers = {"Accept-Encoding": encoding}
    for path in (f"/t/{asset['tag']}", f"/T/{asset['tag'].lower()}"):
        fast = phone.get(path, headers=headers)
        assert fast.status_code == 200 and passed == []
        routed = _by_the_route(phone, monkeypatch, lambda: phone.get(path, headers=headers))
        assert passed == [path]
        passed.clear()
        assert _same(fast) == _same(routed)
        assert int(fast.headers["content-length"]) == fast.num_bytes_downloaded
    assert fast.headers["cache-control"] == "no-store"
    assert ("content-encoding" in fast.headers) == (encoding != "identity")
    assert "&lt;b&gt;" in fast.text and "<b>" not in fast.text  # the name escaped
    csrf = phone.cookies.get("csrftoken")
    # The sign-out form's token, masked as the route masks it (never the cookie's own).
    assert csrf and csrf not in fast.text
    assert {unmask(t) for t in _TOKEN.findall(fast.text)} == {csrf}
    assert ('<html lang="en">' in fast.text) == (lang == "en")


def test_what_the_lane_leaves_to_the_route(
    phone: TestClient, world: World, passed: list[str]
) -> None:
    mine, theirs = _asset(world), _asset(world, "B")
    blank = _blank(world)
    cases = [
        (f"/t/{mine['tag']}?lang=en", 200),  # a language switch sets a cookie
        (f"/t/{mine['tag']}?done=moved", 200),
        (f"/t/{theirs['tag']}", 404),  # another unit's asset
        (f"/t/{blank}", 200),  # the claim form
        ("/t/NO-SUCH-TAG", 404),
        (f"/t/{mine['tag']}/history", 200),
    ]
    for path, status in cases:
        assert phone.get(path).status_code == status, path
    assert passed == [path.split("?")[0] for path, _ in cases]


def test_no_session_no_csrf_cookie_or_a_bad_host_go_to_the_route(
    phone: TestClient, world: World, passed: list[str]
) -> None:
    path = f"/t/{_asset(world)['tag']}"
    session = phone.cookies.get(SESSION_COOKIE)
    csrf = phone.cookies.get("csrftoken")
    phone.cookies.delete("csrftoken")
    first = phone.get(path)  # the CSRF middleware sets the cookie, as on any first visit
    assert first.status_code == 200 and "csrftoken" in first.headers["set-cookie"]
    phone.cookies.clear()
    phone.cookies.set("csrftoken", csrf)
    assert phone.get(path, follow_redirects=False).status_code == 303  # to sign in
    phone.cookies.set(SESSION_COOKIE, secrets.token_hex(32))  # a made-up session
    assert phone.get(path, follow_redirects=False).status_code == 303
    phone.cookies.set(SESSION_COOKIE, session)
    assert phone.get(path, headers={"Host": "bad host"}).status_code == 400
    assert passed == [path] * 4


def test_an_expired_or_ended_session_shows_nothing(
    settings, world: World, sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/t/{_asset(world)['tag']}"
    for end in ("expire", "sign out"):
        phone = _phone(settings)
        try:
            assert phone.get(path).status_code == 200
            session = phone.cookies.get(SESSION_COOKIE)
            if end == "expire":
                sql(
                    "UPDATE kv_store SET expires_at = now() - interval '1 second'"
                    " WHERE namespace = 'sessions' AND key = $1",
                    session,
                )
            else:
                csrf = phone.cookies.get("csrftoken")
                out = phone.post("/logout", data={"_csrf_token": csrf}, follow_redirects=False)
                assert out.status_code == 303
                phone.cookies.set(SESSION_COOKIE, session)  # a copy kept of the cookie
            answer = phone.get(path, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
        finally:
            phone.__exit__(None, None, None)


def test_the_lane_writes_nothing(phone: TestClient, world: World, sql) -> None:
    path = f"/t/{_asset(world)['tag']}"
    before = sql("SELECT count(*) AS n, max(expires_at) AS until FROM kv_store")[0]
    for _ in range(3):
        assert phone.get(path).status_code == 200
    assert sql("SELECT count(*) AS n, max(expires_at) AS until FROM kv_store")[0] == before
