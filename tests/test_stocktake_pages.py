"""The stocktake pages: the open counts of my scope, the scanning page of one (another
unit's is not found), its session-side scan batches (CSRF in a header, each scan id
taken once, the same function as the API's), and the service worker's script."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from litestar.testing import TestClient

from inventory.app import create_app
from tests.world import PASSWORD, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
_DATA = re.compile(r'<script type="application/json" id="stocktake-data">(.*?)</script>', re.S)


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
    clients = {
        login: _signed_in(settings, login) for login in ("officer_a", "officer_b", "auditor")
    }
    try:
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def stocktake(world: World) -> dict:
    officer = world.callers["officer_a"]
    asset = officer.post(
        "/api/v1/assets",
        json={
            "name": f"Tủ hồ sơ {secrets.token_hex(3)}",
            "category_id": world.categories["BG"],
            "holder_unit_id": world.units["A"],
            "room_id": world.rooms["A"],
        },
    )
    assert asset.status_code == 201, asset.text
    opened = officer.post(
        "/api/v1/stocktakes",
        json={"unit_id": world.units["A"], "site_id": world.sites["A"], "name": "Kiểm kê thử"},
    )
    assert opened.status_code == 201, opened.text
    return {**opened.json(), "tag": asset.json()["tag"], "asset": asset.json()}


def _batch(tag: str, room_id: int, n: int = 1) -> dict:
    seen_at = datetime.now(UTC).isoformat()
    return {
        "scans": [
            {"id": str(uuid.uuid4()), "tag": tag, "room_id": room_id, "seen_at": seen_at}
            for _ in range(n)
        ]
    }


def _csrf_header(page: TestClient) -> dict[str, str]:
    return {"x-csrftoken": page.cookies.get("csrftoken") or ""}


def test_the_list_shows_my_units_open_stocktakes(pages, stocktake) -> None:
    mine = pages["officer_a"].get("/stocktakes")
    assert mine.status_code == 200 and f'href="/stocktakes/{stocktake["id"]}"' in mine.text
    other = pages["officer_b"].get("/stocktakes")
    assert other.status_code == 200 and f'href="/stocktakes/{stocktake["id"]}"' not in other.text


def test_the_scanning_page_carries_rooms_and_expected_list(pages, stocktake, world) -> None:
    page = pages["officer_a"].get(f"/stocktakes/{stocktake['id']}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    data = json.loads(_DATA.search(page.text).group(1))
    assert data["id"] == stocktake["id"] and data["user"] == world.users["officer_a"]
    assert [world.rooms["A"], "Phòng Văn hóa - Xã hội", None] in data["rooms"]  # no label
    assert [stocktake["tag"], stocktake["asset"]["name"], world.rooms["A"]] in data["expected"]
    assert "/static/stocktake.js" in page.text and "/static/scan.js" in page.text


def test_another_units_officer_gets_404_and_readers_403(pages, stocktake, world) -> None:
    url = f"/stocktakes/{stocktake['id']}"
    assert pages["officer_b"].get(url).status_code == 404
    assert pages["auditor"].get(url).status_code == 403
    posted = pages["officer_b"].post(
        f"{url}/scans",
        json=_batch(stocktake["tag"], world.rooms["A"]),
        headers=_csrf_header(pages["officer_b"]),
    )
    assert posted.status_code == 404


def test_signed_out_visitors_go_to_sign_in(settings, stocktake) -> None:
    with TestClient(create_app(settings)) as anonymous:
        for url in ("/stocktakes", f"/stocktakes/{stocktake['id']}"):
            answer = anonymous.get(url, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_batches_from_the_page_are_taken_once(pages, stocktake, world) -> None:
    page = pages["officer_a"]
    url = f"/stocktakes/{stocktake['id']}/scans"
    body = _batch(stocktake["tag"], world.rooms["A"], 3)
    assert page.post(url, json=body).status_code == 403  # no CSRF token
    first = page.post(url, json=body, headers=_csrf_header(page))
    assert first.status_code == 200, first.text
    assert first.json()["accepted"] == 3 and first.json()["scans"][0]["kind"] == "found"
    again = page.post(url, json=body, headers=_csrf_header(page))
    assert again.status_code == 200 and again.json() == {
        **first.json(),
        "accepted": 0,
        "duplicates": 3,
        "scans": [{**s, "accepted": False} for s in first.json()["scans"]],
    }
    listed = world.callers["officer_a"].get(
        f"/api/v1/stocktakes/{stocktake['id']}/scans", params={"limit": 200}
    )
    sent = {s["id"] for s in body["scans"]}
    ours = [s for s in listed.json()["items"] if s["id"] in sent]
    assert len(ours) == 3 and {s["scanned_by"] for s in ours} == {world.users["officer_a"]}


def test_the_service_worker_is_served_from_the_root(client) -> None:
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["service-worker-allowed"] == "/"
    assert "inventory-pages-v1" in answer.text


def test_page_weight(pages, stocktake) -> None:
    """The page without its expected list stays small; each expected asset costs its tag,
    name and room, about 60 bytes before compression."""
    page = pages["officer_a"].get(f"/stocktakes/{stocktake['id']}")
    block = _DATA.search(page.text).group(1)
    data = json.loads(block)
    # The page less its data block, and the data less its expected list.
    rest = len(json.dumps({k: v for k, v in data.items() if k != "expected"}).encode())
    shell = len(page.content) - len(block.encode()) + rest
    print(f"stocktake page: {len(page.content)} bytes, {shell} without the expected list")
    assert shell < 12 * 1024
