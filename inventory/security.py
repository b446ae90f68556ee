"""What every answer carries and every request is held to, whatever answers it: the
router, the scan lane, static files, an error page.

`Edge` wraps the whole app (`app.asgi_handler`), as the metrics do, so the answers made
ahead of the router get the headers too and an oversized request reaches nothing.
`BoundedHttpTools` is the server's side of the same bounds: uvicorn's httptools parser
buffers a request's head without limit (a single 50 MiB header was read whole), so the
server counts the head's bytes as they come and answers 431 past `MAX_HEAD_BYTES`.
"""

from __future__ import annotations

import msgspec
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

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

# The path and query, and all header lines together, as common proxies bound them
# (nginx: 8 KiB a line); the server cuts a head off at twice the header bound.
MAX_URL_BYTES = 8 * 1024
MAX_HEADER_BYTES = 32 * 1024
MAX_HEAD_BYTES = 2 * MAX_HEADER_BYTES

_TITLES = {414: "URI too long", 431: "Request header fields too large"}
_STATUS_431 = b"HTTP/1.1 431 Request Header Fields Too Large\r\n"


def problem(status: int, detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of a problem-details answer made without the framework."""
    body = msgspec.json.encode({"status": status, "title": _TITLES[status], "detail": detail})
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *HEADERS,
    ]
    return headers, body


def _too_large(scope: Scope) -> tuple[int, str] | None:
    # raw_path is without the query under uvicorn, with it under some test clients.
    path = scope.get("raw_path") or scope["path"].encode()
    url = len(path.partition(b"?")[0]) + len(scope.get("query_string", b""))
    if url > MAX_URL_BYTES:
        return 414, f"the path and query are longer than {MAX_URL_BYTES} bytes"
    if sum(len(name) + len(value) + 4 for name, value in scope["headers"]) > MAX_HEADER_BYTES:
        return 431, f"the request's headers are larger than {MAX_HEADER_BYTES} bytes"
    return None


class Edge:
    """ASGI middleware: a request over the bounds is answered 414 or 431 (problem details)
    before anything reads it, and every HTTP answer gets HEADERS where it does not set its
    own (a photo keeps its stricter `default-src 'none'; sandbox`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = _too_large(scope)
        if refused is not None:
            headers, body = problem(*refused)
            await send({"type": "http.response.start", "status": refused[0], "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers} & _NAMES
                headers.extend(h for h in HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering 431 once a request's head (request line and
    headers) passes MAX_HEAD_BYTES instead of buffering it whole."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                headers, body = problem(
                    431, f"the request's headers are larger than {MAX_HEADER_BYTES} bytes"
                )
                lines = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
                self.transport.write(_STATUS_431 + lines + b"\r\n" + body)
                self.transport.close()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0
