"""Errors on pages are pages in the user's language with a way back; the API keeps JSON."""

from __future__ import annotations

import pytest
from litestar import get
from litestar.testing import TestClient

from inventory.app import create_app


@pytest.fixture
def visitor(settings):
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "status", "words"),
    [
        ("GET", "/t/TA-TEST/nowhere", 404, "Không tìm thấy trang"),
        ("GET", "/no-such-page", 404, "Không tìm thấy trang"),
        ("PUT", "/login", 405, "Không làm được theo cách này"),
        ("POST", "/logout", 403, "Biểu mẫu đã hết hạn"),  # no CSRF token
    ],
)
def test_a_page_error_is_a_vietnamese_page_with_a_way_back(
    visitor: TestClient, method: str, path: str, status: int, words: str
) -> None:
    response = visitor.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert words in response.text and 'href="/"' in response.text
    assert '<html lang="vi">' in response.text


def test_english_when_the_user_chose_it(visitor: TestClient) -> None:
    visitor.get("/login?lang=en")
    response = visitor.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in response.text


def test_the_api_keeps_its_problem_details(visitor: TestClient) -> None:
    response = visitor.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_a_page_that_fails_is_a_500_page_and_logged(settings) -> None:
    @get("/broken-page", sync_to_thread=False)
    def broken() -> None:
        raise RuntimeError("a bug")

    app = create_app(settings)
    app.register(broken)
    with TestClient(app) as client:
        response = client.get("/broken-page")
    assert response.status_code == 500 and "Lỗi máy chủ" in response.text
    assert "a bug" not in response.text


def test_pages_are_not_kept_in_the_browser_cache(visitor: TestClient) -> None:
    assert visitor.get("/login").headers["cache-control"] == "no-store"
    assert "no-store" not in visitor.get("/static/app.css").headers.get("cache-control", "")
