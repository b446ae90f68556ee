"""Errors on pages are pages: in the user's language, with a way back, never raw JSON.

The API's problem details stay as they are, and so do they for a page's script asking
for JSON (the stocktake page's scan batches, which read `field`); for anything else,
this wraps every exception handler of the app (the problem-details plugin's included)
so that the same status comes back as the page `error.html`, its headers (Retry-After)
kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol
from litestar.response import Redirect, Template

from inventory.web.i18n import texts

_NOT_PAGES = ("/api/", "/schema")
_KNOWN = frozenset({400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503})
Handler = Callable[[Request, Exception], Response]


def is_page(path: str) -> bool:
    return not path.startswith(_NOT_PAGES)


def _wants_page(request: Request) -> bool:
    return is_page(request.url.path) and request.headers.get("accept") != "application/json"


def _page(request: Request, exc: Exception, answer: Response) -> Response:
    status = answer.status_code
    kind = f"error_{status if status in _KNOWN else 500 if status >= 500 else 400}"
    if status == 403 and "csrf" in str(getattr(exc, "detail", "")).lower():
        kind = "error_csrf"
    headers = {k: v for k, v in answer.headers.items() if k.lower() in ("retry-after", "allow")}
    return Template(
        "error.html",
        status_code=status,
        headers={**headers, "Cache-Control": "no-store"},
        context={
            "t": texts(request, None),
            "user": request.scope.get("user"),
            "kind": kind,
            "path": request.url.path,
            "retry_after": headers.get("retry-after") or headers.get("Retry-After"),
        },
    )


def _for_pages(handler: Handler) -> Handler:
    def handle(request: Request, exc: Exception) -> Response:
        answer = handler(request, exc)
        return _page(request, exc, answer) if _wants_page(request) else answer

    return handle


class ErrorPages(InitPluginProtocol):
    """Put last among the plugins: it wraps the handlers the others installed."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        handlers: dict[Any, Any] = app_config.exception_handlers  # type: ignore[assignment]
        for key, handler in list(handlers.items()):
            handlers[key] = _for_pages(handler)
        return app_config


async def no_store(response: Response) -> Response:
    """Pages are personal: a browser must not show one from its cache after signing out.

    Async on purpose: Litestar runs a sync hook in a worker thread, on every request."""
    if isinstance(response, Template | Redirect):
        response.headers["Cache-Control"] = "no-store"
    return response
