"""Scan, sign in, view, claim and the not-found pages, in a real headless browser on a phone."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from inventory.tagcodes import ALPHABET, encode
from tests.world import PASSWORD, World


def _blank(world: World, unit: str = "A") -> str:
    caller = world.callers["officer_a" if unit == "A" else "officer_b"]
    response = caller.post("/api/v1/tags/batches", json={"unit_id": world.units[unit], "size": 1})
    assert response.status_code == 201, response.text
    return response.json()["tags"][0]["code"]


def _asset(world: World, unit: str = "A") -> dict:
    return world.create(
        "/api/v1/assets",
        name=f"Máy photocopy {secrets.token_hex(3)}",
        category_id=world.categories["MT"],
        holder_unit_id=world.units[unit],
        room_id=world.rooms[unit],
    )


def _sign_in(phone: Page, login: str = "officer_a") -> None:
    """On the login page: fill it in and send it."""
    phone.get_by_label("Tên đăng nhập").fill(login)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()


def test_a_scan_signs_in_then_shows_the_asset(phone: Page, server: str, world: World) -> None:
    asset = _asset(world)
    phone.goto(f"/T/{asset['tag']}")  # as the upper-case QR code spells it
    expect(phone).to_have_url(f"{server}/login?next=%2FT%2F{asset['tag']}")
    _sign_in(phone)
    expect(phone).to_have_url(f"{server}/T/{asset['tag']}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(asset["name"])
    facts = phone.locator("dl.facts")
    for text in (
        "Máy tính",
        "Xã Ia Rbol",
        "Trụ sở UBND A",
        "Phòng Văn hóa - Xã hội",
        "Tốt",
        "Đang sử dụng",
        "Chưa ghi nhận",
    ):
        expect(facts).to_contain_text(text)
    for action in ("Chuyển phòng", "Báo hỏng", "Lịch sử"):
        expect(phone.get_by_role("link", name=action, exact=True)).to_be_visible()
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("dl.facts")).to_contain_text("In use")


def test_claim_a_blank_tag_by_creating_an_asset(phone: Page, server: str, world: World) -> None:
    code = _blank(world)
    phone.goto(f"/t/{code}")
    _sign_in(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tem chưa gắn")
    create = phone.locator("form", has=phone.locator("input[name=name]"))
    name = f"Máy lọc nước {secrets.token_hex(3)}"
    create.get_by_label("Tên tài sản").fill(name)
    create.get_by_label("Loại").select_option(str(world.categories["BG"]))
    create.get_by_label("Phòng").select_option(str(world.rooms["A"]))
    create.get_by_label("Tình trạng").select_option("fair")
    create.get_by_role("button", name="Tạo tài sản và gắn tem").click()
    expect(phone.get_by_role("status")).to_have_text("Đã gắn tem vào tài sản.")
    expect(phone.get_by_role("heading", level=1)).to_have_text(name)
    expect(phone.locator("dl.facts")).to_contain_text("Khá")
    expect(phone).to_have_url(f"{server}/t/{code}?claimed=1")
    asset = world.officer_a.get(f"/api/v1/assets/by-tag/{code}").json()
    assert (asset["name"], asset["room_id"], asset["condition"]) == (name, world.rooms["A"], "fair")


def test_unknown_mistyped_and_other_units_tags(phone: Page, world: World) -> None:
    other_units = _blank(world, "B")
    unknown = encode(884_000_000, "52")
    wrong = ALPHABET[(ALPHABET.index(unknown[-1]) + 1) % len(ALPHABET)]
    phone.goto("/login")
    _sign_in(phone)
    texts = {}
    for code in (unknown, other_units):
        response = phone.goto(f"/t/{code}")
        assert response is not None and response.status == 404
        texts[code] = phone.locator("main").inner_text().replace(code, "CODE")
    assert texts[unknown] == texts[other_units]
    assert "Không tìm thấy tem" in texts[unknown]
    response = phone.goto(f"/t/{unknown[:-1]}{wrong}")
    assert response is not None and response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mã tem có vẻ bị sai")
