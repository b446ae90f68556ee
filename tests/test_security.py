"""Limits and headers every answer keeps, whatever answered it (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar.testing import TestClient

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
