"""Photos of assets: real uploads re-encoded by the server, refused uploads that write
nothing, photos served only within scope, in history, and on the asset's phone page."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import secrets
import struct
import uuid
import zlib
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from PIL import Image

from inventory.app import create_app
from inventory.photos import rules
from tests.world import PASSWORD, World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
MAX_PAGE_BYTES = 30 * 1024
MAX_THUMBNAIL_BYTES = 20 * 1024


# --- Photos as phones send them, made with Pillow ---


def _scene(size: tuple[int, int] = (2000, 1500)) -> Image.Image:
    """Something like a photo: gradients and grain (a flat colour would prove little)."""
    width, height = size
    return Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.effect_noise(size, 40),
        ],
    ).resize((width, height))


def _encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _with_gps(image: Image.Image, orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera, the time, and where it was."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0132] = "2026:12:03 08:00:00"  # DateTime
    exif[0x0112] = orientation
    exif[0x8825] = {  # GPSInfo: 13°58'N 108°0'E, Gia Lai
        1: "N",
        2: (13.0, 58.0, 12.5),
        3: "E",
        4: (108.0, 0.0, 30.25),
    }
    return _encoded(image, "JPEG", quality=92, exif=exif.tobytes())


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` pixels in a few dozen bytes (a decompression
    bomb's header: decoding it would take width x height x 3 bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _files(data: bytes, name: str = "photo.jpg", kind: str = "image/jpeg") -> dict:
    return {"photo": (name, data, kind)}


# --- The world: an asset of its own per test, callers by API and by page ---


def _asset(world: World, unit: str = "A") -> dict:
    return world.create(
        "/api/v1/assets",
        name=f"Máy chiếu {secrets.token_hex(3)}",
        category_id=world.categories["MT"],
        holder_unit_id=world.units[unit],
        room_id=world.rooms[unit],
    )


def _photos(world: World, asset_id: int, caller: str = "officer_a") -> list[dict]:
    answer = world.callers[caller].get(f"/api/v1/assets/{asset_id}/photos")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def _events(world: World, asset_id: int) -> list[dict]:
    answer = world.admin.get(f"/api/v1/assets/{asset_id}/history", params={"limit": 200})
    return answer.json()["items"]


def _rows(sql, asset_id: int) -> int:
    return sql("SELECT count(*) FROM asset_photos WHERE asset_id = $1", asset_id)[0][0]


def _add(world: World, asset_id: int, data: bytes, caller: str = "officer_a", **kw):
    return world.callers[caller].post(f"/api/v1/assets/{asset_id}/photos", files=_files(data, **kw))


@pytest.fixture(scope="module")
def officer(settings, world: World) -> Iterator[TestClient]:
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    with client:
        token = _CSRF.search(client.get("/login").text).group(1)
        signed = client.post(
            "/login",
            data={"login": "officer_a", "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        yield client


def _csrf(client: TestClient, url: str) -> str:
    return _CSRF.search(client.get(url).text).group(1)


# --- Kept: decoded, upright, stripped, downscaled ---


@pytest.mark.parametrize(
    ("kind", "claimed"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_a_jpeg_png_or_webp_is_kept_as_a_jpeg_of_about_300_kb(
    world: World, sql, kind: str, claimed: str
) -> None:
    asset = _asset(world)
    sent = _encoded(_scene((3000, 2000)), kind)
    added = _add(world, asset["id"], sent, name=f"anh.{kind.lower()}", kind=claimed)
    assert added.status_code == 201, added.text
    photo = added.json()
    assert (photo["width"], photo["height"]) == (1600, 1067)
    assert [p["id"] for p in _photos(world, asset["id"])] == [photo["id"]]

    served = world.officer_a.get(photo["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"].startswith("private")
    assert "content-encoding" not in served.headers  # a JPEG is sent as it is
    assert len(served.content) == photo["bytes"] <= rules.KEPT
    assert hashlib.sha256(served.content).hexdigest() == photo["sha256"]
    with Image.open(io.BytesIO(served.content)) as kept:
        assert kept.format == "JPEG" and kept.size == (1600, 1067)
    stored = sql("SELECT octet_length(image) FROM asset_photos WHERE id = $1", photo["id"])
    assert stored[0][0] == photo["bytes"]

    thumbnail = world.officer_a.get(photo["thumbnail_url"])
    assert thumbnail.headers["content-type"] == "image/jpeg"
    assert len(thumbnail.content) <= MAX_THUMBNAIL_BYTES
    with Image.open(io.BytesIO(thumbnail.content)) as small:
        assert max(small.size) == rules.THUMB_LONGEST


def test_a_photo_of_fine_detail_still_fits_what_is_kept(world: World) -> None:
    asset = _asset(world)
    grain = Image.effect_noise((3000, 2000), 90).convert("RGB")  # the worst case for JPEG
    added = _add(world, asset["id"], _encoded(grain, "JPEG", quality=95))
    assert added.status_code == 201, added.text
    assert added.json()["bytes"] <= rules.KEPT


def test_the_place_and_the_camera_are_stripped_and_the_photo_turned_upright(
    world: World,
) -> None:
    asset = _asset(world)
    # Stored sideways as cameras do (landscape pixels), EXIF saying "turn 90° to view".
    sent = _with_gps(_scene((1200, 800)), orientation=6)
    with Image.open(io.BytesIO(sent)) as original:
        assert original.getexif().get_ifd(0x8825)  # the test photo does carry a location
    added = _add(world, asset["id"], sent)
    assert added.status_code == 201, added.text
    served = world.officer_a.get(added.json()["url"]).content
    with Image.open(io.BytesIO(served)) as kept:
        assert kept.size == (800, 1200)  # upright: portrait
        assert dict(kept.getexif()) == {}
        assert "exif" not in kept.info and "icc_profile" not in kept.info
    for trace in (b"Exif", b"PhoneMaker", b"Model X", b"2026:12:03"):
        assert trace not in served


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n", "anh.jpg"),
        ("Ảnh chụp tài sản".encode() * 50, "anh.jpg"),
        (_encoded(Image.new("RGB", (64, 64), "red"), "GIF"), "anh.jpg"),
        (_encoded(_scene((640, 480)), "JPEG")[:4000], "anh.jpg"),  # cut short
    ],
    ids=["pdf", "text", "gif", "truncated"],
)
def test_what_only_claims_to_be_a_jpeg_is_refused_and_nothing_is_written(
    world: World, sql, data: bytes, name: str
) -> None:
    asset = _asset(world)
    events = len(_events(world, asset["id"]))
    refused = _add(world, asset["id"], data, name=name, kind="image/jpeg")
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"] == "photo"
    assert _rows(sql, asset["id"]) == 0
    assert len(_events(world, asset["id"])) == events


@pytest.mark.parametrize(
    "bomb",
    [
        _png_header_only(30_000, 30_000),
        _encoded(Image.new("1", (10_000, 6_000)), "PNG"),  # 60 Mpx in a few kB
    ],
    ids=["header", "pillow"],
)
def test_a_decompression_bomb_is_refused(world: World, sql, bomb: bytes) -> None:
    assert len(bomb) < 100_000
    asset = _asset(world)
    refused = _add(world, asset["id"], bomb, name="bom.png", kind="image/png")
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "photo" and "pixels" in refused.json()["detail"]
    assert _rows(sql, asset["id"]) == 0


@pytest.mark.parametrize("extra", [1, 2 * 1024 * 1024], ids=["just-over", "past-the-body"])
def test_more_than_10_mb_is_refused_with_413(world: World, sql, extra: int) -> None:
    asset = _asset(world)
    refused = _add(world, asset["id"], b"\xff\xd8" + b"\0" * (rules.MAX_UPLOAD + extra))
    assert refused.status_code == 413, refused.text[:300]
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"] == "photo"
    assert _rows(sql, asset["id"]) == 0


def test_only_photo_routes_admit_a_large_body(world: World) -> None:
    """Every other route keeps the app's bound (1 MB by default)."""
    asset = _asset(world)
    big = {"name": "x" * (2 * 1024 * 1024)}
    answer = world.officer_a.patch(
        f"/api/v1/assets/{asset['id']}", json=big, headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 413
    report = world.officer_a.post(
        f"/api/v1/assets/{asset['id']}/reports",
        json={"condition": "fair", "note": "x" * (2 * 1024 * 1024)},
    )
    assert report.status_code == 413  # a JSON report is no photo


def test_a_photo_sent_again_with_its_idempotency_key_is_kept_once(world: World, sql) -> None:
    asset = _asset(world)
    big = _encoded(Image.effect_noise((1200, 900), 80).convert("RGB"), "PNG")
    assert len(big) > 1024 * 1024  # past the app's bound, within the photo's
    key = {"Idempotency-Key": str(uuid.uuid4())}
    url = f"/api/v1/assets/{asset['id']}/photos"
    first = world.officer_a.post(url, files=_files(big, "a.png", "image/png"), headers=key)
    again = world.officer_a.post(url, files=_files(big, "a.png", "image/png"), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    other = world.officer_a.post(url, files=_files(big[:-9] + b"\0" * 9, "a.png"), headers=key)
    assert other.status_code == 422  # the key names the first photo, not this one
    assert _rows(sql, asset["id"]) == 1


# --- Scope, roles, history, nothing deleted ---


def test_another_units_photos_are_not_found_and_auditors_read_everywhere(world: World, sql) -> None:
    asset = _asset(world, "A")
    photo = _add(world, asset["id"], _encoded(_scene((800, 600)), "JPEG")).json()
    other = world.officer_b
    for url in (photo["url"], photo["thumbnail_url"], f"/api/v1/assets/{asset['id']}/photos"):
        assert other.get(url).status_code == 404, url
        assert world.auditor.get(url).status_code == 200, url
        assert world.leader_a.get(url).status_code == 200, url
    refused = _add(world, asset["id"], _encoded(_scene((800, 600)), "JPEG"), caller="officer_b")
    assert refused.status_code == 404
    assert _add(world, asset["id"], b"x", caller="auditor").status_code == 403
    assert _rows(sql, asset["id"]) == 1
    # A photo is only ever its own asset's, even within scope.
    elsewhere = _asset(world, "A")
    assert (
        world.officer_a.get(f"/api/v1/assets/{elsewhere['id']}/photos/{photo['id']}").status_code
        == 404
    )


def test_adding_a_photo_is_in_history_without_its_bytes(world: World, sql) -> None:
    asset = _asset(world)
    photo = _add(world, asset["id"], _encoded(_scene((800, 600)), "PNG")).json()
    event = _events(world, asset["id"])[-1]
    assert event["action"] == "photo" and event["before"] is None
    assert event["after"] == {
        "photo_id": photo["id"],
        "bytes": photo["bytes"],
        "sha256": photo["sha256"],
        "width": 800,
        "height": 600,
    }
    assert event["actor_id"] == world.users["officer_a"]
    deleted = world.officer_a.delete(f"/api/v1/assets/{asset['id']}", headers={"If-Match": '"1"'})
    assert deleted.status_code == 409  # an asset with a photo is registered for good
    with pytest.raises(Exception, match="never changed or removed"):
        sql("DELETE FROM asset_photos WHERE id = $1", photo["id"])
    with pytest.raises(Exception, match="never changed or removed"):
        sql("UPDATE asset_photos SET image = '' WHERE id = $1", photo["id"])


# --- The report API with a photo ---


def test_a_report_with_a_photo_keeps_both_in_one_step(world: World, sql) -> None:
    asset = _asset(world)
    reported = world.officer_a.post(
        f"/api/v1/assets/{asset['id']}/reports",
        data={"condition": "broken", "note": "Vỡ ống kính"},
        files=_files(_with_gps(_scene((1024, 768)))),
    )
    assert reported.status_code == 201, reported.text
    assert reported.json()["condition"] == "broken"
    [photo] = _photos(world, asset["id"])
    *_, added, report = _events(world, asset["id"])
    assert (added["action"], report["action"]) == ("photo", "report")
    assert report["after"]["note"] == "Vỡ ống kính"
    assert report["after"]["photo_id"] == added["after"]["photo_id"] == photo["id"]


def test_a_report_without_a_photo_is_json_or_a_form(world: World) -> None:
    asset = _asset(world)
    url = f"/api/v1/assets/{asset['id']}/reports"
    as_form = world.officer_a.post(url, data={"condition": "fair"}, files={"x": ("", b"")})
    assert as_form.status_code == 201, as_form.text
    as_json = world.officer_a.post(url, json={"condition": "needs_repair", "note": "Kêu to"})
    assert as_json.status_code == 201 and as_json.json()["condition"] == "needs_repair"
    bad = world.officer_a.post(url, json={"condition": "stolen"})
    assert bad.status_code == 400 and bad.json()["field"] == "condition"
    plain = world.officer_a.post(
        url, content=b'{"condition": "broken"}', headers={"Content-Type": "text/plain"}
    )
    assert plain.status_code == 415  # JSON under another name: a cross-site form's body
    assert _photos(world, asset["id"]) == []


def test_a_report_with_a_bad_photo_writes_nothing(world: World, sql) -> None:
    asset = _asset(world)
    events = len(_events(world, asset["id"]))
    refused = world.officer_a.post(
        f"/api/v1/assets/{asset['id']}/reports",
        data={"condition": "broken", "note": "Hỏng"},
        files=_files(b"%PDF-1.4 not a photo"),
    )
    assert refused.status_code == 422 and refused.json()["field"] == "photo"
    assert sql("SELECT condition FROM assets WHERE id = $1", asset["id"])[0][0] == "good"
    assert len(_events(world, asset["id"])) == events
    assert _rows(sql, asset["id"]) == 0


# --- The phone pages ---


def test_report_with_a_photo_from_the_phone_and_see_it_on_the_asset_page(
    officer: TestClient, world: World, sql
) -> None:
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    form = officer.get(url).text
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file" name="photo" accept="image/*" capture="environment"' in form
    reported = officer.post(
        url,
        data={"condition": "needs_repair", "note": "Mờ", "_csrf_token": _csrf(officer, url)},
        files=_files(_with_gps(_scene((4000, 3000)), orientation=6)),
        follow_redirects=False,
    )
    assert reported.status_code == 303, reported.text[:500]
    photo_id = sql("SELECT latest_photo_id FROM assets WHERE id = $1", asset["id"])[0][0]
    assert photo_id is not None

    page = officer.get(f"/t/{asset['tag']}", headers={"Accept-Encoding": "gzip"})
    thumb = f"/t/{asset['tag']}/photos/{photo_id}/thumbnail"
    assert f'src="{thumb}"' in page.text
    assert len(gzip.compress(page.content)) < MAX_PAGE_BYTES
    small = officer.get(thumb)
    assert small.status_code == 200 and small.headers["content-type"] == "image/jpeg"
    assert small.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in small.headers["cache-control"]
    assert len(small.content) <= MAX_THUMBNAIL_BYTES
    with Image.open(io.BytesIO(small.content)) as shown:
        assert shown.height > shown.width  # turned upright
    full = officer.get(f"/t/{asset['tag']}/photos/{photo_id}")
    assert full.status_code == 200 and len(full.content) <= rules.KEPT
    again = officer.get(thumb, headers={"If-None-Match": small.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    history = officer.get(f"/t/{asset['tag']}/history").text
    assert "Thêm ảnh" in history and f"/photos/{photo_id}" in history


def test_a_report_from_the_phone_without_a_photo(officer: TestClient, world: World, sql) -> None:
    """A browser sends an empty file part when no photo was taken: a report all the same."""
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    reported = officer.post(
        url,
        data={"condition": "fair", "note": "", "_csrf_token": _csrf(officer, url)},
        files={"photo": ("", b"", "application/octet-stream")},
        follow_redirects=False,
    )
    assert reported.status_code == 303, reported.text[:300]
    assert sql("SELECT condition FROM assets WHERE id = $1", asset["id"])[0][0] == "fair"
    assert _rows(sql, asset["id"]) == 0
    assert "/photos/" not in officer.get(f"/t/{asset['tag']}").text  # no photo, no image


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"%PDF-1.7 a document", 422, "không phải ảnh JPEG, PNG hoặc WebP"),
        (_png_header_only(20_000, 20_000), 422, "không phải ảnh JPEG, PNG hoặc WebP"),
        (b"\0" * (rules.MAX_UPLOAD + 1), 413, "Ảnh lớn quá 10 MB"),
    ],
    ids=["pdf", "bomb", "too-large"],
)
def test_a_refused_photo_is_explained_beside_the_field_and_nothing_is_written(
    officer: TestClient, world: World, sql, data: bytes, status: int, message: str
) -> None:
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    refused = officer.post(
        url,
        data={"condition": "broken", "note": "Nứt vỏ", "_csrf_token": _csrf(officer, url)},
        files=_files(data),
    )
    assert refused.status_code == status
    assert 'id="photo-error"' in refused.text and message in refused.text
    assert "Nứt vỏ" in refused.text  # what was typed stays
    assert sql("SELECT condition FROM assets WHERE id = $1", asset["id"])[0][0] == "good"
    assert _rows(sql, asset["id"]) == 0
    assert [e["action"] for e in _events(world, asset["id"])] == ["create"]


def test_a_body_past_the_photo_routes_bound_is_an_error_page(
    officer: TestClient, world: World
) -> None:
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    refused = officer.post(
        url,
        data={"condition": "fair", "_csrf_token": _csrf(officer, url)},
        files=_files(b"\0" * (rules.MAX_UPLOAD + 2 * 1024 * 1024)),
    )
    assert refused.status_code == 413
    assert "text/html" in refused.headers["content-type"] and "Dữ liệu quá lớn" in refused.text


def test_in_english_the_refusal_is_in_english(officer: TestClient, world: World) -> None:
    asset = _asset(world)
    url = f"/t/{asset['tag']}/damage"
    officer.get(f"{url}?lang=en")
    try:
        refused = officer.post(
            url,
            data={"condition": "fair", "_csrf_token": _csrf(officer, url)},
            files=_files(b"plain text"),
        )
        assert "not a readable JPEG, PNG or WebP photo" in refused.text
    finally:
        officer.get(f"{url}?lang=vi")


def test_another_units_photo_page_is_not_found(settings, world: World) -> None:
    asset = _asset(world, "A")
    photo = _add(world, asset["id"], _encoded(_scene((800, 600)), "JPEG")).json()
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as other:
        token = _CSRF.search(other.get("/login").text).group(1)
        other.post(
            "/login",
            data={"login": "officer_b", "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        for suffix in ("", "/thumbnail"):
            answer = other.get(f"/t/{asset['tag']}/photos/{photo['id']}{suffix}")
            assert answer.status_code == 404
            assert "text/html" in answer.headers["content-type"]
