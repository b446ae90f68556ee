"""Idempotency-Key: a POST sent again with its key gets the first answer, once."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

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
