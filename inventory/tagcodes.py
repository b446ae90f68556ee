"""Tag codes: `{PREFIX}-{6 symbols}{check}`, e.g. `52-7K3QX9M`.

The alphabet is digits and upper-case letters without I, L, O, U and Z (read
as 1, 1, 0, V and 2), so every character is in the QR alphanumeric set and the
whole URL can be encoded upper-case in the compact alphanumeric mode. It has
31 symbols, a prime, so a weighted sum modulo 31 with distinct weights catches
every single mistyped character and every swap of two neighbours.
"""

from __future__ import annotations

from enum import Enum
from urllib.parse import urlsplit

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
BASE = len(ALPHABET)  # 31, prime
BODY_LENGTH = 6
SPACE = BASE**BODY_LENGTH
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Lenient reading of what people type: look-alikes map to the symbol they resemble.
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V", "Z": "2"})
# Consecutive numbers spread over the code space, so neighbouring labels on a
# sheet differ in many characters (multiplier coprime to 31**6).
_SPREAD = 387_420_489


class TagProblem(Enum):
    VALID = "valid"
    MALFORMED = "malformed"
    TYPO = "typo"  # well-formed, but the check character does not match


def _check_symbol(text: str) -> str:
    """Weighted sum of every symbol before the check, prefix included."""
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(text) if c in _VALUE)
    return ALPHABET[total % BASE]


def check_prefix(prefix: str) -> str:
    """The prefix itself, if tags made with it can be validated (symbols of ALPHABET only)."""
    if not prefix or any(c not in _VALUE for c in prefix):
        raise ValueError(f"tag prefix {prefix!r}: use upper-case symbols of {ALPHABET}")
    return prefix


def check_base_url(base_url: str) -> str:
    """The base URL itself, if labels can print it upper-case: scheme and host only.

    `url()` upper-cases the whole address for the QR's alphanumeric mode; a path
    would be upper-cased too and stop matching, on labels already stuck on desks.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"public base URL {base_url!r}: give scheme and host, e.g. https://host")
    if parts.hostname in ("0.0.0.0", "::"):  # noqa: S104 - refused, not bound
        raise ValueError(
            f"public base URL {base_url!r}: {parts.hostname} is where a server listens, not an"
            " address a phone can open; give the host name or address people reach"
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(f"public base URL {base_url!r}: labels need scheme and host only")
    return base_url


def encode(number: int, prefix: str) -> str:
    """The tag for the `number`-th code of a deployment (0 <= number < 31**6)."""
    if not 0 <= number < SPACE:
        raise ValueError("tag number out of range")
    check_prefix(prefix)
    spread = (number * _SPREAD) % SPACE
    symbols = []
    for _ in range(BODY_LENGTH):
        spread, digit = divmod(spread, BASE)
        symbols.append(ALPHABET[digit])
    body = "".join(reversed(symbols))
    return f"{prefix}-{body}{_check_symbol(prefix + body)}"


def normalize(text: str) -> str:
    """Upper-case, trimmed, look-alikes mapped: what a typed or scanned tag should be."""
    return text.strip().upper().translate(_LOOKALIKES)


def validate(tag: str) -> TagProblem:
    prefix, dash, rest = tag.rpartition("-")
    if (
        not dash
        or not prefix
        or len(rest) != BODY_LENGTH + 1
        or any(c not in _VALUE for c in prefix + rest)
    ):
        return TagProblem.MALFORMED
    body, check = rest[:-1], rest[-1]
    return TagProblem.VALID if _check_symbol(prefix + body) == check else TagProblem.TYPO


def url(base_url: str, tag: str) -> str:
    """What a label's QR holds. Upper case keeps the QR in alphanumeric mode;
    scheme and host are case-blind and the app answers /T/ like /t/."""
    return f"{base_url.rstrip('/')}/t/{tag}".upper()


def room_url(base_url: str, code: str) -> str:
    """What a room label's QR holds: like `url`, under /R/ (the app answers /r/ too)."""
    return f"{base_url.rstrip('/')}/r/{code}".upper()
