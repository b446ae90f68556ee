"""CSRF tokens masked anew in every answer, against BREACH.

Litestar's CSRF middleware puts the cookie's token itself in every page (`csrf_input`),
the same for the whole session; pages are gzip-compressed and echo what a request sent
(a search), so an attacker who can make the browser load pages and watch their sizes
could read the token a letter at a time. Here a page carries the token XORed with a pad
drawn for that answer, the pad beside it: no two answers hold the same text, and a
request may send either the masked form or the cookie's own value (the scripts read the
cookie). Everything else is Litestar's middleware.
"""

from __future__ import annotations

import base64
import secrets

from litestar.config.csrf import CSRFConfig
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

COOKIE = "csrftoken"  # Litestar's default name, which the page scripts read
_HEX = frozenset(b"0123456789abcdef")


def mask(token: str) -> str:
    """`token` under a fresh pad: the pad and the XOR of both, as base64url."""
    raw = token.encode("ascii")
    pad = secrets.token_bytes(len(raw))
    # As integers, the XOR is one operation, not a loop over bytes: it runs on every page.
    mixed = int.from_bytes(pad) ^ int.from_bytes(raw)
    return base64.urlsafe_b64encode(pad + mixed.to_bytes(len(raw))).decode()


def unmask(sent: str) -> str:
    """The token a masked form stands for; anything else as it came (the middleware then
    checks it as it would any token)."""
    try:
        both = base64.urlsafe_b64decode(sent.encode("ascii"))
    except ValueError:
        return sent
    half = len(both) // 2
    if len(both) % 2 or base64.urlsafe_b64encode(both).decode() != sent:
        return sent
    token = bytes(a ^ b for a, b in zip(both[:half], both[half:], strict=True))
    # Litestar's tokens are hex: the cookie's own (hex, and so base64url too) comes as is.
    return token.decode() if token and all(c in _HEX for c in token) else sent


def _masking(app: ASGIApp) -> ASGIApp:
    """Before the route runs (and renders its templates), the token it would show is masked."""

    async def masked(scope: Scope, receive: Receive, send: Send) -> None:
        state = ScopeState.from_scope(scope)
        if isinstance(state.csrf_token, str) and state.csrf_token:
            state.csrf_token = mask(unmask(state.csrf_token))
        await app(scope, receive, send)

    return masked


class MaskedCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, taking masked tokens and showing only masked ones."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        super().__init__(app=_masking(app), config=config)

    def _csrf_tokens_match(self, request_csrf_token: str, cookie_csrf_token: str) -> bool:
        return super()._csrf_tokens_match(unmask(request_csrf_token), cookie_csrf_token)
