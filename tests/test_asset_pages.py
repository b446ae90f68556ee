"""The asset's phone page and its actions: move, report a problem, readable history."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from inventory.app import create_app
from tests.world import PASSWORD, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _signed_in(settings, login: str) -> TestClient:
    client = TestClient(create_app(settings))
    client.__enter__()
    token = _CSRF.search(client.get("/login").text).group(1)
    client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    return client


@pytest.fixture(scope="module")
def officer(settings, world: World) -> Iterator[TestClient]:
    client = _signed_in(settings, "officer_a")
    yield client
    client.__exit__(None, None, None)


def _asset(world: World) -> dict:
    return world.create(
        "/api/v1/assets",
        name=f"Tivi {secrets.token_hex(3)}",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
        room_id=world.rooms["A"],
    )


def _csrf(client: TestClient, url: str) -> str:
    return _CSRF.search(client.get(url).text).group(1)


def test_every_action_on_the_asset_page_leads_to_a_page(officer: TestClient, world: World) -> None:
    asset = _asset(world)
    page = officer.get(f"/t/{asset['tag']}").text
    links = [link for link in re.findall(r'href="(/t/[^"]+)"', page) if "lang=" not in link]
    assert links
    for link in links:
        assert officer.get(link).status_code == 200, link


def test_move_to_another_room_from_the_phone(officer: TestClient, world: World, sql) -> None:
    asset = _asset(world)
    room = world.create(
        "/api/v1/rooms", site_id=world.sites["A"], name=f"Kho {secrets.token_hex(2)}"
    )
    form = officer.get(f"/t/{asset['tag']}/move")
    assert form.status_code == 200 and room["name"] in form.text
    moved = officer.post(
        f"/t/{asset['tag']}/move",
        data={"room_id": str(room["id"]), "_csrf_token": _csrf(officer, f"/t/{asset['tag']}/move")},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    shown = officer.get(moved.headers["location"]).text
    assert "Đã chuyển tài sản" in shown and room["name"] in shown
    assert sql("SELECT room_id FROM assets WHERE id = $1", asset["id"])[0][0] == room["id"]
    history = officer.get(f"/t/{asset['tag']}/history").text
    assert "Chuyển phòng" in history and "Phòng:" in history and room["name"] in history
    assert "Officer A" in history  # the person's name, not the login
    assert "room_id" not in history


def test_a_move_to_another_units_room_is_refused_beside_the_field(
    officer: TestClient, world: World
) -> None:
    asset = _asset(world)
    refused = officer.post(
        f"/t/{asset['tag']}/move",
        data={
            "room_id": str(world.rooms["B"]),
            "_csrf_token": _csrf(officer, f"/t/{asset['tag']}/move"),
        },
    )
    assert refused.status_code == 422 and 'id="room-error"' in refused.text


def test_report_a_problem_from_the_phone(officer: TestClient, world: World, sql) -> None:
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    reported = officer.post(
        url,
        data={
            "condition": "broken",
            "note": "Rơi vỡ <b>màn</b>",
            "_csrf_token": _csrf(officer, url),
        },
        follow_redirects=False,
    )
    assert reported.status_code == 303
    assert sql("SELECT condition FROM assets WHERE id = $1", asset["id"])[0][0] == "broken"
    history = officer.get(f"/t/{asset['tag']}/history").text
    assert "Báo hỏng" in history and "Tình trạng: " in history and "Hỏng" in history
    assert "Rơi vỡ &lt;b&gt;màn&lt;/b&gt;" in history  # user text is escaped


def test_a_bad_report_keeps_what_was_typed(officer: TestClient, world: World) -> None:
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    refused = officer.post(
        url, data={"condition": "stolen", "note": "Mất nắp", "_csrf_token": _csrf(officer, url)}
    )
    assert refused.status_code == 422
    assert 'id="condition-error"' in refused.text and "Mất nắp" in refused.text


def test_another_units_asset_is_not_found_and_a_reader_may_not_act(
    settings, officer: TestClient, world: World
) -> None:
    assert officer.get("/t/TB-TEST/move").status_code == 404
    assert officer.get("/t/TB-TEST/damage").status_code == 404
    leader = _signed_in(settings, "leader_a")
    try:
        assert leader.get("/t/TA-TEST/move").status_code == 403
        assert "Chuyển phòng" not in leader.get("/t/TA-TEST").text.split("<h2>")[-1]
    finally:
        leader.__exit__(None, None, None)


def test_the_home_page_greets_by_name_and_opens_a_typed_tag(
    officer: TestClient, world: World
) -> None:
    home = officer.get("/").text
    assert "Officer A" in home and 'href="/scan"' in home and 'action="/t"' in home
    assert 'href="/stocktakes"' in home and officer.get("/stocktakes").status_code == 200
    typed = officer.get("/t", params={"tag": " ta-test "}, follow_redirects=False)
    assert typed.status_code == 303 and typed.headers["location"] == "/t/TA-TEST"


def test_the_language_switch_keeps_where_the_user_was_going(settings) -> None:
    with TestClient(create_app(settings)) as visitor:
        page = visitor.get("/login?next=/t/TA-TEST").text
        switch = re.search(r'href="([^"]+)" hreflang="en"', page).group(1).replace("&amp;", "&")
        english = visitor.get(switch).text
        assert 'value="/t/TA-TEST"' in english and "Sign in" in english


_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _form_of(client: TestClient, url: str) -> dict[str, str]:
    """The hidden fields a phone's form is drawn with: its CSRF token and its key."""
    page = client.get(url).text
    return {
        "_csrf_token": _CSRF.search(page).group(1),
        "idempotency_key": _KEY.search(page).group(1),
    }


def test_a_move_sent_twice_moves_once_and_both_go_to_the_asset(
    officer: TestClient, world: World, sql
) -> None:
    """A double tap or a reload on a weak network: the form's key makes one change."""
    asset = _asset(world)
    url = f"/t/{asset['tag']}/move"
    rooms = [
        world.create("/api/v1/rooms", site_id=world.sites["A"], name=f"Kho {secrets.token_hex(2)}")
        for _ in range(2)
    ]
    form = {**_form_of(officer, url), "room_id": str(rooms[0]["id"])}
    answers = [officer.post(url, data=form, follow_redirects=False) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert {a.headers["location"] for a in answers} == {f"/t/{asset['tag']}?done=moved"}
    moves = sql(
        "SELECT count(*) FROM events WHERE entity = 'asset' AND entity_id = $1"
        " AND after->>'room_id' = $2",
        asset["id"],
        str(rooms[0]["id"]),
    )
    assert moves[0][0] == 1
    changed = officer.post(url, data={**form, "room_id": str(rooms[1]["id"])})
    assert changed.status_code == 409 and 'id="resent"' in changed.text
    assert sql("SELECT room_id FROM assets WHERE id = $1", asset["id"])[0][0] == rooms[0]["id"]


def test_a_report_sent_twice_is_kept_once(officer: TestClient, world: World, sql) -> None:
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    form = {**_form_of(officer, url), "condition": "broken", "note": f"Vỡ {secrets.token_hex(3)}"}
    answers = [officer.post(url, data=form, follow_redirects=False) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[1].headers["location"] == f"/t/{asset['tag']}?done=reported"
    reports = sql(
        "SELECT count(*) FROM events WHERE entity = 'asset' AND entity_id = $1"
        " AND after::text LIKE $2",
        asset["id"],
        f"%{form['note']}%",
    )
    assert reports[0][0] == 1


def test_a_form_drawn_before_forms_had_keys_still_reports(
    officer: TestClient, world: World, sql
) -> None:
    """A page kept open (or by the phone, offline) from before: sent as it is, it runs."""
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    form = {"_csrf_token": _csrf(officer, url), "condition": "fair", "note": ""}
    assert officer.post(url, data=form, follow_redirects=False).status_code == 303
    assert sql("SELECT condition FROM assets WHERE id = $1", asset["id"])[0][0] == "fair"
