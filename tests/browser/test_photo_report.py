"""Report damage with a photo from the phone, in a real headless browser: the form sends
the file, the asset's page shows it, and what the server kept has no location."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from tests.world import PASSWORD, World


def _photo_with_gps(path: Path) -> Path:
    size = (3000, 2000)
    scene = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.effect_noise(size, 40),
        ],
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: "turn 90° to view"
    exif[0x8825] = {1: "N", 2: (13.0, 58.0, 12.5), 3: "E", 4: (108.0, 0.0, 30.25)}
    scene.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return path


def test_report_damage_with_a_photo_and_see_it(
    phone: Page, server: str, world: World, tmp_path: Path
) -> None:
    asset = world.create(
        "/api/v1/assets",
        name=f"Máy chiếu {secrets.token_hex(3)}",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
        room_id=world.rooms["A"],
    )
    phone.goto(f"/t/{asset['tag']}/damage")
    phone.get_by_label("Tên đăng nhập").fill("officer_a")
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.get_by_label("Tình trạng").select_option("broken")
    phone.get_by_label("Mô tả (không bắt buộc)").fill("Vỡ ống kính")
    photo = phone.get_by_label("Ảnh chụp (không bắt buộc)")
    assert photo.get_attribute("capture") == "environment"
    photo.set_input_files(_photo_with_gps(tmp_path / "IMG_2041.jpg"))
    thumbnails = []
    phone.on(
        "response",
        lambda r: thumbnails.append(r) if r.url.endswith("/thumbnail") else None,
    )
    phone.get_by_role("button", name="Gửi báo hỏng").click()

    expect(phone.get_by_role("status")).to_have_text("Đã ghi nhận báo hỏng.")
    shown = phone.get_by_role("img", name="Ảnh mới nhất của tài sản")
    expect(shown).to_be_visible()
    width, height = shown.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert height > width > 0  # loaded, and upright
    assert thumbnails and thumbnails[0].headers["content-type"] == "image/jpeg"
    assert len(thumbnails[0].body()) <= 20 * 1024

    [kept] = world.officer_a.get(f"/api/v1/assets/{asset['id']}/photos").json()["items"]
    served = world.officer_a.get(kept["url"]).content
    with Image.open(io.BytesIO(served)) as image:
        assert dict(image.getexif()) == {} and image.height > image.width
    assert world.officer_a.get(f"/api/v1/assets/{asset['id']}").json()["condition"] == "broken"


def test_a_photo_over_10_mb_is_refused_on_the_phone_before_it_is_sent(
    phone: Page, world: World, tmp_path: Path
) -> None:
    phone.goto("/t/TA-TEST/damage")
    phone.get_by_label("Tên đăng nhập").fill("officer_a")
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8" + b"\0" * (10 * 1024 * 1024))
    photo = phone.get_by_label("Ảnh chụp (không bắt buộc)")
    photo.set_input_files(big)
    assert "10 MB" in photo.evaluate("input => input.validationMessage")
    sent = []
    phone.on("request", lambda r: sent.append(r) if r.method == "POST" else None)
    phone.get_by_role("button", name="Gửi báo hỏng").click()
    phone.wait_for_timeout(300)
    assert sent == []  # the browser keeps the form: nothing went over the network
