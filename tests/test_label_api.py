"""Labels from the API and the command line: formats, stocks and skip, scope, QR codes that scan."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import secrets
import zipfile

import pypdfium2
import pytest
import zxingcpp
from litestar.testing import TestClient
from PIL import Image

from inventory.app import create_app
from inventory.assets.filters import ASSETS
from inventory.cli import main
from inventory.db.pool import connect
from inventory.printing import queries
from inventory.printing.cli import PROGRESS_FROM
from inventory.printing.render import PARALLEL_FROM
from inventory.tagcodes import url
from tests.world import World

LABELS = "/api/v1/labels"
BASE_URL = "http://127.0.0.1:8000"  # the test settings' public base URL


def _scan(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image.convert("L"))]


def _room_with_assets(world: World, unit: str, count: int) -> tuple[int, list[dict]]:
    room = world.create(
        "/api/v1/rooms", site_id=world.sites[unit], name=f"Kho {secrets.token_hex(3)}"
    )["id"]
    assets = [
        world.create(
            "/api/v1/assets",
            name=f"Ghế {i}",
            category_id=world.categories["BG"],
            holder_unit_id=world.units[unit],
            room_id=room,
        )
        for i in range(count)
    ]
    return room, assets


def _batch(world: World, size: int) -> dict:
    response = world.officer_a.post(
        "/api/v1/tags/batches", json={"unit_id": world.units["A"], "size": size}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_one_asset_as_png_scans_to_exactly_its_url(world: World) -> None:
    asset = world.create(
        "/api/v1/assets",
        name="Máy tính xách tay",
        room_id=world.rooms["A"],
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
    )
    response = world.officer_a.get(f"{LABELS}/assets/{asset['id']}", params={"format": "png"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert f'filename="{asset["tag"]}.png"' in response.headers["content-disposition"]
    expected = url(BASE_URL, asset["tag"])
    assert expected == f"HTTP://127.0.0.1:8000/T/{asset['tag']}"
    assert _scan(Image.open(io.BytesIO(response.content))) == [expected]


def test_a_selection_as_a_zip_of_pngs_one_per_label(world: World) -> None:
    room, assets = _room_with_assets(world, "A", 3)
    response = world.officer_a.get(f"{LABELS}/assets", params={"room_id": room, "format": "png"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"{a['tag']}.png" for a in assets)
        for name in names:
            image = Image.open(io.BytesIO(archive.read(name)))
            assert image.format == "PNG"
            assert _scan(image) == [url(BASE_URL, name.removesuffix(".png"))]


def test_zpl_has_one_format_per_label(world: World) -> None:
    _, assets = _room_with_assets(world, "A", 2)
    response = world.officer_a.get(
        f"{LABELS}/assets",
        params={"ids": [a["id"] for a in assets], "format": "zpl", "stock": "roll-50x30"},
    )
    assert response.status_code == 200, response.text
    text = response.text
    assert text.startswith("^XA") and text.count("^XA") == 2 == text.count("^XZ")
    assert all(url(BASE_URL, a["tag"]) in text for a in assets)


def test_a_blank_batch_as_pdf_sheets_with_skip(world: World) -> None:
    batch = _batch(world, 25)
    path = f"{LABELS}/batches/{batch['id']}"
    plain = world.officer_a.get(path)
    assert plain.status_code == 200, plain.text
    assert plain.headers["content-type"] == "application/pdf"
    assert plain.content.startswith(b"%PDF")
    assert len(pypdfium2.PdfDocument(plain.content)) == 2  # 21 + 4 on A4 3 x 7
    skipped = world.officer_a.get(path, params={"skip": 20, "stock": "a4-3x7"})
    document = pypdfium2.PdfDocument(skipped.content)
    assert len(document) == 3  # 1 + 21 + 3
    first = document[0].render(scale=300 / 72).to_pil()
    assert _scan(first) == [url(BASE_URL, batch["tags"][0]["code"])]


def test_big_runs_render_in_worker_processes(world: World) -> None:
    batch = _batch(world, PARALLEL_FROM + 6)
    response = world.officer_a.get(f"{LABELS}/batches/{batch['id']}", params={"stock": "a4-4x10"})
    assert response.status_code == 200, response.text
    assert len(pypdfium2.PdfDocument(response.content)) == 2
    zpl = world.officer_a.get(f"{LABELS}/batches/{batch['id']}", params={"format": "zpl"})
    assert zpl.text.count("^XA") == PARALLEL_FROM + 6


def test_options_are_checked(world: World) -> None:
    path = f"{LABELS}/assets/{world.assets['A']}"
    for params, field in [
        ({"stock": "a5-nothing"}, "stock"),
        ({"skip": 21}, "skip"),
        ({"skip": -1}, "skip"),
        ({"skip": 1, "format": "png"}, "skip"),
        ({"skip": 1, "stock": "roll-62"}, "skip"),
    ]:
        response = world.officer_a.get(path, params=params)
        assert response.status_code == 422, params
        assert response.json()["field"] == field, params
    assert world.officer_a.get(path, params={"format": "svg"}).status_code == 400


def test_labels_are_scoped_like_assets(world: World, client) -> None:
    assert world.officer_a.get(f"{LABELS}/assets/{world.assets['B']}").status_code == 404
    assert world.leader_a.get(f"{LABELS}/assets/{world.assets['A']}").status_code == 200
    _, own = _room_with_assets(world, "A", 1)
    mixed = world.officer_a.get(
        f"{LABELS}/assets", params={"ids": [own[0]["id"], world.assets["B"]], "format": "zpl"}
    )
    assert mixed.status_code == 200 and mixed.text.count("^XA") == 1
    assert (
        world.officer_a.get(f"{LABELS}/assets", params={"ids": [world.assets["B"]]}).status_code
        == 404
    )
    assert (
        world.officer_a.get(f"{LABELS}/assets", params={"room_id": world.rooms["B"]}).status_code
        == 404
    )
    other = world.officer_b.post(
        "/api/v1/tags/batches", json={"unit_id": world.units["B"], "size": 1}
    ).json()
    assert world.officer_a.get(f"{LABELS}/batches/{other['id']}").status_code == 404
    untagged = world.create(
        "/api/v1/assets",
        name="Bảng",
        issue_tag=False,
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A"],
    )
    assert world.officer_a.get(f"{LABELS}/assets/{untagged['id']}").status_code == 409
    assert client.get(f"{LABELS}/assets/{world.assets['A']}").status_code == 401


def test_the_command_line_prints_straight_from_the_database(
    world: World, database_url: str, monkeypatch, tmp_path, capsys, request
) -> None:
    monkeypatch.setenv("INVENTORY_DATABASE_URL", database_url)
    # The deployment's address, not whatever the shell says, goes on labels.
    monkeypatch.setenv("INVENTORY_PUBLIC_BASE_URL", "http://shell.example:1234")
    main(["base-url", "set", "https://kiemke.example.vn"])
    request.addfinalizer(lambda: main(["base-url", "set", BASE_URL]))
    batch = _batch(world, PROGRESS_FROM)
    pdf = tmp_path / "batch.pdf"
    main(
        ["labels", "--batch", str(batch["id"]), "--stock", "a4-3x7", "--skip", "2", "-o", str(pdf)]
    )
    assert len(pypdfium2.PdfDocument(pdf.read_bytes())) == 5  # 2 skipped + 100 labels, 21 a sheet
    assert "] 5/5" in capsys.readouterr().err  # the progress bar, in pages

    room, assets = _room_with_assets(world, "A", 2)
    zpl = tmp_path / "room.zpl"
    main(
        ["labels", "--room", str(room), "--format", "zpl", "--stock", "roll-50x30", "-o", str(zpl)]
    )
    text = zpl.read_text()
    assert text.count("^XA") == 2
    assert all(url("https://kiemke.example.vn", a["tag"]) in text for a in assets)
    ids = tmp_path / "ids.zip"
    main(
        [
            "labels",
            "--asset-ids",
            f"{assets[0]['id']},{world.assets['B']}",
            "--format",
            "png",
            "-o",
            str(ids),
        ]
    )
    with zipfile.ZipFile(ids) as archive:
        assert sorted(archive.namelist()) == sorted([f"{assets[0]['tag']}.png", "TB-TEST.png"])
    unit = tmp_path / "unit.zpl"
    main(["labels", "--unit", "T24065", "--format", "zpl", "-o", str(unit)])
    assert "TA-TEST" in unit.read_text() and "TB-TEST" not in unit.read_text()

    for bad, message in [
        (["--unit", "NOPE"], "no unit"),
        (["--batch", "0"], "nothing to print"),
        (["--room", str(room), "--stock", "a5"], "unknown label stock"),
        (["--room", str(room), "--format", "zpl", "--skip", "3"], "skip"),
    ]:
        with pytest.raises(SystemExit) as refused:
            main(["labels", *bad, "-o", str(tmp_path / "x")])
        assert message in str(refused.value.code), bad


def test_openapi_says_the_answer_is_a_file(client) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    ok = paths["/api/v1/labels/assets"]["get"]["responses"]["200"]
    assert set(ok["content"]) == {"application/pdf", "image/png", "application/zip", "text/plain"}
    assert {"format", "stock", "skip", "ids", "room_id", "q"} <= {
        p["name"] for p in paths["/api/v1/labels/assets"]["get"]["parameters"]
    }


def test_a_label_request_takes_one_connection_and_only_to_read(settings, world: World) -> None:
    """With a pool of one, a handler that also took the request's connection (or the caller,
    which comes with it) would wait for itself until the acquire timed out."""
    batch = _batch(world, 3)
    lean = dataclasses.replace(settings, pool_min=1, pool_max=1)
    with TestClient(create_app(lean)) as client:
        response = client.get(
            f"{LABELS}/batches/{batch['id']}",
            params={"format": "zpl"},
            headers={"Authorization": f"Bearer {world.officer_a.token}"},
        )
        assert response.status_code == 200, response.text


def test_the_room_line_names_the_site_where_two_sites_have_the_room(
    world: World, database_url: str
) -> None:
    """Two headquarters of one commune each with a "Phòng Kế toán": the label says which."""
    first = world.create("/api/v1/sites", holder_unit_id=world.units["A"], name="Trụ sở 1")
    second = world.create("/api/v1/sites", holder_unit_id=world.units["A"], name="Trụ sở 2")
    rows = {}
    for site in (first, second):
        room = world.create("/api/v1/rooms", site_id=site["id"], name="Phòng Kế toán")
        rows[site["name"]] = world.create(
            "/api/v1/assets",
            name="Tủ hồ sơ",
            category_id=world.categories["BG"],
            holder_unit_id=world.units["A"],
            room_id=room["id"],
        )
    only = world.create("/api/v1/rooms", site_id=first["id"], name="Phòng một mình")
    alone = world.create(
        "/api/v1/assets",
        name="Bàn",
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A"],
        room_id=only["id"],
    )

    async def room_lines() -> dict[int, str]:
        ids = [a["id"] for a in rows.values()] + [alone["id"]]
        conn = await connect(database_url)
        try:
            labelled = await queries.asset_labels(conn, world.units["A"], ASSETS.choices(), ids, 10)
        finally:
            await conn.close()
        return {row["tag"]: row["room_name"] for row in labelled}

    lines = asyncio.run(room_lines())
    assert lines[rows["Trụ sở 1"]["tag"]] == "Trụ sở 1 · Phòng Kế toán"
    assert lines[rows["Trụ sở 2"]["tag"]] == "Trụ sở 2 · Phòng Kế toán"
    assert lines[alone["tag"]] == "Phòng một mình"
