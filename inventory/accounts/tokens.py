"""Signed bearer tokens: verified with one HMAC, no database round trip per request.

A token carries the principal and its expiry. Writes re-check the user in the
database (`history.write.Write`), so an account disabled or given another role or
unit cannot change anything even with a token that has not yet expired; reads are
refused within seconds too (`standing`, without a round trip per request).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import msgspec

from inventory.accounts.principal import Principal

_decoder = msgspec.json.Decoder(Principal)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    """The bytes of `text`, which must be exactly what `_b64` writes for them: the decoder
    skips characters outside its alphabet and ignores a last character's spare bits, so
    without this check `token + "."` or a changed last letter would verify as the token."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), b"inventory-token|" + payload, hashlib.sha256).digest()


def issue(principal: Principal, secret: str, ttl_seconds: int) -> tuple[str, int]:
    expires = int(time.time()) + ttl_seconds
    payload = msgspec.json.encode(msgspec.structs.replace(principal, exp=expires))
    return f"{_b64(payload)}.{_b64(_sign(secret, payload))}", expires


def verify(token: str, secret: str) -> Principal | None:
    """The principal a token names, or None if it is forged, malformed or expired."""
    body, _, signature = token.partition(".")  # a second "." is no base64url: refused
    try:
        payload = _unb64(body)
        valid = hmac.compare_digest(_unb64(signature), _sign(secret, payload))
        principal = _decoder.decode(payload) if valid else None
    except (ValueError, msgspec.DecodeError):
        return None
    if principal is None or principal.exp < time.time():
        return None
    return principal
