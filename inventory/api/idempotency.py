"""Idempotency-Key on every POST of the API: a request sent again gets the first answer.

A phone on a weak network may send a POST, lose the answer and send it again. With the
same `Idempotency-Key` header (the IETF httpapi draft's), the second request is not
run: it gets the first one's answer (`Idempotent-Replayed: true`). The same key with a
different request is a 422; while the first is still running, a 409. Keys are the
caller's own, kept in PostgreSQL for a day, so every worker sees them.

The key is marked as used inside the write's own transaction (the write step runs
`ON_COMMIT` last before COMMIT), by the sending that claimed it: the change and its key
commit together. The answer is stored after, so a worker that dies, or a database that
goes away, between the two leaves a key that made its change with no answer: a retry is
told so (409) and changes nothing. A claim holds for HOLD; past it with nothing
committed, the sender is taken to be gone and a retry runs in its place. Should the
first sending be only slow and reach its COMMIT after all, its mark finds the claim
taken and it rolls back: under one key a change commits once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from functools import partial
from typing import Any

import asyncpg
from litestar import Request
from litestar.openapi.spec import OpenAPI, OpenAPIResponse, Operation, Parameter, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from inventory.db.pool import connection
from inventory.errors import OUTAGES, Conflict, unavailable
from inventory.history.write import ON_COMMIT
from inventory.openapi import problem

HEADER = b"idempotency-key"
MAX_KEY = 255
MAX_STORED = 5 * 1024 * 1024  # bytes of answer kept for a replay
KEEP = "1 day"
HOLD = "2 minutes"
"""How long a claim with no answer counts as still running: far above any request's time
(a statement stops at 30 s; long work is a job), and short for a phone that retries."""

# $4 the sending's claim (None for a page's form, claimed inside its create's transaction).
CLAIM = f"""
WITH swept AS (DELETE FROM idempotency_keys WHERE user_id = $1 AND expires_at < now())
INSERT INTO idempotency_keys (user_id, key, fingerprint, expires_at, claim, claimed_until)
VALUES ($1, $2, $3, now() + interval '{KEEP}', $4, now() + interval '{HOLD}')
ON CONFLICT (user_id, key) DO NOTHING RETURNING 1
"""
EARLIER = """
SELECT fingerprint, status, headers, body, committed_at IS NOT NULL AS committed,
       coalesce(claimed_until, expires_at) > now() AS running
FROM idempotency_keys WHERE user_id = $1 AND key = $2
"""
# A claim whose sender is gone (its hold passed) and that committed nothing.
TAKE_OVER = f"""
UPDATE idempotency_keys SET claim = $3, claimed_until = now() + interval '{HOLD}'
WHERE user_id = $1 AND key = $2 AND status IS NULL AND committed_at IS NULL
  AND coalesce(claimed_until, expires_at) <= now()
RETURNING 1
"""
# In the write's transaction: only the sending holding the claim may commit under the key.
MARK_COMMITTED = """
UPDATE idempotency_keys SET committed_at = coalesce(committed_at, now())
WHERE user_id = $1 AND key = $2 AND claim = $3 RETURNING 1
"""
KEEP_ANSWER = """
UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 WHERE user_id = $1 AND key = $2
"""
# A failure is kept only where its sending committed a change (a retry must not run again).
KEEP_CLAIMED_ANSWER = """
UPDATE idempotency_keys SET status = $4, headers = $5, body = $6
WHERE user_id = $1 AND key = $2 AND claim = $3 AND ($4 < 500 OR committed_at IS NOT NULL)
RETURNING 1
"""
FORGET = """
DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND claim = $3
  AND committed_at IS NULL
"""
SWEEP = "DELETE FROM idempotency_keys WHERE expires_at < now()"


def _key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            return value.decode("latin-1").strip()
    return None


class Idempotency:
    """ASGI middleware for API POSTs that carry an Idempotency-Key from a signed-in caller."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope) if scope["type"] == "http" and scope["method"] == "POST" else None
        principal = scope.get("user")
        if key is None or principal is None or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY or not key.isprintable():
            await _problem(scope, receive, send, 400, "Bad request", "a bad Idempotency-Key")
            return
        # The route's own bound where it has one (a photo's 11 MB), else the app's.
        bound = getattr(scope.get("route_handler"), "resolve_request_max_body_size", None)
        limit = (bound() if bound else None) or scope["litestar_app"].state.settings.max_body_bytes
        body, receive = await _read_body(receive, limit)
        if body is None:  # too large to keep: the app answers it (413) as any other
            await self.app(scope, receive, send)
            return
        fingerprint = hashlib.sha256(
            b"\0".join((scope["path"].encode(), scope.get("query_string", b""), _same(scope, body)))
        ).digest()
        pool, user = scope["litestar_app"].state.pool, principal.user_id
        claim = secrets.token_hex(8)  # this sending's, apart from any other of the key
        try:
            async with connection(pool) as conn:
                earlier = await _claim(conn, user, key, fingerprint, claim)
        except OUTAGES as exc:
            await _send(unavailable(exc), scope, receive, send)
            return
        if earlier is not None:
            await _answer_again(earlier, fingerprint, scope, receive, send)
            return
        mark = ON_COMMIT.set(partial(_mark_committed, user, key, claim))
        try:
            await self._run(scope, receive, send, pool, user, key, claim)
        finally:
            ON_COMMIT.reset(mark)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        pool: asyncpg.Pool,
        user: int,
        key: str,
        claim: str,
    ) -> None:
        status, headers, parts = 500, [], []

        async def keep(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, keep)
        finally:
            body = b"".join(parts)
            named = [[n.decode("latin-1"), v.decode("latin-1")] for n, v in headers]
            try:
                async with connection(pool) as conn:
                    small = len(body) <= MAX_STORED
                    args = (user, key, claim)
                    if not (
                        small
                        and await conn.fetchval(KEEP_CLAIMED_ANSWER, *args, status, named, body)
                    ):
                        await conn.execute(FORGET, *args)  # nothing changed: a retry runs again
            except OUTAGES:  # the answer is sent; a retry finds the key as its write left it
                pass


async def _claim(
    conn: asyncpg.Connection, user: int, key: str, fingerprint: bytes, claim: str
) -> Mapping[str, Any] | None:
    """None once this sending holds the key, else the key's earlier use."""
    if await conn.fetchval(CLAIM, user, key, fingerprint, claim):
        return None
    earlier = await conn.fetchrow(EARLIER, user, key)
    if earlier is None:  # forgotten by its failed sending in between: "retry shortly"
        return {"fingerprint": fingerprint, "status": None, "running": True, "committed": False}
    gone = earlier["status"] is None and not (earlier["committed"] or earlier["running"])
    if gone and earlier["fingerprint"] == fingerprint:
        if await conn.fetchval(TAKE_OVER, user, key, claim):
            return None  # its sender is gone, having changed nothing
        return await conn.fetchrow(EARLIER, user, key) or earlier
    return earlier


async def _mark_committed(user: int, key: str, claim: str, conn: asyncpg.Connection) -> None:
    """The write step's last statement for a sending with a key: the key is used."""
    if not await conn.fetchval(MARK_COMMITTED, user, key, claim):
        raise Conflict(
            "a later sending with this Idempotency-Key took the request over: it is answered there",
            field="Idempotency-Key",
        )


def _same(scope: Scope, body: bytes) -> bytes:
    """The body as two sendings of one request share it: a multipart form sent again is
    the same form under another boundary (a browser draws a new one each time)."""
    for name, value in scope["headers"]:
        if name == b"content-type" and value.lower().startswith(b"multipart/"):
            found = re.search(rb'boundary="?([^";]+)', value)
            return body.replace(found.group(1), b"") if found else body
    return body


async def _read_body(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The whole body (None past `limit` bytes: it is never held whole), and a `receive`
    that gives the app what was read, then the rest."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more and size <= limit:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
    read = b"".join(chunks)
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": read, "more_body": more}
        return await receive()

    return (read if size <= limit else None), again


async def _answer_again(
    earlier: Mapping[str, Any], fingerprint: bytes, scope: Scope, receive: Receive, send: Send
) -> None:
    if earlier["fingerprint"] != fingerprint:
        await _problem(
            scope,
            receive,
            send,
            422,
            "Invalid input",
            "this Idempotency-Key was used for another request: use a new key",
        )
    elif earlier["status"] is None and earlier["running"]:
        await _problem(
            scope,
            receive,
            send,
            409,
            "Conflict",
            "a request with this Idempotency-Key is still being answered; retry shortly",
        )
    elif earlier["status"] is None:  # committed, and its sender gone before it answered
        await _problem(
            scope,
            receive,
            send,
            409,
            "Conflict",
            "the request with this Idempotency-Key made its change, but its answer was lost:"
            " look the record up instead of sending it again",
        )
    else:
        headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in earlier["headers"]]
        headers.append((b"idempotent-replayed", b"true"))
        await send({"type": "http.response.start", "status": earlier["status"], "headers": headers})
        await send({"type": "http.response.body", "body": earlier["body"] or b""})


async def _problem(
    scope: Scope, receive: Receive, send: Send, status: int, title: str, detail: str
) -> None:
    problem = ProblemDetailsException(
        status_code=status, title=title, detail=detail, extra={"field": "Idempotency-Key"}
    )
    await _send(problem, scope, receive, send)


async def _send(
    problem: ProblemDetailsException, scope: Scope, receive: Receive, send: Send
) -> None:
    """Answer as the framework's problem-details handler answers `problem`."""
    request: Request[Any, Any, Any] = Request(scope, receive, send)
    response = problem.to_response(request)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


def document(openapi: OpenAPI) -> None:
    """Name the header, and what the key itself may be answered, on every POST."""
    header = Parameter(
        name="Idempotency-Key",
        param_in="header",  # type: ignore[arg-type]
        required=False,
        schema=Schema(type=OpenAPIType.STRING, max_length=MAX_KEY),
        description="send the same key again to get the first answer instead of a second"
        " change (kept for a day); the same key with another request is a 422",
    )
    for path in (openapi.paths or {}).values():
        operation: Operation | None = path.post
        if operation is not None:
            operation.parameters = [*(operation.parameters or []), header]
            responses = operation.responses if operation.responses is not None else {}
            for code, description in _KEY_ANSWERS.items():
                if isinstance(declared := responses.get(code), OpenAPIResponse):
                    declared.description = (
                        f"{declared.description}; or {description[0].lower()}{description[1:]}"
                    )
                else:
                    responses[code] = problem(description)
            operation.responses = responses


# What the key itself can be answered, on any POST (a bad key is a 400, as bad input is).
_KEY_ANSWERS = {
    "409": "A request with this Idempotency-Key is still being answered (retry shortly), or"
    " made its change and lost its answer (look the record up)",
    "422": "This Idempotency-Key was used for another request",
}
