"""What every answer carries whatever answered it: the router, the scan lane, static files,
an error page.

Wrapped around the whole app (`app.asgi_handler`), as the metrics are, so that the answers
made ahead of the router get the headers too.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send

# No script but the app's own files (the pages keep none inline), no plugin, no framing
# by another site (clickjacking), no <base> to redirect relative URLs, forms post here.
# Inline styles stay allowed: the needs charts are pygal SVG drawn inline, each with its
# own <style> under a per-chart id, and a style cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
_NAMES = frozenset(name for name, _ in HEADERS)


class SecurityHeaders:
    """ASGI middleware adding HEADERS to every HTTP answer that does not set its own
    (a photo keeps its stricter `default-src 'none'; sandbox`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers} & _NAMES
                headers.extend(h for h in HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
