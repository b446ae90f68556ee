"""`inventory units create`: bootstrapping a fresh deployment from the command line."""

from __future__ import annotations

import io
import secrets
import shlex

import pytest
from litestar.testing import TestClient

from inventory import cli
from tests.world import Caller


@pytest.fixture
def inventory(database_url: str, monkeypatch):
    """Run an `inventory` command line on the test database."""
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)
    monkeypatch.setenv("INVENTORY_SECRET_KEY", "unused-by-these-commands")
    return lambda command: cli.main(shlex.split(command))


def _code() -> str:
    return f"Z{secrets.token_hex(4)}"


def test_units_then_the_first_admin_from_the_command_line(
    inventory, client: TestClient, monkeypatch
) -> None:
    province, commune, former = _code(), _code(), _code()
    inventory(f"units create --code {province} --name 'Tỉnh Gia Lai' --kind province")
    inventory(
        f"units create --code {commune} --name 'Xã Ia Grai' --kind commune --parent {province}"
    )
    inventory(
        f"units create --code {former} --name 'Xã Ia Grai (cũ)' --kind former_commune"
        f" --merged-into {commune}"
    )
    login = f"boot.{secrets.token_hex(3)}"
    monkeypatch.setattr("sys.stdin", io.StringIO("boot-password-1\n"))
    inventory(
        f"users create --login {login} --role admin --unit {province} --email {login}@stc.example"
    )

    token = client.post("/api/v1/auth/token", json={"login": login, "password": "boot-password-1"})
    assert token.status_code == 200, token.text
    admin = Caller(client, token.json()["access_token"])
    (me,) = admin.get("/api/v1/users", params={"q": login}).json()["items"]
    assert me["email"] == f"{login}@stc.example"
    units = {u["code"]: u for u in admin.get("/api/v1/units").json()["items"]}
    assert set(units) == {province, commune, former}
    assert units[province]["name"] == "Tỉnh Gia Lai" and units[province]["kind"] == "province"
    assert units[commune]["parent_id"] == units[province]["id"]
    lineage = admin.get(f"/api/v1/units/{units[commune]['id']}/lineage").json()
    assert [u["code"] for u in lineage["formed_from"]] == [former]
    history = admin.get(f"/api/v1/units/{units[province]['id']}/history").json()["items"]
    assert [(e["action"], e["actor_id"], e["after"]["code"]) for e in history] == [
        ("create", None, province)
    ]


def test_units_create_refuses_duplicates_and_unknown_codes(inventory, sql) -> None:
    code = _code()
    inventory(f"units create --code {code} --name 'Tỉnh A' --kind province")
    refusals = [
        (f"--code {code} --name 'Tỉnh B' --kind province", f"the unit code {code} is taken"),
        (f"--code {_code()} --name X --kind commune --parent nope", "no unit with code nope"),
        ("--code 'a b' --name X --kind province", r"at `\$\.code`"),
    ]
    for args, message in refusals:
        with pytest.raises(SystemExit, match=message):
            inventory(f"units create {args}")
    assert [r["name"] for r in sql("SELECT name FROM units WHERE code = $1", code)] == ["Tỉnh A"]
    assert not sql("SELECT 1 FROM units WHERE code = 'a b' OR name = 'X'")
    events = sql(
        "SELECT count(*) FROM events WHERE entity = 'unit' AND after ->> 'code' = $1", code
    )
    assert events[0][0] == 1
