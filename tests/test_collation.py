"""Vietnamese order and diacritic-blind search, the same in Python and in SQL."""

from __future__ import annotations

import random

import pytest

from inventory.collation import fold, sort_key
from tests.world import World

# In Vietnamese alphabetical order: letters first (a ă â b c d đ e ê ... o ô ơ ... u ư),
# then tones (none, huyền, hỏi, ngã, sắc, nặng).
ORDERED = [
    "An",
    "Ăn",
    "Ân",
    "Bình",
    "Cường",
    "Dũng",
    "Đào",
    "Đức",
    "Em",
    "Êm",
    "Hà",
    "Hoa",
    "Hòa",
    "Hỏa",
    "Hóa",
    "Họa",
    "Khánh",
    "ma",
    "mà",
    "mả",
    "mã",
    "má",
    "mạ",
    "mai",
    "Ô tô",
    "Ơn",
    "Phòng 10",  # digits compare one by one, as in CLDR's default
    "Phòng 2",
    "Uyên",
    "Ưng",
    "Vân",
    "Xuân",
    "Yến",
]


def test_python_key_sorts_vietnamese_order() -> None:
    shuffled = ORDERED[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == ORDERED


def test_sql_key_is_the_python_key(sql) -> None:
    rows = sql("SELECT n, inventory_sort_key(n) AS k FROM unnest($1::text[]) n", ORDERED)
    assert {r["n"]: r["k"] for r in rows} == {n: sort_key(n) for n in ORDERED}
    ordered = sql(
        'SELECT n FROM unnest($1::text[]) n ORDER BY inventory_sort_key(n) COLLATE "C"',
        list(reversed(ORDERED)),
    )
    assert [r["n"] for r in ordered] == ORDERED


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Máy tính", "may tinh"), ("ĐIỆN QUANG", "dien quang"), ("Ưng Hòa", "ung hoa")],
)
def test_fold_matches_sql(sql, text: str, folded: str) -> None:
    assert fold(text) == folded
    assert sql("SELECT inventory_fold($1)", text)[0][0] == folded


def test_lists_sort_in_vietnamese_order_and_search_ignores_diacritics(world: World) -> None:
    site = world.create("/api/v1/sites", holder_unit_id=world.units["B"], name="Nhà văn hóa")
    names = ["Phòng Ưng", "Phòng Uyên", "Phòng Ăn", "Phòng An", "Phòng Đức", "Phòng Dũng"]
    for name in names:
        world.create("/api/v1/rooms", site_id=site["id"], name=name)
    listed = world.officer_b.get("/api/v1/rooms", params={"site_id": site["id"]}).json()["items"]
    assert [r["name"] for r in listed] == sorted(names, key=sort_key)
    assert [r["name"] for r in listed] == [
        "Phòng An",
        "Phòng Ăn",
        "Phòng Dũng",
        "Phòng Đức",
        "Phòng Uyên",
        "Phòng Ưng",
    ]
    backwards = world.officer_b.get(
        "/api/v1/rooms", params={"site_id": site["id"], "sort": "-name"}
    ).json()["items"]
    assert [r["name"] for r in backwards] == list(reversed(sorted(names, key=sort_key)))
    found = world.officer_b.get("/api/v1/rooms", params={"q": "phong duc"}).json()["items"]
    assert [r["name"] for r in found] == ["Phòng Đức"]
    sites = world.officer_b.get("/api/v1/sites", params={"q": "nha van hoa"}).json()["items"]
    assert [s["id"] for s in sites] == [site["id"]]


def test_pages_of_a_vietnamese_sort_follow_on(world: World) -> None:
    site = world.create("/api/v1/sites", holder_unit_id=world.units["B"], name="Kho sách")
    names = [f"Tủ {c}" for c in "aăâbcdđeêghiklmnoôơpqrstuưvxy"]
    for name in names:
        world.create("/api/v1/rooms", site_id=site["id"], name=name)
    seen, cursor = [], None
    while True:
        params = {"site_id": site["id"], "limit": 4, **({"cursor": cursor} if cursor else {})}
        page = world.officer_b.get("/api/v1/rooms", params=params).json()
        seen += [r["name"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == names


def test_sort_keys_and_filters_are_in_the_openapi_document(client) -> None:
    schema = client.get("/schema/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/assets"]["get"]["parameters"]}
    assert {"status", "condition", "site_id", "q", "sort", "cursor", "limit"} <= set(parameters)
    sort = parameters["sort"]["schema"]
    values = sort.get("enum") or [v for s in sort.get("oneOf", []) for v in s.get("enum", [])]
    assert {"name", "-name", "tag", "-original_cost"} <= set(values)
    bad = client.get("/api/v1/rooms?sort=password")
    assert bad.status_code in (400, 401)


def test_percent_and_underscore_in_a_search_match_themselves(world: World) -> None:
    site = world.create("/api/v1/sites", holder_unit_id=world.units["B"], name="Kho 50% mới")
    names = ["Kệ 50% giá", "Kệ 500 giá", "Kệ_1", "Kệ 1"]
    rooms = {
        name: world.create("/api/v1/rooms", site_id=site["id"], name=name)["id"] for name in names
    }

    def found(q: str) -> list[str]:
        params = {"site_id": site["id"], "q": q}
        return [
            r["name"] for r in world.officer_b.get("/api/v1/rooms", params=params).json()["items"]
        ]

    assert found("%") == ["Kệ 50% giá"]  # not every room
    assert found("50%") == ["Kệ 50% giá"]  # not "500"
    assert found("_") == ["Kệ_1"]
    assert found("ke_1") == ["Kệ_1"]  # folded as the rest of the search
    assert sorted(found("ke 1")) == ["Kệ 1", "Kệ_1"]  # the words alone, as before
    sites = world.officer_b.get("/api/v1/sites", params={"q": "kho 50%"}).json()["items"]
    assert [s["id"] for s in sites] == [site["id"]]
    asset = world.create(
        "/api/v1/assets",
        name="Quạt 100% đồng",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["B"],
        room_id=rooms["Kệ_1"],
    )
    listed = world.officer_b.get("/api/v1/assets", params={"q": "100%"}).json()["items"]
    assert [a["id"] for a in listed] == [asset["id"]]
    for path in ("/api/v1/units", "/api/v1/categories", "/api/v1/users"):
        response = world.admin.get(path, params={"q": "%_%"})
        assert response.status_code == 200 and response.json()["items"] == [], path
