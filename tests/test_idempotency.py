"""Idempotency-Key: a POST sent again with its key gets the first answer, once."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import asyncpg
import msgspec
import pytest

from inventory.api.idempotency import _mark_committed
from inventory.errors import Conflict
from inventory.history.write import ON_COMMIT, Write
from tests.world import World


def _room(world: World, key: str, name: str, caller: str = "officer_a"):
    return world.callers[caller].post(
        "/api/v1/rooms",
        json={"site_id": world.sites["A"], "name": name},
        headers={"Idempotency-Key": key},
    )


def test_a_post_sent_again_gets_the_first_answer_and_changes_nothing(world: World, sql) -> None:
    key, name = secrets.token_hex(8), f"Phòng {secrets.token_hex(3)}"
    first = _room(world, key, name)
    assert first.status_code == 201
    again = _room(world, key, name)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert sql("SELECT count(*) FROM rooms WHERE name = $1", name)[0][0] == 1
    assert (
        sql(
            "SELECT count(*) FROM events WHERE entity = 'room' AND entity_id = $1",
            first.json()["id"],
        )[0][0]
        == 1
    )


def test_the_same_key_for_another_request_is_refused(world: World) -> None:
    key = secrets.token_hex(8)
    assert _room(world, key, f"Phòng {secrets.token_hex(3)}").status_code == 201
    other = _room(world, key, f"Phòng {secrets.token_hex(3)}")
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"


def test_keys_are_each_callers_own(world: World) -> None:
    key = secrets.token_hex(8)
    mine = world.officer_b.post(
        "/api/v1/rooms",
        json={"site_id": world.sites["B"], "name": f"Phòng {secrets.token_hex(3)}"},
        headers={"Idempotency-Key": key},
    )
    theirs = _room(world, key, f"Phòng {secrets.token_hex(3)}")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_refused_request_is_answered_again_the_same(world: World) -> None:
    key = secrets.token_hex(8)
    body = {"site_id": world.sites["B"], "name": "X"}  # another unit's site: 422
    first = world.officer_a.post("/api/v1/rooms", json=body, headers={"Idempotency-Key": key})
    again = world.officer_a.post("/api/v1/rooms", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()


def test_two_at_once_with_one_key_make_one_room(world: World, sql) -> None:
    key, name = secrets.token_hex(8), f"Phòng {secrets.token_hex(3)}"
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: _room(world, key, name).status_code, range(4)))
    assert 201 in answers and set(answers) <= {201, 409}
    assert sql("SELECT count(*) FROM rooms WHERE name = $1", name)[0][0] == 1


def test_a_bad_key_is_a_400_and_every_post_documents_the_header(world: World, client) -> None:
    bad = _room(world, "x" * 300, "Phòng dài")
    assert bad.status_code == 400 and bad.json()["field"] == "Idempotency-Key"
    paths = client.get("/schema/openapi.json").json()["paths"]
    posts = [(p, ops["post"]) for p, ops in paths.items() if "post" in ops]
    assert posts
    for path, post in posts:
        names = {p["name"] for p in post.get("parameters", [])}
        assert "Idempotency-Key" in names, path


def test_a_body_over_the_limit_is_refused_as_without_a_key(world: World, settings) -> None:
    """The key never makes the server hold more than the body limit."""
    big = b'{"name": "' + b"x" * (settings.max_body_bytes + 10) + b'"}'
    response = world.officer_a.post(
        "/api/v1/rooms",
        content=big,
        headers={"Idempotency-Key": secrets.token_hex(8), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def _sent(world: World, key: str, body: bytes):
    """A room POST of exactly `body`, so that a test can make the fingerprint it has."""
    return world.officer_a.post(
        "/api/v1/rooms",
        content=body,
        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
    )


def _claim_left_by_a_gone_sender(sql, world: World, key: str, body: bytes, **state: str) -> None:
    """The key row a sending leaves when its process dies: claimed, no answer stored."""
    fingerprint = hashlib.sha256(b"\0".join((b"/api/v1/rooms", b"", body))).digest()
    sql(
        "INSERT INTO idempotency_keys (user_id, key, fingerprint, expires_at, claim,"
        " claimed_until, committed_at) VALUES ((SELECT id FROM users WHERE login = $1), $2, $3,"
        " now() + interval '1 day', 'gone', now() + $4::text::interval, $5::text::timestamptz)",
        "officer_a",
        key,
        fingerprint,
        state.get("hold", "-1 second"),
        state.get("committed"),
    )


def test_the_key_is_marked_used_in_its_writes_transaction(world: World, sql) -> None:
    key, name = secrets.token_hex(8), f"Phòng {secrets.token_hex(3)}"
    assert _room(world, key, name).status_code == 201
    clash, refused = secrets.token_hex(8), _room(world, secrets.token_hex(8), name)
    assert refused.status_code == 409  # the same name in the site: the write rolled back
    assert _room(world, clash, name).status_code == 409
    rows = dict(
        sql(
            "SELECT key, committed_at IS NOT NULL FROM idempotency_keys WHERE key = ANY($1)",
            [key, clash],
        )
    )
    assert rows == {key: True, clash: False}


def test_a_sender_gone_after_its_commit_is_never_run_again(world: World, sql) -> None:
    """The process died (or the database went away) between COMMIT and storing the answer:
    the key says the change was made, and a retry is told so instead of making it again."""
    name = f"Phòng {secrets.token_hex(3)}"
    body = msgspec.json.encode({"site_id": world.sites["A"], "name": name})
    key = secrets.token_hex(8)
    assert _sent(world, key, body).status_code == 201
    sql(  # as the gone sender left it: no answer, its hold passed
        "UPDATE idempotency_keys SET status = NULL, headers = NULL, body = NULL,"
        " claimed_until = now() - interval '1 second' WHERE key = $1",
        key,
    )
    again = _sent(world, key, body)
    assert again.status_code == 409 and again.json()["field"] == "Idempotency-Key"
    assert "answer was lost" in again.json()["detail"]
    assert sql("SELECT count(*) FROM rooms WHERE name = $1", name)[0][0] == 1


def test_a_sender_gone_before_its_commit_is_run_again_once_its_hold_passed(
    world: World, sql
) -> None:
    name = f"Phòng {secrets.token_hex(3)}"
    body = msgspec.json.encode({"site_id": world.sites["A"], "name": name})
    held, gone = secrets.token_hex(8), secrets.token_hex(8)
    _claim_left_by_a_gone_sender(sql, world, held, body, hold="1 minute")
    _claim_left_by_a_gone_sender(sql, world, gone, body)
    waiting = _sent(world, held, body)
    assert waiting.status_code == 409 and "still being answered" in waiting.json()["detail"]
    assert sql("SELECT count(*) FROM rooms WHERE name = $1", name)[0][0] == 0
    first = _sent(world, gone, body)
    assert first.status_code == 201
    again = _sent(world, gone, body)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert sql("SELECT count(*) FROM rooms WHERE name = $1", name)[0][0] == 1


def test_a_sending_overtaken_by_its_retry_rolls_its_write_back(
    world: World, sql, database_url: str
) -> None:
    """The first sending was only slow: its retry took the key over; when the first reaches
    its COMMIT, its mark finds the claim gone, and its change (history included) is undone."""
    key = secrets.token_hex(8)
    body = b'{"name": "Phong"}'
    _claim_left_by_a_gone_sender(sql, world, key, body)
    sql("UPDATE idempotency_keys SET claim = 'retry' WHERE key = $1", key)
    user = sql("SELECT id FROM users WHERE login = 'officer_a'")[0][0]
    entity = f"probe_{''.join(c for c in secrets.token_hex(4) if c.isalpha()) or 'x'}"

    async def write_as_the_first_sending() -> None:
        conn = await asyncpg.connect(database_url)
        token = ON_COMMIT.set(partial(_mark_committed, user, key, "gone"))
        try:
            async with Write(conn, None) as write:
                write.record(entity, 1, "made", None, {"n": 1}, unit_id=None)
        finally:
            ON_COMMIT.reset(token)
            await conn.close()

    with pytest.raises(Conflict):
        asyncio.run(write_as_the_first_sending())
    assert sql("SELECT count(*) FROM events WHERE entity = $1", entity)[0][0] == 0
    assert sql("SELECT committed_at FROM idempotency_keys WHERE key = $1", key)[0][0] is None
