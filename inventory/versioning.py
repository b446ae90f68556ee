"""Optimistic concurrency: versions as ETags, If-Match required on PATCH and DELETE."""

from __future__ import annotations

from litestar import Request

from inventory.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request: Request) -> int | None:
    """The version named by If-Match (None for `*`, which matches any: RFC 9110 13.1.1):
    428 without one, 412 if it cannot be ours."""
    header = request.headers.get("if-match")
    if not header:
        raise PreconditionRequired(
            "send If-Match with the ETag from your last GET, so no change is lost",
            field="If-Match",
        )
    value = header.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()):  # int() refuses "²", which isdigit() allows
        raise PreconditionFailed("If-Match does not match the current version", field="If-Match")
    return int(value)


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise PreconditionFailed(
            f"the record changed (now version {current}); GET it again and retry",
            field="If-Match",
        )
