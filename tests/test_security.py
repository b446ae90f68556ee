"""Limits and headers every answer keeps, whatever answered it (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar.testing import TestClient

from inventory.security import MAX_HEADER_BYTES, MAX_URL_BYTES
from tests.world import World

TEMPLATES = Path(__file__).parents[1] / "inventory" / "web" / "templates"


def _has_security_headers(response) -> bool:
    return (
        "script-src 'self';" in response.headers["content-security-policy"]
        and "frame-ancestors 'none'" in response.headers["content-security-policy"]
        and response.headers["x-content-type-options"] == "nosniff"
        and response.headers["referrer-policy"] == "same-origin"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/login",  # a page
        "/static/app.css",  # a static file
        "/schema/swagger",  # the API's documentation
        "/api/v1/units/999999999",  # a problem
        "/no/such/page",  # an error page
        "/api/v1/assets/by-tag/TA-TEST",  # answered by the scan lane, ahead of the router
    ],
)
def test_every_answer_has_the_security_headers(world: World, path: str) -> None:
    response = world.officer_a.get(path)
    assert _has_security_headers(response), (path, response.headers)


def test_no_template_runs_inline_script() -> None:
    """`script-src 'self'` refuses inline scripts and event handler attributes."""
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
        assert "javascript:" not in text, template.name


def test_the_swagger_page_has_no_inline_script(client: TestClient) -> None:
    page = client.get("/schema/swagger").text
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", page))


def _is_problem(response, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response.headers["content-type"] == "application/problem+json"
        and body["status"] == status
        and body["title"]
        and _has_security_headers(response)
    )


def test_a_url_too_long_is_414_problem_details(world: World) -> None:
    fits = world.officer_a.get("/api/v1/assets", params={"q": "x" * 7000})
    assert fits.status_code == 200
    # Before the scan lane as before the router.
    for path in ("/api/v1/assets", "/api/v1/assets/by-tag/TA-TEST", "/login"):
        answer = world.officer_a.get(path, params={"q": "x" * (MAX_URL_BYTES + 1)})
        assert _is_problem(answer, 414), (path, answer.text)


def test_headers_too_large_are_431_problem_details(world: World) -> None:
    fits = world.officer_a.get("/api/v1/units", headers={"X-Note": "x" * 16_000})
    assert fits.status_code == 200
    one = world.officer_a.get("/api/v1/units", headers={"X-Note": "x" * (MAX_HEADER_BYTES + 1)})
    assert _is_problem(one, 431)
    many = {f"X-Note-{i}": "x" * 1000 for i in range(40)}
    assert _is_problem(world.officer_a.get("/api/v1/units", headers=many), 431)
