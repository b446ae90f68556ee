"""Errors are problem details: bad JSON, deep JSON, big bodies, database outage."""

from __future__ import annotations

import base64
import dataclasses
import gc
import logging
import re
import secrets

import asyncpg
import msgspec
import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.errors import MULTIPART_PARTS, problem_details_plugin
from tests.world import World


def _is_problem(response) -> bool:
    body = response.json()
    return (
        response.headers["content-type"].startswith("application/problem+json")
        and body["status"] == response.status_code
        and body["title"]
        and "detail" in body
    )


def test_malformed_json_is_400(world: World) -> None:
    response = world.admin.post(
        "/api/v1/units", content=b'{"code": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and _is_problem(response)


def test_deeply_nested_json_is_400_not_500(world: World) -> None:
    body = b'{"code": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = world.admin.post(
        "/api/v1/units", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and _is_problem(response)


def test_body_over_the_limit_is_413(world: World, settings) -> None:
    big = b'{"name": "' + b"x" * (settings.max_body_bytes + 10) + b'"}'
    response = world.admin.post(
        "/api/v1/units", content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and _is_problem(response)


@pytest.mark.parametrize(
    "query", ["unit_id=abc&unit_id=5", "unit_id=5&unit_id=6", "sort=id&sort=-id"]
)
def test_a_query_parameter_sent_twice_is_400(world: World, query: str) -> None:
    """Litestar would keep the last value and answer as if the first were never sent."""
    response = world.admin.get(f"/api/v1/tags/batches?{query}")
    assert response.status_code == 400, response.text
    assert response.json()["field"] == query.split("=")[0]


def test_a_list_parameter_may_repeat(world: World) -> None:
    ids = "&".join(f"ids={world.assets[key]}" for key in list(world.assets)[:2])
    response = world.admin.get(f"/api/v1/labels/assets?{ids}&format=zpl")
    assert response.status_code != 400, response.text


def test_not_found_route_is_a_problem(world: World) -> None:
    response = world.admin.get("/api/v1/units/999999999")
    assert response.status_code == 404 and _is_problem(response)


@pytest.mark.parametrize(
    ("path", "noun"),
    [
        ("units", "unit"),
        ("sites", "site"),
        ("rooms", "room"),
        ("categories", "category"),
        ("assets", "asset"),
        ("users", "user"),
        ("tags/batches", "tag batch"),
    ],
)
def test_an_unknown_record_is_named_in_the_404(world: World, path: str, noun: str) -> None:
    for suffix in ("", "/history"):
        response = world.admin.get(f"/api/v1/{path}/999999999{suffix}")
        assert response.status_code == 404 and _is_problem(response)
        assert response.json()["detail"] == f"no {noun} 999999999"


def test_database_outage_is_503_with_retry_after(settings) -> None:
    down = dataclasses.replace(
        settings, database_url="postgresql://postgres@127.0.0.1:1/none", pool_min=0
    )
    with TestClient(create_app(down)) as client:
        response = client.post("/api/v1/auth/token", json={"login": "a", "password": "b"})
    assert response.status_code == 503 and _is_problem(response)
    assert response.headers["retry-after"].isdigit()


@pytest.mark.parametrize(
    "values",
    [["x", "notint"], [1, 2], ["x", True], ["x", 2**64], ["x", 1.5], ["x", 1, 2], {"x": 1}],
)
def test_a_crafted_cursor_is_400_naming_it(world: World, values: object) -> None:
    cursor = base64.urlsafe_b64encode(msgspec.json.encode(values)).decode()
    for path in ("/api/v1/units", "/api/v1/assets"):
        response = world.admin.get(path, params={"cursor": cursor})
        assert response.status_code == 400 and _is_problem(response), (path, values)
        assert response.json()["field"] == "cursor"


@pytest.mark.parametrize(
    "error", [asyncpg.DeadlockDetectedError, asyncpg.SerializationError], ids=lambda e: e.__name__
)
def test_a_transaction_to_retry_is_503_with_retry_after(error: type[Exception]) -> None:
    """Deadlocks and serialization failures roll the whole transaction back: try again."""

    @get("/write", sync_to_thread=False)
    def write() -> None:
        raise error("could not serialize access")

    with TestClient(Litestar([write], plugins=[problem_details_plugin({})])) as client:
        response = client.get("/write")
    assert response.status_code == 503 and _is_problem(response)
    assert response.headers["retry-after"].isdigit()


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("error", [FileNotFoundError, PermissionError])
def test_a_file_error_of_the_app_is_a_logged_500_not_an_outage(
    settings, error: type[Exception]
) -> None:
    """Only failing to reach the database is a 503; the app's own OSError is a bug."""

    @get("/api/v1/broken", sync_to_thread=False)
    def broken() -> None:
        raise error("labels/fonts/missing.ttf")

    app = create_app(settings)
    app.register(broken)
    kept = _Kept()
    logging.getLogger("inventory").addHandler(kept)
    try:
        with TestClient(app) as client:
            response = client.get("/api/v1/broken")
    finally:
        logging.getLogger("inventory").removeHandler(kept)
    assert response.status_code == 500 and _is_problem(response)
    assert "missing.ttf" not in response.text  # nothing of the inside leaks
    traced = [r for r in kept.records if r.exc_info and r.exc_info[0] is error]
    assert traced, "a 500 is logged with its traceback"


def test_a_connection_lost_mid_request_is_503(settings) -> None:
    @get("/api/v1/lost", sync_to_thread=False)
    def lost() -> None:
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")

    app = create_app(settings)
    app.register(lost)
    with TestClient(app) as client:
        response = client.get("/api/v1/lost")
    assert response.status_code == 503 and _is_problem(response)
    assert response.headers["retry-after"].isdigit()


# Invalid UTF-8 inside a JSON string (or a multipart field): msgspec and the multipart
# parser raise UnicodeDecodeError, not a decoding error, so it was a 500 on every route.
@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("POST", "/api/v1/auth/token", "login"),  # before signing in
        ("POST", "/api/v1/units", "name"),
        ("PATCH", "/api/v1/units/{unit}", "name"),
        ("POST", "/api/v1/assets", "name"),
        ("POST", "/api/v1/assets/{asset}/reports", "note"),  # decodes its body itself
    ],
)
def test_invalid_utf8_in_a_json_string_is_400(
    client: TestClient, world: World, method: str, path: str, key: str
) -> None:
    url = path.format(unit=world.units["A"], asset=world.assets["A"])
    headers = {"Content-Type": "application/json", "If-Match": '"1"'}
    if not path.startswith("/api/v1/auth"):
        headers["Authorization"] = f"Bearer {world.admin.token}"
    for text in (b"\xff", b"caf\xc3\x28", b"\xed\xa0\x80"):  # a stray, a cut, a surrogate
        body = b'{"%s": "%s"}' % (key.encode(), text)
        response = client.request(method, url, content=body, headers=headers)
        assert response.status_code == 400 and _is_problem(response), (url, response.text)
        assert response.json()["detail"] == "the request is not valid UTF-8 text"


def test_invalid_utf8_in_a_page_form_is_a_400_page(settings) -> None:
    """The sign-in form, sent as multipart with a login that is not UTF-8."""
    with TestClient(create_app(settings)) as visitor:
        token = re.search(r'name="_csrf_token" value="([^"]+)"', visitor.get("/login").text)
        assert token
        csrf = token.group(1).encode()
        parts = [(b"_csrf_token", csrf), (b"login", b"\xff"), (b"password", b"x")]
        body = b"".join(
            b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % part
            for part in parts
        )
        response = visitor.post(
            "/login",
            content=body + b"--b--\r\n",
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Yêu cầu không hợp lệ" in response.text


@pytest.mark.parametrize("media", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_json_body_sent_as_another_type_is_415(world: World, sql, media: str | None) -> None:
    # A cross-site form may send text/plain with no preflight: it must not reach the route.
    code = f"U415{secrets.token_hex(3)}"
    body = msgspec.json.encode(
        {"code": code, "name": "Xã 415", "kind": "commune", "parent_id": world.units["P"]}
    )
    headers = {"Content-Type": media} if media else {}
    created = world.admin.post("/api/v1/units", content=body, headers=headers)
    assert created.status_code == 415 and _is_problem(created), created.text
    assert sql("SELECT id FROM units WHERE code = $1", code) == []
    patched = world.admin.patch(
        f"/api/v1/assets/{world.assets['A']}", content=b"{}", headers={**headers, "If-Match": "*"}
    )
    assert patched.status_code == 415 and _is_problem(patched)


def test_a_json_body_with_a_json_type_and_charset_is_taken(world: World) -> None:
    answer = world.admin.patch(
        f"/api/v1/assets/{world.assets['A']}",
        content=b"{}",
        headers={"Content-Type": "application/json; charset=utf-8", "If-Match": "*"},
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("field", "value"),
    [("category_id", "<id>"), ("quantity", "2"), ("issue_tag", "false"), ("original_cost", "1e6")],
)
def test_a_string_is_never_taken_for_a_number_or_a_boolean(
    world: World, sql, field: str, value: str
) -> None:
    name = f"Ghế {secrets.token_hex(4)}"
    body = {"name": name, "category_id": world.categories["MT"], "holder_unit_id": world.units["A"]}
    body[field] = str(world.categories["MT"]) if value == "<id>" else value
    created = world.officer_a.post("/api/v1/assets", json=body)
    assert created.status_code == 400 and _is_problem(created), created.text
    assert created.json()["field"] == field
    assert sql("SELECT id FROM assets WHERE name = $1", name) == []
    patched = world.officer_a.patch(
        f"/api/v1/assets/{world.assets['A']}", json={"quantity": "3"}, headers={"If-Match": "*"}
    )
    assert patched.status_code == 400 and patched.json()["field"] == "quantity"


def test_a_form_of_more_than_1000_parts_is_413(world: World) -> None:
    aid = world.assets["A"]

    def parts(n: int) -> list:
        return [("note", (None, b"x")) for _ in range(n)]

    for url in (f"/api/v1/assets/{aid}/photos", f"/api/v1/assets/{aid}/reports"):
        refused = world.officer_a.post(url, files=parts(MULTIPART_PARTS + 1))
        assert refused.status_code == 413 and _is_problem(refused), refused.text
        assert str(MULTIPART_PARTS) in refused.json()["detail"]
        # As many as the bound is read as a form (here one without its photo or condition).
        taken = world.officer_a.post(url, files=parts(MULTIPART_PARTS))
        assert taken.status_code in (400, 422) and taken.json()["field"] in ("data", "condition")
        assert "parts" not in taken.json()["detail"]


def _allowed(answer) -> set[str]:
    return {method.strip() for method in answer.headers.get("allow", "").split(",")} - {""}


def test_options_and_a_wrong_method_name_every_method_of_the_path(client: TestClient) -> None:
    """OPTIONS on each path of the OpenAPI document answers, in Allow, the methods the
    document gives it, and a method it does not take is a 405 problem with the same Allow.
    Litestar's own OPTIONS answered only the path's first handler (`GET, OPTIONS` for
    /api/v1/assets, which takes POST too: litestar#4169)."""
    document = client.get("/schema/openapi.json").json()
    for path, item in document["paths"].items():
        methods = {
            method.upper() for method in item if method in ("get", "put", "post", "patch", "delete")
        }
        url = re.sub(r"\{[^}]+\}", "1", path)
        options = client.options(url)
        assert options.status_code == 204, (path, options.text)
        assert _allowed(options) == methods | {"OPTIONS"}, path
        wrong = next(m for m in ("PUT", "PATCH", "DELETE", "POST", "GET") if m not in methods)
        refused = client.request(wrong, url)
        assert refused.status_code == 405 and _is_problem(refused), (wrong, path)
        assert _allowed(refused) == methods | {"OPTIONS"}, (wrong, path)
    assert _allowed(client.options("/api/v1/assets")) == {"GET", "POST", "OPTIONS"}


@pytest.mark.parametrize(
    "query", ["sort=nope", "limit=500", f"holder_unit_id={2**63}", "status=nope"]
)
def test_a_refused_list_query_gives_its_connection_back(settings, world: World, query: str) -> None:
    """A list parameter refused (400) while its connection was being taken: Litestar lost
    the connection's clean-up when a dependency beside it failed, so each such request
    kept one out of the pool until the garbage collector ran, and a few exhausted it."""
    app = create_app(dataclasses.replace(settings, pool_min=0, pool_max=2))
    headers = {"Authorization": f"Bearer {world.admin.token}"}
    gc.disable()  # the collector would give them back at its own time
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            for _ in range(3):
                refused = client.get(f"/api/v1/assets?{query}", headers=headers)
                assert refused.status_code == 400, refused.text
            listed = client.get("/api/v1/assets?limit=1", headers=headers)
            assert listed.status_code == 200, listed.text
    finally:
        gc.enable()
