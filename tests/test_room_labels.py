"""Room labels: a code per room from the tag sequence, the label API and the command line,
the QR that opens the room's phone page, and that page (what should be there, what was seen)."""

from __future__ import annotations

import asyncio
import io
import re
import secrets
import zipfile
from collections.abc import Iterator

import asyncpg
import pypdfium2
import pytest
import zxingcpp
from litestar.testing import TestClient
from PIL import Image

from inventory.app import create_app
from inventory.cli import main
from inventory.db import embedded
from inventory.db.migrate import upgrade
from inventory.settings import Settings
from inventory.tagcodes import TagProblem, encode, room_url, validate
from tests.world import PASSWORD, World

LABELS = "/api/v1/labels"
BASE_URL = "http://127.0.0.1:8000"  # the test settings' public base URL
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _scan(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image.convert("L"))]


def _site(world: World, unit: str = "A") -> int:
    return world.create(
        "/api/v1/sites",
        holder_unit_id=world.units[unit],
        name=f"Nhà văn hóa {secrets.token_hex(3)}",
    )["id"]


def _room(world: World, site_id: int, name: str | None = None) -> dict:
    return world.create(
        "/api/v1/rooms", site_id=site_id, name=name or f"Phòng {secrets.token_hex(3)}"
    )


def _asset(world: World, room_id: int | None, name: str, unit: str = "A") -> dict:
    return world.create(
        "/api/v1/assets",
        name=name,
        category_id=world.categories["BG"],
        holder_unit_id=world.units[unit],
        room_id=room_id,
    )


@pytest.fixture(scope="module")
def officer(settings, world: World) -> Iterator[TestClient]:
    """Officer A, signed in by session, as on the phone."""
    client = TestClient(create_app(settings))
    client.__enter__()
    token = _CSRF.search(client.get("/login").text).group(1)
    client.post(
        "/login",
        data={"login": "officer_a", "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    yield client
    client.__exit__(None, None, None)


def test_a_new_room_gets_a_code_from_the_tag_sequence_for_life(world: World, sql) -> None:
    site = _site(world)
    room = _room(world, site)
    asset = _asset(world, room["id"], "Bàn làm việc")
    blank = world.create("/api/v1/tags/batches", unit_id=world.units["A"], size=2)["tags"]
    assert validate(room["tag"]) is TagProblem.VALID
    assert room["tag"].startswith(Settings.from_env().tag_prefix + "-")
    codes = [room["tag"], asset["tag"], *(t["code"] for t in blank)]
    assert len(set(codes)) == len(codes)  # one sequence for assets, blank tags and rooms
    # Neither the API nor the database changes it.
    again = world.officer_a.get(f"/api/v1/rooms/{room['id']}")
    assert again.json()["tag"] == room["tag"]
    refused = world.officer_a.patch(
        f"/api/v1/rooms/{room['id']}",
        json={"tag": "52-0000000"},
        headers={"If-Match": again.headers["etag"]},
    )
    assert refused.status_code in (400, 422)
    with pytest.raises(asyncpg.CheckViolationError) as kept:
        sql("UPDATE rooms SET tag = 'X' WHERE id = $1", room["id"])
    assert kept.value.constraint_name == "rooms_tag_immutable"
    with pytest.raises(asyncpg.UniqueViolationError):
        sql("INSERT INTO rooms (site_id, name, tag) VALUES ($1, 'Kho 2', $2)", site, room["tag"])


def test_a_sites_room_labels_one_per_room_each_opening_its_room(world: World) -> None:
    site = _site(world)
    rooms = [_room(world, site, name) for name in ("Phòng Kế toán", "Hội trường", "Kho")]
    response = world.officer_a.get(f"{LABELS}/rooms", params={"site_id": site})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="rooms-site-{site}.pdf"' in response.headers["content-disposition"]
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 1
    found = _scan(document[0].render(scale=300 / 72).to_pil())
    expected = {room_url(BASE_URL, r["tag"]) for r in rooms}
    assert sorted(found) == sorted(expected)
    assert all(u.startswith("HTTP://127.0.0.1:8000/R/") for u in found)

    # The same options as every label route.
    zpl = world.officer_a.get(
        f"{LABELS}/rooms", params={"site_id": site, "format": "zpl", "stock": "roll-50x30"}
    )
    assert zpl.text.count("^XA") == 3 and all(u in zpl.text for u in expected)
    assert "Hội trường" in _zpl_text(zpl.text)  # the room's name ...
    png = world.officer_a.get(f"{LABELS}/rooms", params={"site_id": site, "format": "png"})
    with zipfile.ZipFile(io.BytesIO(png.content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{r['tag']}.png" for r in rooms)
    skip = world.officer_a.get(f"{LABELS}/rooms", params={"site_id": site, "skip": 20})
    assert len(pypdfium2.PdfDocument(skip.content)) == 2
    bad = world.officer_a.get(
        f"{LABELS}/rooms", params={"site_id": site, "skip": 1, "format": "png"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "skip"

    one = world.officer_a.get(f"{LABELS}/rooms/{rooms[1]['id']}", params={"format": "png"})
    assert one.status_code == 200 and one.headers["content-type"] == "image/png"
    assert f'filename="{rooms[1]["tag"]}.png"' in one.headers["content-disposition"]
    assert _scan(Image.open(io.BytesIO(one.content))) == [room_url(BASE_URL, rooms[1]["tag"])]


def _zpl_text(zpl: str) -> str:
    """The ^FH hex escapes of a ZPL file decoded back to text."""
    return re.sub(
        r"(?:_[0-9A-F]{2})+",
        lambda m: bytes.fromhex(m.group(0).replace("_", "")).decode("utf-8", "replace"),
        zpl,
    )


def test_room_labels_are_scoped_like_rooms(world: World, client: TestClient) -> None:
    other_site = _site(world, "B")
    other_room = _room(world, other_site)
    assert world.officer_a.get(f"{LABELS}/rooms", params={"site_id": other_site}).status_code == 404
    assert world.officer_a.get(f"{LABELS}/rooms/{other_room['id']}").status_code == 404
    assert world.officer_b.get(f"{LABELS}/rooms/{other_room['id']}").status_code == 200
    assert world.officer_a.get(f"{LABELS}/rooms", params={"site_id": 0}).status_code == 404
    empty = _site(world)
    nothing = world.officer_a.get(f"{LABELS}/rooms", params={"site_id": empty})
    assert nothing.status_code == 404
    assert world.officer_a.get(f"{LABELS}/rooms").status_code == 400  # site_id is needed
    assert client.get(f"{LABELS}/rooms/{other_room['id']}").status_code == 401


def test_a_room_written_outside_the_app_has_no_label(world: World, sql) -> None:
    [(room_id,)] = sql(
        "INSERT INTO rooms (site_id, name) VALUES ($1, $2) RETURNING id",
        world.sites["A"],
        f"Kho cũ {secrets.token_hex(3)}",
    )
    assert world.officer_a.get(f"{LABELS}/rooms/{room_id}").status_code == 409


def test_the_command_line_prints_a_sites_room_labels(
    world: World, database_url: str, monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)
    site = _site(world, "B")  # not scoped: whoever runs it has the database
    rooms = [_room(world, site) for _ in range(2)]
    out = tmp_path / "rooms.zpl"
    main(["labels", "--site-rooms", str(site), "--format", "zpl", "-o", str(out)])
    text = out.read_text()
    assert text.count("^XA") == 2
    assert all(room_url(BASE_URL, r["tag"]) in text for r in rooms)
    assert "2 labels written" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        main(["labels", "--site-rooms", str(_site(world)), "-o", str(tmp_path / "x")])
    assert "has no room with a code" in str(refused.value.code)


def test_the_room_page_lists_what_should_be_there_and_what_was_seen_there(
    officer: TestClient, world: World, sql
) -> None:
    site = _site(world)
    room, elsewhere = _room(world, site, "Phòng Tài chính"), _room(world, site, "Phòng họp")
    desk = _asset(world, room["id"], "Bàn giám đốc")
    chair = _asset(world, room["id"], "Ghế xoay")
    visitor = _asset(world, elsewhere["id"], "Máy chiếu di động")
    sql(
        "UPDATE assets SET last_seen_at = '2026-11-30 09:15+07', last_seen_room_id = $2,"
        " last_seen_by = $3 WHERE id = ANY($1::bigint[])",
        [desk["id"], visitor["id"]],
        room["id"],
        world.users["officer_a"],
    )
    for path in (f"/r/{room['tag']}", f"/R/{room['tag']}", f"/r/{room['tag'].lower()}"):
        response = officer.get(path)
        assert response.status_code == 200, path
    page = response.text
    assert "<h1>Phòng Tài chính</h1>" in page and "Trụ sở" in page
    expected, seen = page.split('id="expected"')[1].split('id="seen"')
    assert "Bàn giám đốc" in expected and "Ghế xoay" in expected
    assert "Máy chiếu" not in expected
    assert f'href="/t/{chair["tag"]}"' in expected
    assert "Máy chiếu di động" in seen and "Bàn giám đốc" in seen and "Ghế xoay" not in seen
    assert "30/11/2026 09:15" in seen and "Officer A" in seen
    assert f'href="/t/{visitor["tag"]}"' in seen
    typed = officer.get(f"/t/{room['tag']}", follow_redirects=False)  # in the tag box
    assert typed.status_code == 303 and typed.headers["location"] == f"/r/{room['tag']}"
    english = officer.get(f"/r/{room['tag']}", params={"lang": "en"}).text
    assert "Registered in this room" in english and "Last seen in this room" in english
    officer.get("/", params={"lang": "vi"})  # back to Vietnamese for the other tests


def test_another_units_room_or_an_unknown_code_is_the_not_found_page(
    officer: TestClient, world: World, client: TestClient
) -> None:
    theirs = _room(world, _site(world, "B"))
    for code, title in [
        (theirs["tag"], "Không tìm thấy phòng"),
        (encode(880_000_001, "52"), "Không tìm thấy phòng"),
        ("52-ABC", "Không phải mã tem"),
    ]:
        response = officer.get(f"/r/{code}")
        assert response.status_code == 404, code
        assert title in response.text and "text/html" in response.headers["content-type"]
    signed_out = client.get(f"/R/{theirs['tag']}", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/login?next=%2FR%2F{theirs['tag']}"


def test_the_migration_gives_every_existing_room_a_code(server_url: str) -> None:
    """A database at 0011 with rooms, upgraded: each room gets a valid, distinct code."""
    name = f"inventory_rooms_{secrets.token_hex(4)}"
    url = embedded.with_database(server_url, name)

    async def admin(statement: str) -> None:
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    async def seed() -> None:
        conn = await asyncpg.connect(url)
        try:
            unit = await conn.fetchval(
                "INSERT INTO units (code, name, kind) VALUES ('T1', 'Xã Một', 'commune')"
                " RETURNING id"
            )
            site = await conn.fetchval(
                "INSERT INTO sites (holder_unit_id, name) VALUES ($1, 'Trụ sở') RETURNING id", unit
            )
            await conn.execute("SELECT setval('tag_seq', 41)")
            for room in ("Kho", "Phòng họp", "Văn phòng"):
                await conn.execute("INSERT INTO rooms (site_id, name) VALUES ($1, $2)", site, room)
        finally:
            await conn.close()

    async def tags() -> tuple[list[str], int]:
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch("SELECT tag FROM rooms ORDER BY sort_name, id")
            return [r["tag"] for r in rows], await conn.fetchval("SELECT last_value FROM tag_seq")
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(url, "0011_sign_in")
        asyncio.run(seed())
        upgrade(url)
        codes, last = asyncio.run(tags())
        prefix = Settings.from_env().tag_prefix
        assert codes == [encode(n, prefix) for n in (42, 43, 44)]  # by name, from the sequence
        assert last == 44
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
