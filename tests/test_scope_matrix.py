"""Every registry route x every caller x a record of unit A or B, against DESIGN.md's role table.

A role the guard refuses gets 403 whatever the record. A record outside the
caller's scope answers 404, a body naming another unit's record 422, and a list
filtered to another unit comes back empty: nothing says the record exists.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.world import USERS, World

EVERYONE = frozenset({"admin", "officer", "auditor", "leader"})
ADMIN = frozenset({"admin"})
REGISTRY_WRITERS = frozenset({"admin", "officer"})  # sites, rooms, assets: officers own unit
UNITS = ("A", "B")
_OFFICER_OF = {"A": "officer_a", "B": "officer_b"}


def _token() -> str:
    return secrets.token_hex(4)


@dataclass(frozen=True)
class Resource:
    """One registry collection: how to name, make and change a record held by a unit."""

    path: str
    id_param: str
    writers: frozenset[str]
    existing: Callable[[World, str], int]
    new: Callable[[World, str], dict[str, Any]]  # body of a new record held by the unit
    change: dict[str, Any]
    selects: Callable[[World, str], dict[str, Any]]  # list filter for the unit's records
    scoped: bool = True
    deletable: bool = True
    extra: tuple[str, ...] = ()  # more read-only sub-routes of one record


RESOURCES = {
    "units": Resource(
        "/api/v1/units",
        "unit_id",
        ADMIN,
        lambda w, u: w.units[u],
        lambda w, u: {
            "code": f"M{_token()}",
            "name": "Văn phòng",
            "kind": "agency",
            "parent_id": w.units["P"],
        },
        {"name": "Văn phòng HĐND"},
        lambda w, u: {"q": "T24065" if u == "A" else "T24073"},
        deletable=False,
        extra=("lineage",),
    ),
    "users": Resource(
        "/api/v1/users",
        "user_id",
        ADMIN,
        lambda w, u: w.users[_OFFICER_OF[u]],
        lambda w, u: {
            "login": f"m.{_token()}",
            "password": "long-enough-1",
            "role": "officer",
            "unit_id": w.units[u],
        },
        {"full_name": "Cán bộ mới"},
        lambda w, u: {"unit_id": w.units[u]},
        deletable=False,
    ),
    "categories": Resource(
        "/api/v1/categories",
        "category_id",
        ADMIN,
        lambda w, u: w.categories["MT"],
        lambda w, u: {"code": f"M{_token()}", "name": "Quạt", "form_group": "D"},
        {"wear_rate": 0.125},
        lambda w, u: {"q": "MT"},
        scoped=False,
    ),
    "sites": Resource(
        "/api/v1/sites",
        "site_id",
        REGISTRY_WRITERS,
        lambda w, u: w.sites[u],
        lambda w, u: {"holder_unit_id": w.units[u], "name": f"Trụ sở {_token()}"},
        {"status": "idle"},
        lambda w, u: {"holder_unit_id": w.units[u]},
    ),
    "rooms": Resource(
        "/api/v1/rooms",
        "room_id",
        REGISTRY_WRITERS,
        lambda w, u: w.rooms[u],
        lambda w, u: {"site_id": w.sites[u], "name": f"Phòng {_token()}"},
        {"seats": 6},
        lambda w, u: {"holder_unit_id": w.units[u]},
    ),
    "assets": Resource(
        "/api/v1/assets",
        "asset_id",
        REGISTRY_WRITERS,
        lambda w, u: w.assets[u],
        lambda w, u: {
            "name": f"Quạt {_token()}",
            "category_id": w.categories["BG"],
            "holder_unit_id": w.units[u],
            "room_id": w.rooms[u],
        },
        {"custodian": "Thủ kho"},
        lambda w, u: {"holder_unit_id": w.units[u]},
    ),
}


@dataclass(frozen=True)
class Route:
    resource: str
    method: str
    suffix: str  # after the collection path: "", "/{id}", "/{id}/history", ...
    ok: int
    hidden: int  # the answer for another unit's record
    roles: frozenset[str] = field(default=EVERYONE)

    @property
    def path(self) -> str:
        """As the app's route table spells it."""
        res = RESOURCES[self.resource]
        if self.resource == "assets" and self.suffix == "/by-tag/{tag}":
            return f"{res.path}/by-tag/{{tag:str}}"
        return res.path + self.suffix.replace("{id}", f"{{{res.id_param}:int}}")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _routes() -> list[Route]:
    routes = []
    for name, res in RESOURCES.items():
        routes += [
            Route(name, "GET", "", 200, 200),
            Route(name, "GET", "/{id}", 200, 404),
            Route(name, "GET", "/{id}/history", 200, 404),
            Route(name, "POST", "", 201, 422, res.writers),
            Route(name, "PATCH", "/{id}", 200, 404, res.writers),
        ]
        routes += [Route(name, "GET", f"/{{id}}/{extra}", 200, 404) for extra in res.extra]
        if res.deletable:
            routes.append(Route(name, "DELETE", "/{id}", 204, 404, res.writers))
    routes.append(Route("assets", "GET", "/by-tag/{tag}", 200, 404))
    routes.append(Route("assets", "POST", "/{id}/tag", 201, 404, REGISTRY_WRITERS))
    return routes


ROUTES = _routes()


def _expected(route: Route, login: str, unit: str) -> int:
    role, scope = USERS[login]
    if role not in route.roles:
        return 403
    if RESOURCES[route.resource].scoped and scope not in ("P", unit):
        return route.hidden
    return route.ok


def test_the_matrix_covers_every_registry_route(client: TestClient) -> None:
    prefixes = tuple(res.path for res in RESOURCES.values())
    served = {
        f"{method} {route.path}"
        for route in client.app.routes
        if route.path.startswith(prefixes)
        for method in getattr(route, "methods", ())
        if method not in ("HEAD", "OPTIONS")
    }
    assert served == {str(route) for route in ROUTES}


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("login", list(USERS))
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_role_and_scope(world: World, route: Route, login: str, unit: str) -> None:
    res = RESOURCES[route.resource]
    want = _expected(route, login, unit)
    # Successful changes get a record of their own, so the seeded world stays as it is;
    # issuing a tag needs an untagged asset.
    tagging = route.suffix == "/{id}/tag"
    fresh = want == route.ok and (route.method in ("PATCH", "DELETE") or tagging)
    body = {**res.new(world, unit), "issue_tag": False} if tagging else res.new(world, unit)
    record_id = world.create(res.path, **body)["id"] if fresh else res.existing(world, unit)
    url = res.path + route.suffix.replace("{id}", str(record_id)).replace(
        "{tag}", f"t{unit.lower()}-test"
    )
    caller = world.callers[login]
    headers = {"If-Match": '"1"'}
    if route.method == "GET":
        response = caller.get(url, params=res.selects(world, unit) if route.suffix == "" else None)
    elif route.method == "POST":
        response = caller.post(url) if tagging else caller.post(url, json=res.new(world, unit))
    elif route.method == "PATCH":
        response = caller.patch(url, json=res.change, headers=headers)
    else:
        response = caller.delete(url, headers=headers)
    assert response.status_code == want, response.text
    if route.method == "GET" and route.suffix == "" and want == 200:
        items = response.json()["items"]
        visible = not res.scoped or USERS[login][1] in ("P", unit)
        assert (res.existing(world, unit) in [i["id"] for i in items]) == visible


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_callers_are_refused(client: TestClient, world: World, route: Route) -> None:
    res = RESOURCES[route.resource]
    url = res.path + route.suffix.replace("{id}", str(res.existing(world, "A"))).replace(
        "{tag}", "ta-test"
    )
    response = client.request(
        route.method, url, json={} if route.method in ("POST", "PATCH") else None
    )
    assert response.status_code == 401
