"""The desktop pages through the test client: the start page of each role, the asset
list (search, filters, sort, paging, totals) and an asset's page, in the user's scope."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

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
    body = {
        "name": f"Tủ tài liệu {secrets.token_hex(3)}",
        "category_id": world.categories["BG"],
        "holder_unit_id": world.units[unit],
        "room_id": world.rooms[unit],
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
