"""Norms as data: seeded from domain/norms.md with their sources, read by everyone, changed
by admins with If-Match, every version in history."""

from __future__ import annotations

from typing import Any

import pytest

from tests.world import World


def _norms(world: World, **params: Any) -> list[dict[str, Any]]:
    got = world.auditor.get("/api/v1/norms", params={"limit": 200, **params})
    assert got.status_code == 200, got.text
    return got.json()["items"]


def _by_code(world: World, code: str) -> dict[str, Any]:
    return next(n for n in _norms(world) if n["code"] == code)


def test_the_seeded_norms_carry_their_figures_and_sources(world: World) -> None:
    norms = {n["code"]: n for n in _norms(world)}
    assert norms["area.secretary"]["value"] == 30
    assert norms["area.head"]["value"] == 18 and norms["area.head"]["confidence"] == "low_medium"
    assert norms["area.staff"]["position_groups"] == ["staff"]
    shared = norms["area.shared_allowance"]
    assert (shared["value"], shared["kind"], shared["confidence"]) == (0.7, "shared_area", "low")
    assert "152/2017" in shared["legal_source"]
    scanner = norms["equipment.viii.scanner"]
    assert (scanner["basis"], scanner["per"], scanner["max_price"]) == ("staff", 15, 22_000_000)
    assert scanner["position_groups"] == ["head", "staff"]
    assert "15/2025/QĐ-TTg" in scanner["legal_source"] and scanner["confidence"] == "high"
    assert norms["equipment.viii.photocopier"]["max_price"] == 110_000_000
    assert norms["equipment.viii.document_shelf"]["max_price"] == 1_500_000
    assert norms["equipment.vi.computer_laptop"]["max_price"] == 25_000_000
    assert norms["equipment.viii.meeting_set"]["basis"] == "office_room"
    assert {norms[c]["purpose"] for c in ("room.meeting", "room.reception", "room.archive")} == {
        "meeting",
        "reception",
        "archive",
    }
    assert all(str(n["valid_from"]) == "2025-07-01" for c, n in norms.items() if "equipment" in c)
    assert norms["handover.deadline_days"]["value"] == 30  # the handovers' norm stays
    assert [n["code"] for n in _norms(world, kind="room")] == [
        "room.archive",
        "room.meeting",
        "room.reception",
    ]


def test_the_norm_items_list_the_categories_mapped_to_them(world: World) -> None:
    category = world.create(
        "/api/v1/categories", code="NORM-SCAN", name="Máy quét", form_group="C", norm_item="scanner"
    )
    items = {i["code"]: i for i in world.officer_a.get("/api/v1/norms/items").json()}
    assert set(items) >= {"desk_set", "cabinet", "computer", "printer", "scanner", "shredder"}
    assert {"id": category["id"], "code": "NORM-SCAN", "name": "Máy quét"} in items["scanner"][
        "categories"
    ]
    refused = world.admin.post(
        "/api/v1/categories",
        json={"code": "NORM-X", "name": "X", "form_group": "C", "norm_item": "teleporter"},
    )
    assert refused.status_code in (409, 422), refused.text
    assert refused.json()["field"] == "norm_item"


def test_an_admin_changes_a_norm_and_history_keeps_each_version(world: World) -> None:
    norm = _by_code(world, "equipment.viii.shredder")
    url = f"/api/v1/norms/{norm['id']}"
    got = world.leader.get(url)
    assert got.headers["ETag"] == f'"{norm["version"]}"'
    changed = world.admin.patch(
        url,
        json={"max_price": 12_000_000, "legal_source": "Quyết định của tỉnh (thử)"},
        headers={"If-Match": got.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == norm["version"] + 1
    assert changed.json()["max_price"] == 12_000_000
    try:
        history = world.auditor.get(f"{url}/history").json()["items"]
        last = history[-1]
        assert last["action"] == "update" and last["chain"] == 0
        assert (
            last["before"]["max_price"] == 10_000_000 and last["after"]["max_price"] == 12_000_000
        )
        # The old version no longer matches.
        stale = world.admin.patch(url, json={"per": 20}, headers={"If-Match": got.headers["ETag"]})
        assert stale.status_code == 412
    finally:
        world.admin.patch(
            url,
            json={"max_price": 10_000_000, "legal_source": norm["legal_source"]},
            headers={"If-Match": "*"},
        )


def test_a_patch_that_changes_nothing_is_no_new_version(world: World) -> None:
    norm = _by_code(world, "area.staff")
    url = f"/api/v1/norms/{norm['id']}"
    same = world.admin.patch(url, json={"value": 15}, headers={"If-Match": "*"})
    assert same.status_code == 200 and same.json()["version"] == norm["version"]


@pytest.mark.parametrize(
    ("body", "headers", "status", "field"),
    [
        ({"value": 16}, {}, 428, "If-Match"),
        ({"value": -1}, {"If-Match": "*"}, 400, None),
        ({"per": 0}, {"If-Match": "*"}, 400, None),
        ({"confidence": "certain"}, {"If-Match": "*"}, 400, None),
        ({"code": "area.other"}, {"If-Match": "*"}, 400, None),  # what a norm is about is fixed
        (
            {"valid_from": "2026-01-01", "valid_to": "2025-01-01"},
            {"If-Match": "*"},
            422,
            "valid_to",
        ),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    world: World, body: dict, headers: dict, status: int, field: str | None
) -> None:
    norm = _by_code(world, "area.leader")
    url = f"/api/v1/norms/{norm['id']}"
    refused = world.admin.patch(url, json=body, headers=headers)
    assert refused.status_code == status, refused.text
    if field:
        assert refused.json()["field"] == field
    assert world.admin.get(url).json() == norm


def test_only_admins_change_norms(world: World) -> None:
    norm = _by_code(world, "area.leader")
    url = f"/api/v1/norms/{norm['id']}"
    for login in ("officer_a", "auditor", "leader"):
        refused = world.callers[login].patch(url, json={"value": 25}, headers={"If-Match": "*"})
        assert refused.status_code == 403
    assert world.admin.get("/api/v1/norms/999999").status_code == 404


def test_a_norm_out_of_force_is_not_used(world: World) -> None:
    """Validity dates matter: a norm that ended yesterday no longer counts."""
    norm = _by_code(world, "room.archive")
    url = f"/api/v1/norms/{norm['id']}"
    ended = world.admin.patch(url, json={"valid_to": "2025-12-31"}, headers={"If-Match": "*"})
    assert ended.status_code == 200, ended.text
    try:
        needs = world.admin.get(f"/api/v1/needs/units/{world.units['A']}").json()
        assert "archive" not in [r["purpose"] for r in needs["rooms"]["rooms"]]
        assert norm["id"] not in [n["norm_id"] for n in needs["norms"]]
    finally:
        world.admin.patch(url, json={"valid_to": None}, headers={"If-Match": "*"})


def test_a_communes_admin_reads_the_norms_but_does_not_change_them(world: World) -> None:
    norm = _by_code(world, "area.leader")
    url = f"/api/v1/norms/{norm['id']}"
    refused = world.admin_a.patch(url, json={"value": 99}, headers={"If-Match": "*"})
    assert refused.status_code == 403 and "province" in refused.json()["detail"]
    assert world.admin_a.get(url).json()["value"] == norm["value"]
