"""Every route x every caller x a record of unit A or B, against DESIGN.md's role table.

The app's routes are discovered from the app itself: a route in none of the tables
below fails the first test.

A role the guard refuses gets 403 whatever the record. A record outside the
caller's scope answers 404, a body naming another unit's record 422, and a list
filtered to another unit comes back empty: nothing says the record exists.

Admins are two: the province's (`admin`) and commune A's (`admin_a`), who is an admin of
A's scope only and may not change what every unit shares (categories, norms): 403.
"""

from __future__ import annotations

import io
import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from PIL import Image

from inventory.app import create_app
from inventory.jobs import queries as jobs
from tests.conftest import run_sql
from tests.world import PASSWORD, USERS, World

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
    shared: bool = False  # the deployment's data: written by an admin of the province only
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
            "parent_id": w.units[u],
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
        shared=True,
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
        # By its serial too: other tests add many assets to the same unit.
        lambda w, u: {"holder_unit_id": w.units[u], "q": f"SN-{u}-001"},
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
    if route.method != "GET" and RESOURCES[route.resource].shared and scope != "P":
        return 403  # a commune's admin changing a wear rate would revalue every commune's
    if RESOURCES[route.resource].scoped and scope not in ("P", unit):
        return route.hidden
    return route.ok


def test_the_matrix_covers_every_route_of_the_app(client: TestClient) -> None:
    """A new route, or a new router, must be added to the matrix (or, for what is not
    scoped by unit, to EXEMPT with the reason)."""
    served = {
        f"{method} {route.path}"
        for route in client.app.routes
        for method in getattr(route, "methods", ())
        if method not in ("HEAD", "OPTIONS")
    }
    declared = {str(route) for route in ROUTES} | {str(case) for case in CASES} | set(EXEMPT)
    assert served - declared == set(), "routes outside the role x scope matrix"
    assert declared - served == set(), "the matrix names routes the app does not serve"


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


# --- Every other route: one case each -------------------------------------------------

READERS = EVERYONE
AUDITORS = frozenset({"admin", "auditor"})


def _sees(login: str, unit: str) -> bool:
    return USERS[login][1] in ("P", unit)


def _of_province(ok: int, refused: int = 403) -> Callable[[str, str], int]:
    """The answer to an admin, `ok` only for the province's (its unit at the top)."""
    return lambda login, unit: ok if USERS[login][1] == "P" else refused


@dataclass(frozen=True)
class Case:
    """One route: who may call it, and how to name a record of a unit in its URL."""

    method: str
    path: str  # as the app's route table spells it
    roles: frozenset[str]
    ok: int
    hidden: int  # the answer when the record is another unit's
    url: Callable[[World, str], str]
    body: Callable[[World, str], Any] | None = None
    content: Callable[[World, str], bytes] | None = None  # a raw application/pdf body
    sees: Callable[[str, str], bool] = _sees
    page: bool = False  # a page: signed in by session, refusals are pages too
    writes_page: bool = False  # a page of writers: a reader of the unit gets a 403 page
    files: Callable[[World, str], Any] | None = None  # a multipart upload instead of JSON
    image: bool = False  # answers an image when allowed (refusals are still pages)
    media: str = "text/html"  # what a page route answers with 200 (a file, for documents)
    script: bool = False  # a page's script's JSON (CSRF in a header): answers JSON
    want: Callable[[str, str], int] | None = None  # the answer, when role and scope don't say
    after: Callable[[str, httpx.Response], None] | None = None  # (database url, the answer)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _batch(world: World, unit: str) -> dict[str, Any]:
    key = f"batch-{unit}"
    if key not in world.assets:
        batch = world.create("/api/v1/tags/batches", unit_id=world.units[unit], size=3)
        world.assets[key] = batch["id"]
        world.assets[f"blank-{unit}"] = batch["tags"][0]["code"]  # type: ignore[assignment]
    return {"id": world.assets[key], "code": world.assets[f"blank-{unit}"]}


def _fresh_blank(world: World, unit: str) -> str:
    return world.create("/api/v1/tags/batches", unit_id=world.units[unit], size=1)["tags"][0][
        "code"
    ]


def _job(world: World, unit: str) -> int:
    key = f"job-{unit}"
    if key not in world.assets:
        owner = world.callers[_OFFICER_OF[unit]]
        made = owner.post("/api/v1/labels/jobs", json={"holder_unit_id": world.units[unit]})
        assert made.status_code == 202, made.text
        world.assets[key] = made.json()["id"]
    return world.assets[key]


def _end_label_job(database_url: str, answer: httpx.Response) -> None:
    """Fail the label job a call queued, as the worker writes a failure: no worker runs
    here, and an account may have only a few label jobs queued (printing.jobs), fewer than
    a province's admin starts here (two units, the API and the page)."""
    if answer.status_code == 202:
        job_id = answer.json()["id"]
    elif answer.status_code == 303:
        job_id = int(answer.headers["location"].removeprefix("/jobs/"))
    else:
        return
    run_sql(database_url, jobs.FAILED, job_id, "ended by the test")


def _job_seen(login: str, unit: str) -> bool:
    """A job is seen by its owner, and by admins and auditors of its scope."""
    role, scope = USERS[login]
    return login == _OFFICER_OF[unit] or (role in AUDITORS and scope in ("P", unit))


def _tag(world: World, unit: str) -> str:
    return f"T{unit}-TEST"


def _labelled_room(world: World, unit: str) -> dict[str, Any]:
    """A room made through the API in the unit's seeded site, so it has its label's code."""
    key = f"labelled-room-{unit}"
    if key not in world.assets:
        room = world.create("/api/v1/rooms", site_id=world.sites[unit], name=f"Phòng {_token()}")
        world.assets[key] = room["id"]
        world.assets[f"{key}-tag"] = room["tag"]  # type: ignore[assignment]
    return {"id": world.assets[key], "tag": world.assets[f"{key}-tag"]}


def _site_room_labels(world: World, unit: str) -> str:
    _labelled_room(world, unit)  # the seeded site's own rooms were written without a code
    return f"/api/v1/labels/rooms?site_id={world.sites[unit]}"


# --- Stocktakes: over each unit's seeded site, opened and closed by the admin ---
_ST = "/api/v1/stocktakes"


def _open_stocktake(world: World, unit: str) -> int:
    body = {"unit_id": world.units[unit], "site_id": world.sites[unit]}
    return world.create(_ST, **body)["id"]


def _stocktake(world: World, unit: str, closed: bool = False) -> int:
    """One open and one closed stocktake per unit, shared by the read cases."""
    key = f"stocktake-{'closed' if closed else 'open'}-{unit}"
    if key not in world.assets:
        world.assets[key] = _open_stocktake(world, unit)
        if closed:
            done = world.callers["admin"].post(f"{_ST}/{world.assets[key]}/close")
            assert done.status_code == 200, done.text
    return world.assets[key]


def _stocktake_scan(world: World, unit: str, tag: str, room_id: int) -> dict[str, Any]:
    seen_at = datetime.now(UTC).isoformat()
    return {
        "scans": [{"id": str(uuid.uuid4()), "tag": tag, "room_id": room_id, "seen_at": seen_at}]
    }


def _misplaced(world: World, unit: str) -> str:
    """A closed stocktake with an asset seen outside its room, not yet decided: its URL."""
    key = f"stocktake-room-{unit}"
    if key not in world.rooms:
        world.rooms[key] = world.create(
            "/api/v1/rooms", site_id=world.sites[unit], name=f"Kho {_token()}"
        )["id"]
    asset = world.create(
        "/api/v1/assets",
        name=f"Tủ {_token()}",
        category_id=world.categories["BG"],
        holder_unit_id=world.units[unit],
        room_id=world.rooms[unit],
    )
    stocktake_id = _open_stocktake(world, unit)
    admin = world.callers["admin"]
    body = _stocktake_scan(world, unit, asset["tag"], world.rooms[key])
    assert admin.post(f"{_ST}/{stocktake_id}/scans", json=body).status_code == 200
    assert admin.post(f"{_ST}/{stocktake_id}/close").status_code == 200
    return f"{_ST}/{stocktake_id}/results/{asset['id']}"


STOCKTAKE_CASES = [
    Case("GET", _ST, READERS, 200, 200, lambda w, u: f"{_ST}?unit_id={w.units[u]}"),
    Case(
        "POST",
        _ST,
        REGISTRY_WRITERS,
        201,
        422,
        lambda w, u: _ST,
        body=lambda w, u: {"unit_id": w.units[u], "site_id": w.sites[u]},
    ),
    *(
        Case(
            "GET",
            f"{_ST}/{{stocktake_id:int}}{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: f"{_ST}/{_stocktake(w, u)}{suffix}",
        )
        for suffix in ("", "/history", "/expected", "/scans")
    ),
    Case(
        "POST",
        f"{_ST}/{{stocktake_id:int}}/scans",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"{_ST}/{_stocktake(w, u)}/scans",
        body=lambda w, u: _stocktake_scan(w, u, _tag(w, u), w.rooms[u]),
    ),
    *(
        Case(
            "POST",
            f"{_ST}/{{stocktake_id:int}}/{step}",
            REGISTRY_WRITERS,
            200,
            404,
            lambda w, u, step=step: f"{_ST}/{_open_stocktake(w, u)}/{step}",
        )
        for step in ("close", "cancel")
    ),
    Case(
        "GET",
        f"{_ST}/{{stocktake_id:int}}/results",
        READERS,
        200,
        404,
        lambda w, u: f"{_ST}/{_stocktake(w, u, closed=True)}/results",
    ),
    *(
        Case(
            "GET",
            f"{_ST}/{{stocktake_id:int}}/{document}",
            READERS,
            200,
            404,
            lambda w, u, document=document: f"{_ST}/{_stocktake(w, u, closed=True)}/{document}",
        )
        for document in ("minutes.pdf", "results.xlsx", "results.csv")
    ),
    *(
        Case(
            "POST",
            f"{_ST}/{{stocktake_id:int}}/results/{{asset_id:int}}/{decision}",
            REGISTRY_WRITERS,
            200,
            404,
            lambda w, u, decision=decision: f"{_misplaced(w, u)}/{decision}",
        )
        for decision in ("move-here", "leave")
    ),
    Case(
        "POST",
        "/api/v1/assets/{asset_id:int}/move",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"/api/v1/assets/{w.assets[u]}/move",
        body=lambda w, u: {"room_id": w.rooms[u]},  # where it stands: nothing changes
    ),
    Case(
        "POST",
        "/api/v1/assets/{asset_id:int}/reports",
        REGISTRY_WRITERS,
        201,
        404,
        lambda w, u: f"/api/v1/assets/{_fresh_asset(w, u)}/reports",
        body=lambda w, u: {"condition": "needs_repair", "note": "Màn hình nứt"},
    ),
]


# --- Photos: one asset per unit with one photo, added by the admin ---
def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(out, "JPEG")
    return out.getvalue()


_PHOTO_FILE = {"photo": ("anh.jpg", _jpeg(), "image/jpeg")}


def _photo(world: World, unit: str) -> dict[str, Any]:
    """An asset of the unit with a photo: its id, tag, and the photo's id."""
    key = f"photo-{unit}"
    if key not in world.assets:
        asset = _tagged_asset_record(world, unit)
        added = world.callers["admin"].post(
            f"/api/v1/assets/{asset['id']}/photos", files=_PHOTO_FILE
        )
        assert added.status_code == 201, added.text
        world.assets[key] = {"id": asset["id"], "tag": asset["tag"], "photo": added.json()["id"]}  # type: ignore[assignment]
    return world.assets[key]  # type: ignore[return-value]


def _photo_url(world: World, unit: str, suffix: str = "") -> str:
    photo = _photo(world, unit)
    return f"/api/v1/assets/{photo['id']}/photos/{photo['photo']}{suffix}"


def _photo_page(world: World, unit: str, suffix: str = "") -> str:
    photo = _photo(world, unit)
    return f"/t/{photo['tag']}/photos/{photo['photo']}{suffix}"


_PA = "/api/v1/assets/{asset_id:int}/photos"
PHOTO_CASES = [
    Case("GET", _PA, READERS, 200, 404, lambda w, u: _photo_url(w, u).rsplit("/", 1)[0]),
    Case(
        "POST",
        _PA,
        REGISTRY_WRITERS,
        201,
        404,
        lambda w, u: _photo_url(w, u).rsplit("/", 1)[0],
        files=lambda w, u: _PHOTO_FILE,
    ),
    *(
        Case(
            "GET",
            f"{_PA}/{{photo_id:int}}{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: _photo_url(w, u, suffix),
        )
        for suffix in ("", "/thumbnail")
    ),
    *(
        Case(
            "GET",
            f"/t/{{tag:str}}/photos/{{photo_id:int}}{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: _photo_page(w, u, suffix),
            page=True,
            image=True,
        )
        for suffix in ("", "/thumbnail")
    ),
]


def _tagged_asset_record(world: World, unit: str) -> dict[str, Any]:
    return world.create(
        "/api/v1/assets",
        name=f"Máy ảnh {secrets.token_hex(3)}",
        category_id=world.categories["BG"],
        holder_unit_id=world.units[unit],
        room_id=world.rooms[unit],
    )


def _tagged_asset(world: World, unit: str) -> str:
    """The tag of a fresh asset, for a page that changes it."""
    return world.create(
        "/api/v1/assets",
        name=f"Tủ sắt {secrets.token_hex(3)}",
        category_id=world.categories["BG"],
        holder_unit_id=world.units[unit],
        room_id=world.rooms[unit],
    )["tag"]


def _fresh_asset(world: World, unit: str) -> int:
    """An asset of its own for a case that changes it, so the seeded world stays as it is."""
    return world.create(
        "/api/v1/assets",
        name=f"Quạt {secrets.token_hex(3)}",
        category_id=world.categories["BG"],
        holder_unit_id=world.units[unit],
    )["id"]


# --- Handovers: from each unit's former unit (A1, B1) to the unit, built by the admin ---
_HO = "/api/v1/handovers"
_HO_SIDES = frozenset({"admin", "auditor", "leader"})


def _handover_body(world: World, unit: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "merger",
        "decision": {"number": f"{_token()}/QĐ", "date": "2026-11-20", "issuer": "UBND tỉnh"},
        "giving_unit_id": world.units[f"{unit}1"],
        "receiving_unit_id": world.units[unit],
        **extra,
    }


def _former_asset(world: World, unit: str) -> int:
    """A fresh asset of the unit's former unit, to list in a handover."""
    return world.create(
        "/api/v1/assets",
        name=f"Tủ gỗ {_token()}",
        category_id=world.categories["BG"],
        holder_unit_id=world.units[f"{unit}1"],
    )["id"]


def _handover(world: World, unit: str, step: str = "draft") -> int:
    """A fresh handover with one asset, taken by the admin to `step`: draft, submitted,
    disputed or received (every item recorded)."""
    admin = world.callers["admin"]
    body = _handover_body(world, unit, items={"asset_ids": [_former_asset(world, unit)]})
    handover_id = world.create(_HO, **body)["id"]
    if step != "draft":
        assert admin.post(f"{_HO}/{handover_id}/submit").status_code == 200
    if step == "disputed":
        made = admin.post(f"{_HO}/{handover_id}/dispute", json={"reason": "thiếu hồ sơ"})
        assert made.status_code == 200, made.text
    if step == "received":
        item = admin.get(f"{_HO}/{handover_id}/items").json()["items"][0]["id"]
        got = admin.post(
            f"{_HO}/{handover_id}/receipts", json={"status": "received", "item_ids": [item]}
        )
        assert got.status_code == 200, got.text
    return handover_id


def _shared_handover(world: World, unit: str) -> int:
    key = f"handover-{unit}"
    if key not in world.assets:
        world.assets[key] = _handover(world, unit)
    return world.assets[key]


def _flag_url(world: World, unit: str) -> str:
    """The clearing URL of a fresh flag on the unit's shared handover."""
    handover_id = _shared_handover(world, unit)
    flag = world.create(f"{_HO}/{handover_id}/flags", comment="Chậm bàn giao")
    return f"{_HO}/{handover_id}/flags/{flag['id']}/clear"


def _notice(world: World, unit: str) -> int:
    """A fresh notice of the unit's officer: the admin submits a handover of its own."""
    handover_id = _handover(world, unit, "submitted")
    officer = world.callers[_OFFICER_OF[unit]]
    found = officer.get("/api/v1/notifications", params={"handover_id": handover_id}).json()
    return found["items"][0]["id"]


def _handover_item(world: World, unit: str, step: str) -> str:
    """The URL of a fresh handover at `step`; its first item's id kept for the body."""
    handover_id = _handover(world, unit, step)
    items = world.callers["admin"].get(f"{_HO}/{handover_id}/items").json()["items"]
    world.assets[f"handover-item-{unit}"] = items[0]["id"]
    return f"{_HO}/{handover_id}"


# --- The desktop pages: the register's lists (users: admins') and a unit's lineage; the
# asset list of the caller's scope, one asset's page and label
# preview for every reader of its unit, its edit form for the writers of its unit ---
def _version(world: World, unit: str) -> str:
    return str(world.callers["admin"].get(f"/api/v1/assets/{world.assets[unit]}").json()["version"])


def _writer_of_unit(login: str, unit: str) -> bool:
    return _sees(login, unit) and USERS[login][0] in REGISTRY_WRITERS


DESK_CASES = [
    Case(
        "GET", "/assets", READERS, 200, 200, lambda w, u: "/assets", sees=lambda *_: True, page=True
    ),
    *(
        Case(
            "GET",
            path,
            roles,
            200,
            200,
            lambda w, u, path=path: path,
            sees=lambda *_: True,
            page=True,
        )
        for path, roles in (
            ("/units", READERS),
            ("/sites", READERS),
            ("/rooms", READERS),
            ("/users", ADMIN),
        )
    ),
    Case(
        "GET", "/labels", READERS, 200, 200, lambda w, u: "/labels", sees=lambda *_: True, page=True
    ),
    Case(
        "GET",
        "/labels/file",
        READERS,
        200,
        404,  # no tagged asset of the caller's scope is held by the unit
        # By its serial too: other tests add more assets to a unit than a file takes at once.
        lambda w, u: f"/labels/file?holder_unit_id={w.units[u]}&q=SN-{u}-001",
        page=True,
        media="application/pdf",
    ),
    Case(
        "POST",
        "/labels",
        READERS,
        303,
        404,
        lambda w, u: "/labels",
        body=lambda w, u: {"holder_unit_id": str(w.units[u])},
        page=True,
        after=_end_label_job,
    ),
    Case(
        "GET",
        "/units/{unit_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/units/{w.units[u]}",
        page=True,
    ),
    Case(
        "GET",
        "/assets/{asset_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/assets/{w.assets[u]}",
        page=True,
    ),
    Case(
        "GET",
        "/assets/{asset_id:int}/label.png",
        READERS,
        200,
        404,
        lambda w, u: f"/assets/{w.assets[u]}/label.png",
        page=True,
        image=True,
    ),
    Case(
        "GET",
        "/assets/{asset_id:int}/edit",
        READERS,
        200,
        404,
        lambda w, u: f"/assets/{w.assets[u]}/edit",
        sees=_writer_of_unit,
        page=True,
        writes_page=True,
    ),
    Case(
        "POST",
        "/assets/{asset_id:int}/edit",
        READERS,
        303,
        404,
        lambda w, u: f"/assets/{w.assets[u]}/edit",
        # Its own name again: saved, and nothing changes.
        body=lambda w, u: {"name": "Máy tính để bàn Điện Quang", "version": _version(w, u)},
        sees=_writer_of_unit,
        page=True,
        writes_page=True,
    ),
]


# The register's forms (web/record_forms.py): a new record's form for those the API lets
# create one; an edit form for those who may change the record, another unit's record not
# found. Each create form sends its Idempotency-Key; a body naming another unit's record
# is the API's 422, on the form.
def _admin_of(login: str, unit: str) -> bool:
    return _sees(login, unit) and USERS[login][0] == "admin"


def _as_it_is(world: World, path: str) -> dict[str, str]:
    """An edit form's post of a record's own name again (saved: nothing changes)."""
    now = world.callers["admin"].get(path).json()
    name = "full_name" if path.startswith("/api/v1/users/") else "name"
    return {name: now[name], "version": str(now["version"])}


_FORMS = {
    # plural: (who creates, who edits, the record of a unit, a new record's body)
    "units": (
        ADMIN,
        _admin_of,
        lambda w, u: w.units[u],
        lambda w, u: {
            "code": f"M{_token()}",
            "name": "Văn phòng",
            "kind": "agency",
            "parent_id": str(w.units[u]),
        },
    ),
    "sites": (
        REGISTRY_WRITERS,
        _writer_of_unit,
        lambda w, u: w.sites[u],
        lambda w, u: {"holder_unit_id": str(w.units[u]), "name": f"Trụ sở {_token()}"},
    ),
    "rooms": (
        REGISTRY_WRITERS,
        _writer_of_unit,
        lambda w, u: w.rooms[u],
        lambda w, u: {"site_id": str(w.sites[u]), "name": f"Phòng {_token()}"},
    ),
    "users": (
        ADMIN,
        _admin_of,
        lambda w, u: w.users[_OFFICER_OF[u]],
        lambda w, u: {
            "login": f"m.{_token()}",
            "password": "long-enough-1",
            "role": "officer",
            "unit_id": str(w.units[u]),
        },
    ),
}

FORM_CASES = [
    case
    for plural, (creators, editors, record, new) in _FORMS.items()
    for case in (
        Case(
            "GET",
            f"/{plural}/new",
            creators,
            200,
            200,
            lambda w, u, p=plural: f"/{p}/new",
            sees=lambda *_: True,
            page=True,
        ),
        Case(
            "POST",
            f"/{plural}/new",
            creators,
            303,
            422,  # a unit or site outside the scope, refused on the form
            lambda w, u, p=plural: f"/{p}/new",
            body=lambda w, u, new=new: {**new(w, u), "idempotency_key": _token()},
            page=True,
        ),
        Case(
            "GET",
            f"/{plural}/{{record_id:int}}/edit",
            READERS,
            200,
            404,
            lambda w, u, p=plural, r=record: f"/{p}/{r(w, u)}/edit",
            sees=editors,
            page=True,
            writes_page=True,
        ),
        Case(
            "POST",
            f"/{plural}/{{record_id:int}}/edit",
            READERS,
            303,
            404,
            lambda w, u, p=plural, r=record: f"/{p}/{r(w, u)}/edit",
            body=lambda w, u, p=plural, r=record: _as_it_is(w, f"/api/v1/{p}/{r(w, u)}"),
            sees=editors,
            page=True,
            writes_page=True,
        ),
    )
]

# The blank batches page: the scope's batches for every reader, a new batch for writers
# (another unit's: the API's 422 on the form), a batch's page and labels file.
BATCH_PAGE_CASES = [
    Case(
        "GET",
        "/batches",
        READERS,
        200,
        200,
        lambda w, u: "/batches",
        sees=lambda *_: True,
        page=True,
    ),
    Case(
        "POST",
        "/batches",
        REGISTRY_WRITERS,
        303,
        422,
        lambda w, u: "/batches",
        body=lambda w, u: {"unit_id": str(w.units[u]), "size": "1", "idempotency_key": _token()},
        page=True,
    ),
    Case(
        "GET",
        "/batches/{batch_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/batches/{_batch(w, u)['id']}",
        page=True,
    ),
    Case(
        "GET",
        "/batches/{batch_id:int}/labels",
        READERS,
        200,
        404,
        lambda w, u: f"/batches/{_batch(w, u)['id']}/labels",
        page=True,
        media="application/pdf",
    ),
]


def _import_job(world: World, unit: str) -> int:
    """A dry run of an asset list by the unit's officer (no worker runs here: queued)."""
    key = f"import-{unit}"
    if key not in world.assets:
        owner = world.callers[_OFFICER_OF[unit]]
        made = owner.post(
            "/api/v1/imports",
            params={"unit_id": world.units[unit], "dry_run": "true"},
            content=_IMPORT_CSV,
        )
        assert made.status_code == 202, made.text
        world.assets[key] = made.json()["id"]
    return world.assets[key]


_IMPORT_CSV = "Ten tai san,Loai tai san\r\nBàn ma trận,BG\r\n".encode()

# The import page: a writer's form, a file sent into a unit (another unit's: the API's
# 422 on the form), the job's page as a job is seen, and importing a checked file (its
# dry run is never done here, so there is none to import: 404 even for its owner).
IMPORT_PAGE_CASES = [
    Case(
        "GET",
        "/imports",
        REGISTRY_WRITERS,
        200,
        200,
        lambda w, u: "/imports",
        sees=lambda *_: True,
        page=True,
    ),
    Case(
        "POST",
        "/imports",
        REGISTRY_WRITERS,
        303,
        422,
        lambda w, u: "/imports",
        body=lambda w, u: {
            "unit_id": str(w.units[u]),
            "action": "check",
            "idempotency_key": _token(),
        },
        files=lambda w, u: {"file": ("a.csv", _IMPORT_CSV, "text/csv")},
        page=True,
    ),
    Case(
        "GET",
        "/imports/{job_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/imports/{_import_job(w, u)}",
        sees=_job_seen,
        page=True,
    ),
    Case(
        "POST",
        "/imports/{job_id:int}/import",
        REGISTRY_WRITERS,
        404,
        404,
        lambda w, u: f"/imports/{_import_job(w, u)}/import",
        body=lambda w, u: {"idempotency_key": _token()},
        page=True,
    ),
]


HANDOVER_CASES = [
    Case("GET", _HO, READERS, 200, 200, lambda w, u: f"{_HO}?giving_unit_id={w.units[u + '1']}"),
    Case(
        "POST",
        _HO,
        REGISTRY_WRITERS,
        201,
        422,
        lambda w, u: _HO,
        body=lambda w, u: _handover_body(w, u),
    ),
    Case("GET", f"{_HO}/compliance", _HO_SIDES, 200, 200, lambda w, u: f"{_HO}/compliance"),
    Case(
        "GET",
        f"{_HO}/compliance.xlsx",
        _HO_SIDES,
        200,
        200,
        lambda w, u: f"{_HO}/compliance.xlsx",
    ),
    *(
        Case(
            "GET",
            f"{_HO}/{{handover_id:int}}{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: f"{_HO}/{_shared_handover(w, u)}{suffix}",
        )
        for suffix in ("", "/items", "/history")
    ),
    Case(
        "POST",
        f"{_HO}/{{handover_id:int}}/items",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"{_HO}/{_handover(w, u)}/items",
        body=lambda w, u: {"asset_ids": [_former_asset(w, u)]},
    ),
    Case(
        "POST",
        f"{_HO}/{{handover_id:int}}/items/remove",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"{_handover_item(w, u, 'draft')}/items/remove",
        body=lambda w, u: {"item_ids": [w.assets[f"handover-item-{u}"]]},
    ),
    *(
        Case(
            "POST",
            f"{_HO}/{{handover_id:int}}/{action}",
            REGISTRY_WRITERS,
            200,
            404,
            lambda w, u, action=action, step=step: f"{_HO}/{_handover(w, u, step)}/{action}",
            body=body,
        )
        for action, step, body in (
            ("submit", "draft", None),
            ("cancel", "draft", None),
            ("resume", "disputed", None),
            ("dispute", "submitted", lambda w, u: {"reason": "thiếu hồ sơ"}),
            ("surplus", "submitted", lambda w, u: {"items": [{"name": "Quạt trần"}]}),
            ("sign", "received", lambda w, u: {"name": "Nguyễn Văn A", "side": "giver"}),
        )
    ),
    # Compliance (inventory.compliance): coverage of a former unit, auditors' flags.
    Case(
        "GET",
        f"{_HO}/coverage/{{unit_id:int}}",
        _HO_SIDES,
        200,
        404,
        lambda w, u: f"{_HO}/coverage/{w.units[u + '1']}",
    ),
    Case(
        "GET",
        f"{_HO}/{{handover_id:int}}/flags",
        READERS,
        200,
        404,
        lambda w, u: f"{_HO}/{_shared_handover(w, u)}/flags",
    ),
    Case(
        "POST",
        f"{_HO}/{{handover_id:int}}/flags",
        AUDITORS,  # an officer or a leader cannot flag
        201,
        404,
        lambda w, u: f"{_HO}/{_shared_handover(w, u)}/flags",
        body=lambda w, u: {"comment": "Thiếu hồ sơ"},
    ),
    Case(
        "POST",
        f"{_HO}/{{handover_id:int}}/flags/{{flag_id:int}}/clear",
        AUDITORS,
        200,
        404,
        lambda w, u: _flag_url(w, u),
        body=lambda w, u: {},
    ),
    Case(
        "POST",
        f"{_HO}/{{handover_id:int}}/receipts",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"{_handover_item(w, u, 'submitted')}/receipts",
        body=lambda w, u: {"status": "received", "item_ids": [w.assets[f"handover-item-{u}"]]},
    ),
]

# The handover pages: the list and one handover's page for every reader of its scope, the
# compliance page for those of the API's compliance route; each step a form posted by
# writers (the API's function: the API's answers, the 404 page for another unit's).
HANDOVER_PAGE_CASES = [
    Case(
        "GET",
        "/handovers",
        READERS,
        200,
        200,
        lambda w, u: "/handovers",
        sees=lambda login, unit: True,
        page=True,
    ),
    Case(
        "GET",
        "/handovers/{handover_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/handovers/{_shared_handover(w, u)}",
        page=True,
    ),
    Case(
        "GET",
        "/compliance",
        _HO_SIDES,
        200,
        200,
        lambda w, u: "/compliance",
        sees=lambda login, unit: True,
        page=True,
    ),
    Case(
        "GET",
        "/compliance.xlsx",
        _HO_SIDES,
        200,
        200,
        lambda w, u: "/compliance.xlsx",
        sees=lambda login, unit: True,
        page=True,
        media="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    *(
        Case(
            "POST",
            f"/handovers/{{handover_id:int}}/{action}",
            REGISTRY_WRITERS,
            303,
            404,
            lambda w, u, action=action, step=step: f"/handovers/{_handover(w, u, step)}/{action}",
            body=body,
            page=True,
        )
        for action, step, body in (
            ("submit", "draft", None),
            ("cancel", "draft", None),
            ("resume", "disputed", None),
            ("dispute", "submitted", lambda w, u: {"reason": "thiếu hồ sơ"}),
            ("surplus", "submitted", lambda w, u: {"name": "Quạt trần", "quantity": "2"}),
            ("sign", "received", lambda w, u: {"name": "Nguyễn Văn A", "side": "giver"}),
        )
    ),
    Case(
        "POST",
        "/handovers/{handover_id:int}/flags",
        AUDITORS,
        303,
        404,
        lambda w, u: f"/handovers/{_shared_handover(w, u)}/flags",
        body=lambda w, u: {"comment": "Chậm bàn giao"},
        page=True,
    ),
    Case(
        "POST",
        "/handovers/{handover_id:int}/flags/{flag_id:int}/clear",
        AUDITORS,
        303,
        404,
        lambda w, u: _flag_url(w, u).removeprefix("/api/v1"),
        body=lambda w, u: {"comment": ""},
        page=True,
    ),
    Case(
        "POST",
        "/handovers/{handover_id:int}/receipts",
        REGISTRY_WRITERS,
        303,
        404,
        lambda w, u: _handover_item(w, u, "submitted").removeprefix("/api/v1") + "/receipts",
        body=lambda w, u: {"status": "received", "item_ids": str(w.assets[f"handover-item-{u}"])},
        page=True,
    ),
]


# --- Norms, staffing and needs: norms are the deployment's; staffing and needs per unit ---
_NORMS = "/api/v1/norms"
_STAFF_BODY = {"positions": [{"position": "Chuyên viên", "norm_group": "staff", "holders": 4}]}


def _norm_id(world: World) -> int:
    key = "norm-area-leader"
    if key not in world.assets:
        norms = world.callers["admin"].get(_NORMS, params={"kind": "area"}).json()["items"]
        world.assets[key] = next(n["id"] for n in norms if n["code"] == "area.leader")
    return world.assets[key]


NEEDS_CASES = [
    *(
        Case("GET", f"{_NORMS}{suffix}", READERS, 200, 200, lambda w, u, s=suffix: _NORMS + s)
        for suffix in ("", "/items")
    ),
    *(
        Case(
            "GET",
            f"{_NORMS}/{{norm_id:int}}{suffix}",
            READERS,
            200,
            200,
            lambda w, u, s=suffix: f"{_NORMS}/{_norm_id(w)}{s}",
            sees=lambda login, unit: True,
        )
        for suffix in ("", "/history")
    ),
    Case(
        "PATCH",
        f"{_NORMS}/{{norm_id:int}}",
        ADMIN,
        200,
        200,
        lambda w, u: f"{_NORMS}/{_norm_id(w)}",
        body=lambda w, u: {"confidence": "medium"},  # as it is: nothing changes
        want=_of_province(200),  # the deployment's figures
    ),
    *(
        Case(
            "GET",
            f"/api/v1/units/{{unit_id:int}}/staffing{suffix}",
            READERS,
            200,
            404,
            lambda w, u, s=suffix: f"/api/v1/units/{w.units[u]}/staffing{s}",
        )
        for suffix in ("", "/history")
    ),
    Case(
        "PUT",
        "/api/v1/units/{unit_id:int}/staffing",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"/api/v1/units/{w.units[u]}/staffing",
        body=lambda w, u: _STAFF_BODY,
    ),
    Case("GET", "/api/v1/needs", READERS, 200, 200, lambda w, u: "/api/v1/needs"),
    Case(
        "GET",
        "/api/v1/needs/report.pdf",
        READERS,
        200,
        200,
        lambda w, u: "/api/v1/needs/report.pdf",
    ),
    Case(
        "GET",
        "/api/v1/needs/units/{unit_id:int}/export.xlsx",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/needs/units/{w.units[u]}/export.xlsx",
    ),
    Case(
        "GET",
        "/api/v1/needs/units/{unit_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/needs/units/{w.units[u]}",
    ),
]


# The needs pages (web/needs.py) answer as the needs API: the overview for every reader of
# their scope, one commune's page and file 404 for another unit's; the norms page for
# everyone, its form posted by admins only (with the version shown: 303 back to the page).
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _norm_form(world: World, unit: str) -> dict[str, Any]:
    norm = world.callers["admin"].get(f"{_NORMS}/{_norm_id(world)}").json()
    return {"version": str(norm["version"]), "confidence": norm["confidence"]}


NEEDS_PAGE_CASES = [
    *(
        Case(
            "GET",
            path,
            READERS,
            200,
            200,
            lambda w, u, path=path: path,
            sees=lambda login, unit: True,
            page=True,
            media=media,
        )
        for path, media in (
            ("/needs", "text/html"),
            ("/needs.xlsx", _XLSX),
            ("/needs.pdf", "application/pdf"),
            ("/norms", "text/html"),
        )
    ),
    Case(
        "GET",
        "/needs/units/{unit_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/needs/units/{w.units[u]}",
        page=True,
    ),
    Case(
        "GET",
        "/needs/units/{unit_id:int}/export.xlsx",
        READERS,
        200,
        404,
        lambda w, u: f"/needs/units/{w.units[u]}/export.xlsx",
        page=True,
        media=_XLSX,
    ),
    Case(
        "POST",
        "/norms/{norm_id:int}",
        ADMIN,
        303,
        303,
        lambda w, u: f"/norms/{_norm_id(w)}",
        body=_norm_form,
        want=_of_province(303),
        page=True,
    ),
]


# --- A handover's documents: the minutes, the scanned decision, the signed minutes ---
_SIGNED: dict[str, bytes] = {}


def _decision_pdf(world: World, unit: str) -> bytes:
    from inventory.documents.pdf import Document

    document = Document(title="Quyết định", created=datetime(2026, 12, 3, tzinfo=UTC))
    document.paragraph(f"Quyết định số {_token()}/QĐ-UBND")
    return document.render()


def _decided_handover(world: World, unit: str) -> int:
    key = f"handover-decided-{unit}"
    if key not in world.assets:
        handover_id = _handover(world, unit)
        sent = world.callers["admin"].post(
            f"{_HO}/{handover_id}/decision",
            content=_decision_pdf(world, unit),
            headers={"Content-Type": "application/pdf"},
        )
        assert sent.status_code == 201, sent.text
        world.assets[key] = handover_id
    return world.assets[key]


def _signed_handover(world: World, unit: str) -> str:
    """The URL of a fresh handover whose minutes the giver signed (kept in _SIGNED)."""
    from tests.test_handover_signatures import matrix_signer, sign

    handover_id = _handover(world, unit, "received")
    minutes = world.callers["admin"].get(f"{_HO}/{handover_id}/minutes.pdf")
    assert minutes.status_code == 200, minutes.text
    _SIGNED[unit] = sign(minutes.content, matrix_signer(), "BenGiao")
    return f"{_HO}/{handover_id}/signed-minutes"


def _signed_file(world: World, unit: str) -> str:
    key = f"handover-signed-file-{unit}"
    if key not in world.assets:
        url = _signed_handover(world, unit)
        sent = world.callers["admin"].post(
            url, content=_SIGNED[unit], headers={"Content-Type": "application/pdf"}
        )
        assert sent.status_code == 201, sent.text
        world.assets[key] = sent.json()["url"]  # type: ignore[assignment]
    return world.assets[key]  # type: ignore[return-value]


HANDOVER_DOCUMENT_CASES = [
    Case(
        "PATCH",
        f"{_HO}/{{handover_id:int}}",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"{_HO}/{_handover(w, u)}",
        body=lambda w, u: {"documents_handed_over": "Sổ tài sản", "opinions": "Không"},
    ),
    *(
        Case(
            "GET",
            f"{_HO}/{{handover_id:int}}/{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: f"{_HO}/{_shared_handover(w, u)}/{suffix}",
        )
        for suffix in ("minutes.pdf", "minutes.docx", "signed-minutes")
    ),
    Case(
        "POST",
        f"{_HO}/{{handover_id:int}}/decision",
        REGISTRY_WRITERS,
        201,
        404,
        lambda w, u: f"{_HO}/{_handover(w, u)}/decision",
        content=_decision_pdf,
    ),
    Case(
        "GET",
        f"{_HO}/{{handover_id:int}}/decision",
        READERS,
        200,
        404,
        lambda w, u: f"{_HO}/{_decided_handover(w, u)}/decision",
    ),
    Case(
        "POST",
        f"{_HO}/{{handover_id:int}}/signed-minutes",
        REGISTRY_WRITERS,
        201,
        404,
        _signed_handover,
        content=lambda w, u: _SIGNED[u],
    ),
    Case(
        "GET",
        f"{_HO}/{{handover_id:int}}/signed-minutes/{{file_id:int}}",
        READERS,
        200,
        404,
        _signed_file,
    ),
    # The same files by session, for the handover's page.
    *(
        Case(
            "GET",
            f"/handovers/{{handover_id:int}}/{document}",
            READERS,
            200,
            404,
            lambda w, u, document=document: f"/handovers/{_decided_handover(w, u)}/{document}",
            page=True,
            media=media,
        )
        for document, media in (
            ("minutes.pdf", "application/pdf"),
            ("minutes.docx", "application/vnd.openxmlformats-officedocument"),
            ("decision.pdf", "application/pdf"),
        )
    ),
    Case(
        "GET",
        "/handovers/{handover_id:int}/signed-minutes/{file_id:int}",
        READERS,
        200,
        404,
        lambda w, u: _signed_file(w, u).removeprefix("/api/v1"),
        page=True,
        media="application/pdf",
    ),
]


# --- List exports (issue 11): the list's roles; another unit's filter exports no rows ---
_EXPORTS = {
    "/api/v1/assets": "holder_unit_id",
    "/api/v1/sites": "holder_unit_id",
    "/api/v1/rooms": "holder_unit_id",
    "/api/v1/handovers": "giving_unit_id",
}
EXPORT_CASES = [
    *(
        Case(
            "GET",
            f"{path}/export.{kind}",
            READERS,
            200,
            200,  # rows outside the scope are left out, as from the list
            lambda w, u, path=path, param=param, kind=kind: (
                f"{path}/export.{kind}?{param}={w.units[u]}"
            ),
        )
        for path, param in _EXPORTS.items()
        for kind in ("xlsx", "csv")
    ),
    *(
        Case(
            "GET",
            f"/api/v1/needs/export.{kind}",
            READERS,
            200,
            200,
            lambda w, u, kind=kind: f"/api/v1/needs/export.{kind}",
        )
        for kind in ("xlsx", "csv")
    ),
    # An import into the unit (a job): another unit's is refused as an unknown unit.
    Case(
        "POST",
        "/api/v1/imports",
        REGISTRY_WRITERS,
        202,
        422,
        lambda w, u: f"/api/v1/imports?unit_id={w.units[u]}&dry_run=true",
        content=lambda w, u: "Tên tài sản,Loại tài sản\r\nBàn,BG\r\n".encode(),
    ),
]

# --- Equipment requests: drafted by the commune's officers, endorsed by its leader, decided
# by the province's; each state-changing case gets a request of its own, made by the admin ---
_RQ = "/api/v1/requests"
_RQ_STAFF = {"positions": [{"position": "Chuyên viên", "norm_group": "staff", "holders": 6}]}
_RQ_LEADERS = frozenset({"leader"})


def _rq_caller(world: World, unit: str, role: str) -> Any:
    """The commune's leader (B has none among the seeded users: one is made for it)."""
    if unit == "A":
        return world.callers["leader_a"]
    key = f"request-leader-{unit}"
    if key not in world.callers:
        admin = world.callers["admin"]
        login = f"rq.{_token()}"
        made = admin.post(
            "/api/v1/users",
            json={"login": login, "password": PASSWORD, "role": role, "unit_id": world.units[unit]},
        )
        assert made.status_code == 201, made.text
        token = admin.client.post("/api/v1/auth/token", json={"login": login, "password": PASSWORD})
        world.callers[key] = type(admin)(admin.client, token.json()["access_token"])
    return world.callers[key]


def _rq_staffed(world: World, unit: str) -> dict[str, Any]:
    """The unit staffed (so it lacks equipment), as the body drafting its request names it."""
    key = f"request-staffed-{unit}"
    if key not in world.assets:
        url = f"/api/v1/units/{world.units[unit]}/staffing"
        staffed = world.callers["admin"].put(url, json=_RQ_STAFF, headers={"If-Match": "*"})
        assert staffed.status_code == 200, staffed.text
        world.assets[key] = 1
    return {"unit_id": world.units[unit]}


def _request(world: World, unit: str, status: str = "draft") -> dict[str, Any]:
    """A new request of the unit, taken as far as `status` by those who may."""
    admin = world.callers["admin"]
    request = world.create(f"{_RQ}/from-gaps", **_rq_staffed(world, unit))
    # A computer line whatever computers the unit already received, for the arrivals.
    request = world.create(
        f"{_RQ}/{request['id']}/lines",
        item="computer",
        quantity=1,
        unit_price=0,
        justification="Máy cho cán bộ mới",
    )
    steps = ["submitted", "endorsed", "under_review", "approved"]
    for step in steps[: steps.index(status) + 1] if status in steps else []:
        rid = request["id"]
        if step == "submitted":
            done = admin.post(f"{_RQ}/{rid}/submit")
        elif step == "endorsed":
            done = _rq_caller(world, unit, "leader").post(f"{_RQ}/{rid}/endorse", json={})
        elif step == "under_review":
            done = world.callers["leader"].post(f"{_RQ}/{rid}/review")
        else:
            for line in request["lines"]:
                done = world.callers["leader"].post(
                    f"{_RQ}/{rid}/lines/{line['id']}/decision",
                    json={"approved_quantity": line["quantity"], "reason": "Đúng định mức"},
                )
                assert done.status_code == 200, done.text
        assert done.status_code == 200, done.text
        request = done.json()
    return request


def _rq_line(world: World, unit: str, status: str = "draft", item: str = "") -> str:
    request = _request(world, unit, status)
    line = next(i for i in reversed(request["lines"]) if not item or i["item"] == item)
    return f"{_RQ}/{request['id']}/lines/{line['id']}"


def _rq_shared(world: World, unit: str) -> int:
    key = f"request-{unit}"
    if key not in world.assets:
        world.assets[key] = _request(world, unit)["id"]
    return world.assets[key]


def _rq_arrival(world: World, unit: str) -> dict[str, Any]:
    key = "request-computers"
    if key not in world.categories:
        world.categories[key] = world.create(
            "/api/v1/categories",
            code=f"RQ{_token()}",
            name="Máy vi tính",
            form_group="C",
            norm_item="computer",
        )["id"]
    asset = world.create(
        "/api/v1/assets",
        name=f"Máy tính {_token()}",
        category_id=world.categories[key],
        holder_unit_id=world.units[unit],
        room_id=world.rooms[unit],
    )
    return {"asset_ids": [asset["id"]]}


def _rq_surplus(world: World, unit: str) -> dict[str, Any]:
    """The unit made to hold a surplus the other commune lacks (A printers, B scanners:
    never both ways for one item), with free assets for this call to hand over."""
    item, other = ("printer", "B") if unit == "A" else ("scanner", "A")
    key = f"request-{item}s"
    if key not in world.categories:
        world.categories[key] = world.create(
            "/api/v1/categories", code=f"RQ{_token()}", name=item, form_group="C", norm_item=item
        )["id"]
    _rq_staffed(world, unit)
    _rq_staffed(world, other)
    for _ in range(6):
        world.create(
            "/api/v1/assets",
            name=f"{item} {_token()}",
            category_id=world.categories[key],
            holder_unit_id=world.units[unit],
        )
    return {
        "item": item,
        "from_unit_id": world.units[unit],
        "to_unit_id": world.units[other],
        "quantity": 1,
        "decision": {"number": "7/QĐ-UBND", "date": "2026-12-01", "issuer": "UBND tỉnh"},
    }


def _commune_leader(login: str, unit: str) -> int:
    """Endorsing: the leader of the request's own commune; the province's leader may not."""
    if login == "leader_a" and unit == "A":
        return 200
    return 403 if _sees(login, unit) else 404


def _province_leader(login: str, unit: str) -> int:
    """Reviewing and deciding: a leader of the province; the commune's own may not."""
    if login == "leader":
        return 200
    return 403 if _sees(login, unit) else 404


REQUEST_CASES = [
    Case("GET", _RQ, READERS, 200, 200, lambda w, u: f"{_RQ}?unit_id={w.units[u]}"),
    Case("GET", f"{_RQ}/reallocations", READERS, 200, 200, lambda w, u: f"{_RQ}/reallocations"),
    Case(
        "POST",
        f"{_RQ}/reallocations",
        ADMIN,
        201,
        201,  # the province's admin sees both communes
        lambda w, u: f"{_RQ}/reallocations",
        body=_rq_surplus,
        want=_of_province(201, 422),  # a commune's admin: the other commune is not theirs
    ),
    Case(
        "POST",
        f"{_RQ}/from-gaps",
        REGISTRY_WRITERS,
        201,
        422,
        lambda w, u: f"{_RQ}/from-gaps",
        body=_rq_staffed,
    ),
    *(
        Case(
            "GET",
            f"{_RQ}/{{request_id:int}}{suffix}",
            READERS,
            200,
            404,
            lambda w, u, s=suffix: f"{_RQ}/{_rq_shared(w, u)}{s}",
        )
        for suffix in ("", "/history")
    ),
    Case(
        "POST",
        f"{_RQ}/{{request_id:int}}/lines",
        REGISTRY_WRITERS,
        201,
        404,
        lambda w, u: f"{_RQ}/{_rq_shared(w, u)}/lines",
        body=lambda w, u: {
            "item": "printer",
            "quantity": 1,
            "unit_price": 0,
            "justification": "Dự phòng",
        },
    ),
    *(
        Case(
            method,
            f"{_RQ}/{{request_id:int}}/lines/{{line_id:int}}",
            REGISTRY_WRITERS,
            200,
            404,
            lambda w, u: _rq_line(w, u),
            body=lambda w, u: {"justification": "Thay máy hỏng"},
        )
        for method in ("PATCH", "DELETE")
    ),
    Case(
        "POST",
        f"{_RQ}/{{request_id:int}}/submit",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"{_RQ}/{_request(w, u)['id']}/submit",
    ),
    *(
        Case(
            "POST",
            f"{_RQ}/{{request_id:int}}/{step}",
            _RQ_LEADERS,
            200,
            404,
            lambda w, u, s=step: f"{_RQ}/{_request(w, u, 'submitted')['id']}/{s}",
            body=lambda w, u: {"note": "Bổ sung báo giá"},
            want=_commune_leader,
        )
        for step in ("endorse", "send-back")
    ),
    Case(
        "POST",
        f"{_RQ}/{{request_id:int}}/review",
        _RQ_LEADERS,
        200,
        404,
        lambda w, u: f"{_RQ}/{_request(w, u, 'endorsed')['id']}/review",
        want=_province_leader,
    ),
    Case(
        "POST",
        f"{_RQ}/{{request_id:int}}/lines/{{line_id:int}}/decision",
        _RQ_LEADERS,
        200,
        404,
        lambda w, u: f"{_rq_line(w, u, 'under_review')}/decision",
        body=lambda w, u: {"approved_quantity": 1, "reason": "Theo định mức"},
        want=_province_leader,
    ),
    Case(
        "POST",
        f"{_RQ}/{{request_id:int}}/lines/{{line_id:int}}/arrivals",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"{_rq_line(w, u, 'approved', 'computer')}/arrivals",
        body=_rq_arrival,
    ),
]


def _page_step(want: Callable[[str, str], int]) -> Callable[[str, str], int]:
    """The API's answer as the page gives it: a step taken is a redirect (303)."""
    return lambda login, unit: 303 if want(login, unit) == 200 else want(login, unit)


# The request pages: the list and one request for every reader of its scope; each step's
# form posts through the API's own step, so the same roles and sides, a redirect when taken.
REQUEST_PAGE_CASES = [
    Case(
        "GET",
        "/requests",
        READERS,
        200,
        200,
        lambda w, u: "/requests",
        sees=lambda login, unit: True,
        page=True,
    ),
    Case(
        "GET",
        "/requests/{request_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/requests/{_rq_shared(w, u)}",
        page=True,
    ),
    Case(
        "POST",
        "/requests/{request_id:int}/submit",
        REGISTRY_WRITERS,
        303,
        404,
        lambda w, u: f"/requests/{_request(w, u)['id']}/submit",
        page=True,
        writes_page=True,
    ),
    *(
        Case(
            "POST",
            f"/requests/{{request_id:int}}/{step}",
            _RQ_LEADERS,
            303,
            404,
            lambda w, u, s=step: f"/requests/{_request(w, u, 'submitted')['id']}/{s}",
            body=lambda w, u: {"note": "Bổ sung báo giá"},
            want=_page_step(_commune_leader),
            page=True,
            writes_page=True,
        )
        for step in ("endorse", "send-back")
    ),
    Case(
        "POST",
        "/requests/{request_id:int}/review",
        _RQ_LEADERS,
        303,
        404,
        lambda w, u: f"/requests/{_request(w, u, 'endorsed')['id']}/review",
        want=_page_step(_province_leader),
        page=True,
        writes_page=True,
    ),
    Case(
        "POST",
        "/requests/{request_id:int}/lines/{line_id:int}/decision",
        _RQ_LEADERS,
        303,
        404,
        lambda w, u: _rq_line(w, u, "under_review").removeprefix("/api/v1") + "/decision",
        body=lambda w, u: {"approved_quantity": "1", "reason": "Theo định mức"},
        want=_page_step(_province_leader),
        page=True,
        writes_page=True,
    ),
]


# The books (ledger/routes.py, web/ledger.py): an asset's card and a unit's yearly
# increases and decreases, for every reader of the asset or unit; another's is 404.
LEDGER_CASES = [
    *(
        Case(
            "GET",
            f"/api/v1/assets/{{asset_id:int}}/card{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: f"/api/v1/assets/{w.assets[u]}/card{suffix}",
        )
        for suffix in ("", ".pdf")
    ),
    *(
        Case(
            "GET",
            f"/api/v1/units/{{unit_id:int}}/asset-changes{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: f"/api/v1/units/{w.units[u]}/asset-changes{suffix}",
        )
        for suffix in ("", ".pdf", ".xlsx")
    ),
    Case(
        "GET",
        "/assets/{asset_id:int}/card.pdf",
        READERS,
        200,
        404,
        lambda w, u: f"/assets/{w.assets[u]}/card.pdf",
        page=True,
        media="application/pdf",
    ),
    *(
        Case(
            "GET",
            f"/reports/asset-changes{suffix}",
            READERS,
            200,
            404,
            lambda w, u, suffix=suffix: f"/reports/asset-changes{suffix}?unit_id={w.units[u]}",
            page=True,
            media=media,
        )
        for suffix, media in (("", "text/html"), (".pdf", "application/pdf"), (".xlsx", _XLSX))
    ),
]

CASES = [
    Case("GET", "/api/v1/auth/me", READERS, 200, 200, lambda w, u: "/api/v1/auth/me"),
    Case(
        "GET",
        "/api/v1/history",
        AUDITORS,
        200,
        200,
        lambda w, u: f"/api/v1/history?unit_id={w.units[u]}",
    ),
    Case(
        "GET", "/api/v1/history/verify", AUDITORS, 200, 200, lambda w, u: "/api/v1/history/verify"
    ),
    Case("GET", "/api/v1/jobs", READERS, 200, 200, lambda w, u: "/api/v1/jobs"),
    Case(
        "GET",
        "/api/v1/jobs/{job_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/jobs/{_job(w, u)}",
        sees=_job_seen,
    ),
    Case(
        "GET",
        "/api/v1/jobs/{job_id:int}/result",
        READERS,
        409,  # no worker runs here: never done
        404,
        lambda w, u: f"/api/v1/jobs/{_job(w, u)}/result",
        sees=_job_seen,
    ),
    Case(
        "GET",
        "/api/v1/labels/assets",
        READERS,
        200,
        404,
        # By the seeded asset's serial too: other tests give a unit thousands of assets.
        lambda w, u: f"/api/v1/labels/assets?holder_unit_id={w.units[u]}&q=SN-{u}-001",
    ),
    Case(
        "GET",
        "/api/v1/labels/assets/{asset_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/labels/assets/{w.assets[u]}",
    ),
    Case(
        "GET",
        "/api/v1/labels/batches/{batch_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/labels/batches/{_batch(w, u)['id']}",
    ),
    Case(
        "POST",
        "/api/v1/labels/jobs",
        READERS,
        202,
        404,
        lambda w, u: "/api/v1/labels/jobs",
        body=lambda w, u: {"holder_unit_id": w.units[u]},
        after=_end_label_job,
    ),
    Case(
        "GET",
        "/api/v1/labels/rooms",
        READERS,
        200,
        404,
        lambda w, u: _site_room_labels(w, u),
    ),
    Case(
        "GET",
        "/api/v1/labels/rooms/{room_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/labels/rooms/{_labelled_room(w, u)['id']}",
    ),
    Case(
        "GET",
        "/api/v1/tags/batches",
        READERS,
        200,
        200,
        lambda w, u: f"/api/v1/tags/batches?unit_id={w.units[u]}",
    ),
    Case(
        "POST",
        "/api/v1/tags/batches",
        REGISTRY_WRITERS,
        201,
        422,
        lambda w, u: "/api/v1/tags/batches",
        body=lambda w, u: {"unit_id": w.units[u], "size": 1},
    ),
    Case(
        "GET",
        "/api/v1/tags/batches/{batch_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/tags/batches/{_batch(w, u)['id']}",
    ),
    Case(
        "GET",
        "/api/v1/tags/batches/{batch_id:int}/history",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/tags/batches/{_batch(w, u)['id']}/history",
    ),
    Case(
        "GET",
        "/api/v1/tags/{code:str}",
        READERS,
        200,
        404,
        lambda w, u: f"/api/v1/tags/{_batch(w, u)['code']}",
    ),
    Case(
        "POST",
        "/api/v1/tags/{code:str}/claim",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"/api/v1/tags/{_fresh_blank(w, u)}/claim",
        body=lambda w, u: {"asset": {"name": "Ghế xoay", "category_id": w.categories["BG"]}},
    ),
    # Pages, signed in by session: another unit's record is a 404 page.
    *(
        Case(
            "GET",
            f"/{t}/{{tag:str}}",
            READERS,
            200,
            404,
            lambda w, u: f"/t/{_tag(w, u)}",
            page=True,
        )
        for t in ("t", "T")
    ),
    *(
        Case(
            "GET",
            f"/{t}/{{tag:str}}/history",
            READERS,
            200,
            404,
            lambda w, u: f"/t/{_tag(w, u)}/history",
            page=True,
        )
        for t in ("t", "T")
    ),
    *(
        Case(
            "POST",
            f"/{t}/{{tag:str}}/claim",
            READERS,  # the page answers a reader with a 403 page of its own
            303,
            404,
            lambda w, u: f"/t/{_fresh_blank(w, u)}/claim",
            body=lambda w, u: {
                "action": "create",
                "name": "Bàn họp",
                "category_id": str(w.categories["BG"]),
            },
            sees=lambda login, unit: _sees(login, unit) and USERS[login][0] in REGISTRY_WRITERS,
            page=True,
            writes_page=True,
        )
        for t in ("t", "T")
    ),
    *(
        Case(
            "GET",
            f"/{t}/{{tag:str}}/{action}",
            READERS,
            200,
            404,
            lambda w, u, action=action: f"/t/{_tag(w, u)}/{action}",
            sees=lambda login, unit: _sees(login, unit) and USERS[login][0] in REGISTRY_WRITERS,
            page=True,
            writes_page=True,
        )
        for t in ("t", "T")
        for action in ("move", "damage")
    ),
    *(
        Case(
            "POST",
            f"/{t}/{{tag:str}}/{action}",
            READERS,
            303,
            404,
            lambda w, u, action=action: f"/t/{_tagged_asset(w, u)}/{action}",
            body=lambda w, u, action=action: (
                {"room_id": str(w.rooms[u])} if action == "move" else {"condition": "fair"}
            ),
            sees=lambda login, unit: _sees(login, unit) and USERS[login][0] in REGISTRY_WRITERS,
            page=True,
            writes_page=True,
        )
        for t in ("t", "T")
        for action in ("move", "damage")
    ),
    *(
        Case(
            "GET",
            f"/{r}/{{code:str}}",
            READERS,
            200,
            404,
            lambda w, u, r=r: f"/{r}/{_labelled_room(w, u)['tag']}",
            page=True,
        )
        for r in ("r", "R")
    ),
    Case(
        "GET",
        "/jobs/{job_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/jobs/{_job(w, u)}",
        sees=_job_seen,
        page=True,
    ),
    Case(
        "GET",
        "/jobs/{job_id:int}/result",
        READERS,
        303,  # not done yet: back to the job's page
        404,
        lambda w, u: f"/jobs/{_job(w, u)}/result",
        sees=_job_seen,
        page=True,
    ),
    # The scanner page: no record, the same page for every signed-in user.
    Case(
        "GET",
        "/scan",
        READERS,
        200,
        200,
        lambda w, u: "/scan",
        sees=lambda login, unit: True,
        page=True,
    ),
    *STOCKTAKE_CASES,
    # The stocktake pages: the open counts of the caller's scope; one count's scanning
    # page is for those who count (admins, officers), a reader of the unit gets 403.
    Case(
        "GET",
        "/stocktakes",
        READERS,
        200,
        200,
        lambda w, u: "/stocktakes",
        sees=lambda login, unit: True,
        page=True,
    ),
    Case(
        "GET",
        "/stocktakes/{stocktake_id:int}",
        READERS,
        200,
        404,
        lambda w, u: f"/stocktakes/{_stocktake(w, u)}",
        sees=lambda login, unit: _sees(login, unit) and USERS[login][0] in REGISTRY_WRITERS,
        page=True,
        writes_page=True,
    ),
    # A closed count's documents by session: for every reader of the unit.
    *(
        Case(
            "GET",
            f"/stocktakes/{{stocktake_id:int}}/{document}",
            READERS,
            200,
            404,
            lambda w, u, document=document: (
                f"/stocktakes/{_stocktake(w, u, closed=True)}/{document}"
            ),
            page=True,
            media=media,
        )
        for document, media in (
            ("minutes.pdf", "application/pdf"),
            ("results.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml"),
        )
    ),
    # Its scan batches, sent by its script: another unit's stocktake is 404 here too.
    Case(
        "POST",
        "/stocktakes/{stocktake_id:int}/scans",
        REGISTRY_WRITERS,
        200,
        404,
        lambda w, u: f"/stocktakes/{_stocktake(w, u)}/scans",
        body=lambda w, u: _stocktake_scan(w, u, _tag(w, u), w.rooms[u]),
        page=True,
        script=True,
    ),
    *HANDOVER_CASES,
    *PHOTO_CASES,
    Case(
        "GET",
        "/notifications",
        READERS,
        200,
        200,
        lambda w, u: "/notifications",
        sees=lambda login, unit: True,
        page=True,
    ),
    Case(
        "POST",
        "/notifications/read",
        READERS,
        303,
        303,
        lambda w, u: "/notifications/read",
        sees=lambda login, unit: True,
        page=True,
    ),
    # Notifications: each user's own; another's notice answers 404.
    Case("GET", "/api/v1/notifications", READERS, 200, 200, lambda w, u: "/api/v1/notifications"),
    Case(
        "GET",
        "/api/v1/notifications/unread",
        READERS,
        200,
        200,
        lambda w, u: "/api/v1/notifications/unread",
    ),
    Case(
        "POST",
        "/api/v1/notifications/read",
        READERS,
        200,
        404,
        lambda w, u: "/api/v1/notifications/read",
        body=lambda w, u: {"ids": [_notice(w, u)]},
        sees=lambda login, unit: login == _OFFICER_OF[unit],
    ),
    *NEEDS_CASES,
    *HANDOVER_DOCUMENT_CASES,
    *HANDOVER_PAGE_CASES,
    *EXPORT_CASES,
    *REQUEST_CASES,
    *REQUEST_PAGE_CASES,
    *NEEDS_PAGE_CASES,
    *DESK_CASES,
    *LEDGER_CASES,
    *FORM_CASES,
    *BATCH_PAGE_CASES,
    *IMPORT_PAGE_CASES,
]

# Not scoped by unit, with the reason.
EXEMPT = {
    "POST /api/v1/auth/token": "signing in: anyone, throttled (tests/test_accounts.py)",
    "GET /": "the home page: everyone, its content by role (tests/test_pages.py)",
    "GET /t": "a typed tag: a redirect to its page, which checks the scope",
    "GET /login": "the sign-in form",
    "POST /login": "signing in",
    "POST /logout": "signing out",
    "GET /metrics": "metrics: by address (tests/test_serving.py)",
    "GET /schema": "the API's description",
    "GET /schema/openapi.json": "the API's description",
    "GET /schema/swagger": "the API's description",
    "GET /schema/oauth2-redirect.html": "the API's description",
    "GET /schema/{path:str}": "the API's description",
    "GET /static/{file_path:path}": "styles, scripts and the vendored Swagger UI",
    "GET /sw.js": "the service worker's script, the same for everyone",
    "POST /handovers/{handover_id:int}/scans": "the handover page's scanned tags as JSON (CSRF"
    " in a header), the API's receipts function: scope in tests/test_handover_pages.py",
}

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def pages(settings) -> Iterator[dict[str, TestClient]]:
    """A signed-in browser (session cookie) per login."""
    clients: dict[str, TestClient] = {}
    try:
        for login in USERS:
            page = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
            page.__enter__()
            clients[login] = page
            token = _CSRF.search(page.get("/login").text).group(1)
            signed = page.post(
                "/login",
                data={"login": login, "password": PASSWORD, "_csrf_token": token},
                follow_redirects=False,
            )
            assert signed.status_code == 303, signed.text
        yield clients
    finally:
        for page in clients.values():
            page.__exit__(None, None, None)


def _csrf_of(page: TestClient, url: str) -> str:
    """The token of the page the form is on: the tag's (a claim), the notices' (read), the
    handover's (a step)."""
    if url.startswith(("/handovers/", "/requests/")):
        on = "/".join(url.split("/")[:3])
    elif url.startswith("/norms/"):
        on = "/norms"
    elif url.startswith("/imports/"):
        on = "/imports"
    else:
        on = url.removesuffix("/claim").removesuffix("/read")
    found = _CSRF.search(page.get(on).text)
    return found.group(1) if found else ""


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("login", list(USERS))
@pytest.mark.parametrize("case", CASES, ids=str)
def test_role_and_scope_of_every_other_route(
    world: World,
    pages: dict[str, TestClient],
    case: Case,
    login: str,
    unit: str,
    database_url: str,
) -> None:
    role = USERS[login][0]
    if role not in case.roles:
        want = 403
    elif case.want is not None:
        want = case.want(login, unit)
    elif not case.sees(login, unit):
        want = 403 if case.writes_page and _sees(login, unit) else case.hidden
    else:
        want = case.ok
    url = case.url(world, unit)
    body = case.body(world, unit) if case.body else None
    if case.page:
        page = pages[login]
        if case.script:
            headers = {
                "x-csrftoken": page.cookies.get("csrftoken") or "",
                "x-scans-by": str(world.users[login]),
                "accept": "application/json",
            }
            response = page.post(url, json=body, headers=headers)
        elif case.method == "POST":
            data = {**(body or {}), "_csrf_token": _csrf_of(page, url)}
            files = case.files(world, unit) if case.files else None
            response = page.post(url, data=data, files=files, follow_redirects=False)
        else:
            response = page.get(url, follow_redirects=False)
        if case.after:
            case.after(database_url, response)
        assert response.status_code == want, response.text[:300]
        if case.script:
            assert response.headers["content-type"].startswith("application/")
        elif want != 303 and not (case.image and want == 200):
            media = case.media if want == 200 else "text/html"
            assert media in response.headers["content-type"]
        return
    caller = world.callers[login]
    if case.method == "GET":
        response = caller.get(url)
    elif case.method in ("PATCH", "PUT"):  # If-Match: * (any version)
        send = caller.patch if case.method == "PATCH" else caller.put
        response = send(url, json=body, headers={"If-Match": "*"})
    elif case.method == "DELETE":
        response = caller.delete(url, headers={"If-Match": "*"})
    elif case.files:
        response = caller.post(url, files=case.files(world, unit))
    elif case.content is not None:
        pdf = {"Content-Type": "application/pdf"}
        response = caller.post(url, content=case.content(world, unit), headers=pdf)
    else:
        response = caller.post(url, json=body)
    if case.after:
        case.after(database_url, response)
    assert response.status_code == want, response.text[:300]
    is_json = response.headers.get("content-type", "").startswith("application/json")
    if case.method == "GET" and want == 200 and is_json and "items" in response.json():
        # A list filtered to another unit shows nothing of it.
        items = response.json()["items"]
        if "unit_id=" in url and not _sees(login, unit):
            assert items == []


@pytest.mark.parametrize("case", [c for c in CASES if not c.page], ids=str)
def test_anonymous_callers_get_401_from_every_other_route(
    client: TestClient, world: World, case: Case
) -> None:
    url = case.url(world, "A")  # first: it may make the record the body names
    body = case.body(world, "A") if case.body else None
    response = client.request(case.method, url, json=body)
    assert response.status_code == 401


@pytest.mark.parametrize("case", [c for c in CASES if c.page], ids=str)
def test_signed_out_visitors_are_sent_to_sign_in(
    client: TestClient, world: World, case: Case
) -> None:
    if case.method == "POST":
        return  # a form post without a session fails its CSRF check first (test_pages)
    response = client.get(case.url(world, "A"), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
