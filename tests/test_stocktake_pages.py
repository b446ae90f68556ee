"""The stocktake pages: the open counts of my scope, the scanning page of one (another
unit's is not found), its session-side scan batches (CSRF in a header, each scan id
taken once, the same function as the API's), and the service worker's script."""

from __future__ import annotations

import gzip
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


def _headers(page: TestClient, user_id: int) -> dict[str, str]:
    """What the page's script sends: the CSRF token, whose scans, problem details wanted."""
    return {
        "x-csrftoken": page.cookies.get("csrftoken") or "",
        "x-scans-by": str(user_id),
        "accept": "application/json",
    }


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
        headers=_headers(pages["officer_b"], world.users["officer_b"]),
    )
    assert posted.status_code == 404 and posted.json()["status"] == 404


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
    headers = _headers(page, world.users["officer_a"])
    first = page.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["accepted"] == 3 and first.json()["scans"][0]["kind"] == "found"
    again = page.post(url, json=body, headers=headers)
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


def test_scans_are_sent_only_by_their_own_officer(pages, stocktake, world) -> None:
    """A page made for one officer, the session now another's (signed in since on the same
    phone): 409, kept on the phone, never recorded as the other's."""
    page = pages["officer_a"]
    url = f"/stocktakes/{stocktake['id']}/scans"
    body = _batch(stocktake["tag"], world.rooms["A"])
    for whose in (str(world.users["admin"]), None):
        headers = _headers(page, world.users["officer_a"])
        if whose is None:
            del headers["x-scans-by"]
        else:
            headers["x-scans-by"] = whose
        refused = page.post(url, json=body, headers=headers)
        assert refused.status_code == 409 and refused.json()["field"] == "x-scans-by"
    listed = world.callers["officer_a"].get(
        f"/api/v1/stocktakes/{stocktake['id']}/scans", params={"limit": 200}
    )
    assert body["scans"][0]["id"] not in {s["id"] for s in listed.json()["items"]}


def test_the_script_gets_problem_details_a_browser_a_page(pages, stocktake, world) -> None:
    """Refusals name the scan at fault for the page's script (it sets that scan aside);
    the same refusal asked for by a browser is a page."""
    page = pages["officer_a"]
    url = f"/stocktakes/{stocktake['id']}/scans"
    body = _batch(stocktake["tag"], world.rooms["A"], 2)
    body["scans"][1]["room_id"] = world.rooms["B"]
    headers = _headers(page, world.users["officer_a"])
    refused = page.post(url, json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["field"] == "scans[1].room_id"
    as_page = page.post(url, json=body, headers={**headers, "accept": "text/html"})
    assert as_page.status_code == 422 and "text/html" in as_page.headers["content-type"]


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
    # A first visit over the wire (gzip, as the app serves them): the page, its stylesheet
    # and scripts; the decoder (jsQR) excepted, loaded only without BarcodeDetector. The
    # expected list is the count's data, as long as the unit is large (whatever other tests
    # of this worker registered): the page is weighed without it.
    files = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page.text)
    assert "/static/signout.js" in files and "/static/stocktake.js" in files
    without_list = page.text.replace(block, json.dumps({**data, "expected": []})).encode()
    wire = len(gzip.compress(without_list)) + sum(
        len(gzip.compress(pages["officer_a"].get(f).content)) for f in files
    )
    print(f"first visit: {wire} bytes gzipped ({len(files)} files and the page)")
    assert wire <= 30 * 1024
