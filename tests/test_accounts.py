"""Sign-in, tokens, accounts and the `inventory users create` command."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time

import asyncpg
import httpx
import msgspec
from litestar.testing import TestClient

from inventory.accounts import standing, tokens
from inventory.accounts.principal import Principal, Role
from inventory.app import create_app
from inventory.users.cli import create_user
from tests.world import PASSWORD, Caller, World


def test_token_for_good_password_only(client: TestClient, world: World) -> None:
    good = client.post("/api/v1/auth/token", json={"login": "officer_a", "password": PASSWORD})
    assert good.status_code == 200
    assert good.json()["token_type"] == "Bearer"
    bad = client.post("/api/v1/auth/token", json={"login": "officer_a", "password": "nope"})
    assert bad.status_code == 401
    unknown = client.post("/api/v1/auth/token", json={"login": "ghost", "password": "nope"})
    assert unknown.status_code == 401 and unknown.json()["detail"] == bad.json()["detail"]


def test_me_reports_role_and_scope(world: World) -> None:
    me = world.officer_a.get("/api/v1/auth/me").json()
    assert me["role"] == "officer" and me["unit_id"] == world.units["A"]


def test_forged_or_expired_tokens_are_refused(client: TestClient, settings, world: World) -> None:
    principal = Principal(
        user_id=world.users["officer_a"],
        login="officer_a",
        role=Role.ADMIN,
        unit_id=world.units["P"],
    )
    forged, _ = tokens.issue(principal, "another-secret", 3600)
    assert Caller(client, forged).get("/api/v1/units").status_code == 401
    expired, _ = tokens.issue(principal, settings.secret_key, -1)
    assert Caller(client, expired).get("/api/v1/units").status_code == 401
    body, _, signature = Caller(client, world.officer_a.token).token.partition(".")
    tampered = msgspec.json.decode(tokens._unb64(body))
    tampered["role"] = "admin"
    forged_body = tokens._b64(msgspec.json.encode(tampered))
    assert Caller(client, f"{forged_body}.{signature}").get("/api/v1/units").status_code == 401
    assert client.get("/api/v1/units", headers={"Authorization": "Bearer x"}).status_code == 401


def test_a_token_is_taken_only_as_issued(client: TestClient, world: World) -> None:
    """Base64 decoders skip what is not in their alphabet and ignore spare bits: a token
    with bytes added or a last letter changed is another string, and is refused."""
    token = world.officer_a.token
    body, _, signature = token.partition(".")
    assert Caller(client, token).get("/api/v1/units").status_code == 200
    # 32 bytes are 43 letters: the last holds 2 bits of the digest and 4 spare ones.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(signature[-1])
    spare = alphabet[last ^ 1]
    for variant in [
        f"{token}.",
        f"{token}=",
        f"{token}==",
        f"{token}!",
        f"{body}.{signature[:10]}!{signature[10:]}",
        f"{body}.{signature[:-1]}{spare}",
        f"{body}=.{signature}",
    ]:
        answer = Caller(client, variant).get("/api/v1/units")
        assert answer.status_code == 401, variant
        # The scan lane verifies tokens itself.
        looked_up = Caller(client, variant).get("/api/v1/assets/by-tag/TA-TEST")
        assert looked_up.status_code == 401, variant


def test_admin_manages_accounts_and_a_disabled_one_cannot_write(
    client: TestClient, world: World, sql
) -> None:
    created = world.admin.post(
        "/api/v1/users",
        json={
            "login": "officer.temp",
            "password": "long-enough-1",
            "role": "officer",
            "unit_id": world.units["B"],
            "full_name": "Nguyễn Văn Tạm",
        },
    )
    assert created.status_code == 201, created.text
    assert "password" not in created.text
    user = created.json()
    token = client.post(
        "/api/v1/auth/token", json={"login": "officer.temp", "password": "long-enough-1"}
    ).json()
    caller = Caller(client, token["access_token"])
    disabled = world.admin.patch(
        f"/api/v1/users/{user['id']}",
        json={"active": False},
        headers={"If-Match": created.headers["etag"]},
    )
    assert disabled.status_code == 200
    # A write officers may do, so only the disabled account can refuse it.
    write = caller.post(
        "/api/v1/sites", json={"holder_unit_id": world.units["B"], "name": "Trụ sở tạm"}
    )
    assert write.status_code == 401, write.text
    assert not sql("SELECT 1 FROM sites WHERE name = 'Trụ sở tạm'")
    assert not sql("SELECT 1 FROM events WHERE actor_id = $1", user["id"])
    again = client.post(
        "/api/v1/auth/token", json={"login": "officer.temp", "password": "long-enough-1"}
    )
    assert again.status_code == 401


def _officer_of_a(world: World, login: str) -> httpx.Response:
    """A new officer of unit A (password `long-enough-1`), as the admin creates one."""
    created = world.admin.post(
        "/api/v1/users",
        json={
            "login": login,
            "password": "long-enough-1",
            "role": "officer",
            "unit_id": world.units["A"],
        },
    )
    assert created.status_code == 201, created.text
    return created


def _signed_in(client: TestClient, login: str) -> Caller:
    """The API caller of a fresh token of `login`."""
    got = client.post("/api/v1/auth/token", json={"login": login, "password": "long-enough-1"})
    assert got.status_code == 200, got.text
    return Caller(client, got.json()["access_token"])


def test_a_token_stops_writing_once_its_role_or_unit_changes(
    client: TestClient, world: World, sql
) -> None:
    created = _officer_of_a(world, "officer.moved")
    user = created.json()
    caller = _signed_in(client, "officer.moved")
    moved = world.admin.patch(
        f"/api/v1/users/{user['id']}",
        json={"role": "auditor", "unit_id": world.units["B"]},
        headers={"If-Match": created.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    write = caller.post(
        "/api/v1/sites", json={"holder_unit_id": world.units["A"], "name": "Trụ sở cũ quyền"}
    )
    assert write.status_code == 401, write.text
    assert "sign in again" in write.json()["detail"]
    assert not sql("SELECT 1 FROM sites WHERE name = 'Trụ sở cũ quyền'")
    assert not sql("SELECT 1 FROM events WHERE actor_id = $1", user["id"])


def test_officer_cannot_manage_accounts_or_see_other_units_users(world: World) -> None:
    response = world.officer_a.post(
        "/api/v1/users",
        json={
            "login": "x.y",
            "password": "long-enough-1",
            "role": "admin",
            "unit_id": world.units["P"],
        },
    )
    assert response.status_code == 403
    logins = {u["login"] for u in world.officer_a.get("/api/v1/users").json()["items"]}
    assert "officer_a" in logins and "officer_b" not in logins and "admin" not in logins
    assert world.officer_a.get(f"/api/v1/users/{world.users['officer_b']}").status_code == 404


def test_admin_cannot_put_a_user_outside_the_province(world: World, sql) -> None:
    response = world.admin.post(
        "/api/v1/users",
        json={"login": "x.z", "password": "long-enough-1", "role": "officer", "unit_id": 999999},
    )
    assert response.status_code == 422 and response.json()["field"] == "unit_id"
    assert not sql("SELECT 1 FROM users WHERE login = 'x.z'")


def test_users_create_command(database_url: str, client: TestClient, sql) -> None:
    code = sql("SELECT code FROM units WHERE kind = 'commune' ORDER BY id LIMIT 1")[0][0]
    asyncio.run(create_user(database_url, "cli.officer", "cli-password-1", "officer", code))
    token = client.post(
        "/api/v1/auth/token", json={"login": "cli.officer", "password": "cli-password-1"}
    )
    assert token.status_code == 200
    events = sql(
        "SELECT action FROM events e JOIN users u ON u.id = e.entity_id"
        " WHERE e.entity = 'user' AND u.login = 'cli.officer'"
    )
    assert [e[0] for e in events] == ["create"]


def test_token_expiry_is_in_the_future(client: TestClient, world: World) -> None:
    response = client.post("/api/v1/auth/token", json={"login": "admin", "password": PASSWORD})
    assert response.json()["expires_at"] > time.time()


def test_failed_sign_ins_are_limited_per_login_and_signing_in_is_not(settings) -> None:
    strict = dataclasses.replace(settings, sign_in_failures=3)
    token = "/api/v1/auth/token"
    with TestClient(create_app(strict)) as client:
        asyncio.run(_forget_attempts(settings.database_url))
        # An office behind one address signs in all day: right passwords never count.
        for _ in range(12):
            assert (
                client.post(token, json={"login": "admin", "password": PASSWORD}).status_code == 200
            )
        wrong = {"login": "leader_a", "password": "guess"}
        assert [client.post(token, json=wrong).status_code for _ in range(3)] == [401] * 3
        blocked = client.post(token, json={"login": "leader_a", "password": PASSWORD})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert blocked.headers["content-type"] == "application/problem+json"
        assert blocked.json()["status"] == 429 and blocked.json()["detail"]
        form = client.get("/login")
        assert form.status_code == 200  # showing the form is not an attempt
        page = client.post(
            "/login",
            data={"login": "LEADER_A", "password": PASSWORD, "_csrf_token": _csrf(form.text)},
        )
        assert page.status_code == 429 and "text/html" in page.headers["content-type"]
        assert "quá nhiều lần" in page.text and int(page.headers["retry-after"]) > 0
        # Others still sign in from the same address.
        assert client.post(token, json={"login": "admin", "password": PASSWORD}).status_code == 200
        asyncio.run(_forget_attempts(settings.database_url))


def _csrf(page: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


async def _forget_attempts(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DELETE FROM sign_in_failures")
    finally:
        await conn.close()


def test_a_token_stops_reading_once_its_account_is_disabled(
    client: TestClient, world: World, monkeypatch
) -> None:
    """A token outlives its account's change by at most standing.FRESH_SECONDS (the
    worker's last read of the account), on the API and on the scan look-up alike."""
    monkeypatch.setattr(standing, "FRESH_SECONDS", 0.5)
    created = _officer_of_a(world, "officer.disabled")
    user = created.json()
    asset = world.create(
        "/api/v1/assets",
        name="Máy in",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
    )
    caller = _signed_in(client, user["login"])
    scan = f"/api/v1/assets/by-tag/{asset['tag']}"
    assert caller.get("/api/v1/assets").status_code == caller.get(scan).status_code == 200
    disabled = world.admin.patch(
        f"/api/v1/users/{user['id']}",
        json={"active": False},
        headers={"If-Match": created.headers["etag"]},
    )
    assert disabled.status_code == 200, disabled.text
    time.sleep(standing.FRESH_SECONDS)
    for path in ("/api/v1/assets", scan):
        refused = caller.get(path)
        assert refused.status_code == 401, (path, refused.text)
        assert "sign in again" in refused.json()["detail"]


def test_a_token_issued_after_a_move_reads_at_once(client: TestClient, world: World) -> None:
    """What a worker last read of an account vouches for its old tokens only: signed in
    again after a move, the new token is checked against the account as it is now."""
    created = _officer_of_a(world, "officer.moving")
    before = _signed_in(client, "officer.moving")
    assert before.get("/api/v1/assets").status_code == 200
    moved = world.admin.patch(
        f"/api/v1/users/{created.json()['id']}",
        json={"unit_id": world.units["B"]},
        headers={"If-Match": created.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    assert _signed_in(client, "officer.moving").get("/api/v1/assets").status_code == 200
    assert before.get("/api/v1/assets").status_code == 401  # its standing was read anew
