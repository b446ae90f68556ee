"""The interactive API documentation renders the OpenAPI 3.1 document, offline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect


@pytest.fixture
def page(server: str, chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(base_url=server)
    try:
        yield context.new_page()
    finally:
        context.close()


def _scrolled_to(page: Page, selector: str) -> Locator:
    """Swagger UI draws operations only near the view (and drops those scrolled past):
    scroll down until this one shows. Call it in the page's order."""
    found = page.locator(selector).first
    page.locator(".opblock").first.wait_for()
    for _ in range(60):
        if found.count():
            break
        page.mouse.wheel(0, 1200)
        page.wait_for_timeout(100)
    return found


def test_swagger_lists_the_operations(page: Page, server: str) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(server) else outside.append(request.url),
    )
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/schema/swagger")
    # Swagger UI writes the path with zero-width spaces; data-path holds it as it is.
    expect(_scrolled_to(page, '[data-path="/api/v1/units/{unit_id}"]')).to_be_visible()
    expect(_scrolled_to(page, '.opblock-summary-path[data-path="/api/v1/assets"]')).to_be_visible()
    expect(page.get_by_text("Unable to render")).to_have_count(0)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Commune Inventory API")
    assert outside == [], "the documentation must not load anything from elsewhere"
    assert refused == [], "the page must run under the app's Content-Security-Policy"
