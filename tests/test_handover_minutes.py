"""The minutes of a handover (form 02/TSC-BBGN) as PDF and DOCX through the API, read back
as a person's tools read them (pdfium's text, python-docx's table): every item, the
subtotals and the total of the API's summary, the header on every page, the hashes in the
footer; large minutes through a real job worker; the minutes' own text (B.2, B.4); and
the scanned decision."""

from __future__ import annotations

import io
import re
import secrets
from typing import Any

import docx
import pypdfium2 as pdfium
import pytest

from inventory.documents.formats import money, number
from inventory.handovers import files
from tests.test_handovers import H, body, items_of
from tests.test_jobs import WorkerThread, _until
from tests.world import World


def _assets(world: World, unit: str) -> list[dict[str, Any]]:
    """Assets of each form group but A, one a counted lot, one named with markup."""
    token = secrets.token_hex(3)
    made = []
    for name, category, extra in (
        (f"Máy vi tính {token}", "MT", {"original_cost": 18_000_000, "remaining_value": 9_500_000}),
        (f"Ghế <b>xoay</b>\x0b{token}", "BG", {"quantity": 20, "unit_of_measure": "chiếc"}),
        (f"Xe ô tô {token}", "OTO", {"original_cost": 800_000_000, "remaining_value": 1}),
        (f"Máy in {token}", "MT", {"original_cost": 7_250_000}),
    ):
        made.append(
            world.create(
                "/api/v1/assets",
                name=name,
                category_id=world.categories[category],
                holder_unit_id=world.units[unit],
                **extra,
            )
        )
    return made


def _received_handover(world: World, **extra: Any) -> tuple[int, list[dict[str, Any]]]:
    """A merger handover from A2 to A: a site with a room (group A) and assets of B, C and
    D, received (one damaged, one missing) with a surplus item; its items."""
    site = world.create(
        "/api/v1/sites",
        holder_unit_id=world.units["A2"],
        name=f"Nhà văn hóa {secrets.token_hex(3)}",
        floor_area_m2=120,
    )
    world.create("/api/v1/rooms", site_id=site["id"], name=f"Hội trường {secrets.token_hex(2)}")
    assets = _assets(world, "A2")
    officer = world.officer_a  # A's scope holds A2: both sides
    made = officer.post(
        H,
        json=body(
            world,
            "A2",
            "A",
            kind="merger",
            witness={"name": "Lê Văn C", "position": "Sở Tài chính"},
            documents_handed_over="Hồ sơ đăng ký xe 81A-123.45",
            items={"site_ids": [site["id"]], "asset_ids": [a["id"] for a in assets]},
            **extra,
        ),
    )
    assert made.status_code == 201, made.text
    hid = made.json()["id"]
    assert officer.post(f"{H}/{hid}/submit").status_code == 200
    items = {i["asset_id"]: i["id"] for i in items_of(officer, hid)}
    pc, _, _, printer = assets
    for status, item, more in (
        ("received_damaged", items[pc["id"]], {"condition": "broken", "note": "Màn hình vỡ"}),
        ("missing", items[printer["id"]], {}),
    ):
        done = officer.post(
            f"{H}/{hid}/receipts", json={"status": status, "item_ids": [item], **more}
        )
        assert done.status_code == 200, done.text
    rest = [i["id"] for i in items_of(officer, hid, transfer_status="listed")]
    got = officer.post(f"{H}/{hid}/receipts", json={"status": "received", "item_ids": rest})
    assert got.status_code == 200, got.text
    surplus = officer.post(
        f"{H}/{hid}/surplus", json={"items": [{"name": "Quạt trần", "quantity": 2}]}
    )
    assert surplus.status_code == 200, surplus.text
    return hid, items_of(officer, hid)


def pdf_pages(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def squeeze(text: str) -> str:
    """Text without whitespace: a cell's text may wrap onto two lines."""
    return re.sub(r"\s+", "", text)


def _sum_row(label: str, tally: dict[str, int]) -> list[str]:
    return [
        "",
        label,
        "",
        number(tally["quantity"]),
        money(tally["original_cost"]),
        money(tally["remaining_value"]),
        "",
        "",
        f"{number(tally['items'])} mục",
    ]


def test_the_pdf_and_the_docx_list_every_item_with_the_apis_subtotals_and_total(
    world: World,
) -> None:
    hid, items = _received_handover(world)
    officer = world.officer_a
    summary = officer.get(f"{H}/{hid}").json()["summary"]
    assert {g for g, t in summary["by_group"].items() if t["items"]} == {"A", "B", "C", "D"}

    pdf = officer.get(f"{H}/{hid}/minutes.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert pdf.content.startswith(b"%PDF-")
    text = squeeze("\n".join(pdf_pages(pdf.content)))
    for item in items:
        assert squeeze(item["name"]) in text, item["name"]  # markup printed as typed
    for group, tally in summary["by_group"].items():
        assert squeeze("".join(_sum_row(f"Cộng nhóm {group}", tally))) in text, group
    assert squeeze("".join(_sum_row("TỔNG CỘNG", summary["total"]))) in text
    for words in ("BIÊN BẢN BÀN GIAO, TIẾP NHẬN TÀI SẢN", "Hỏng", "Thiếu", "Thừa", "Lê Văn C"):
        assert squeeze(words) in text, words
    assert squeeze("Hồ sơ đăng ký xe 81A-123.45") in text

    word = officer.get(f"{H}/{hid}/minutes.docx")
    assert word.status_code == 200, word.text
    assert word.headers["content-type"] == files.DOCX
    table = docx.Document(io.BytesIO(word.content)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    names = {r[1] for r in rows}
    assert {i["name"].replace("\x0b", " ") for i in items} <= names
    for group, tally in summary["by_group"].items():
        assert _sum_row(f"Cộng nhóm {group}", tally) in rows, group
    assert rows[-1] == _sum_row("TỔNG CỘNG", summary["total"])
    # Each item row carries what was recorded: the car received, the printer missing.
    by_name = {r[1]: r for r in rows}  # a control character pasted in a name: a space
    car = next(i for i in items if i["name"].startswith("Xe ô tô"))
    assert by_name[car["name"]][3:8] == ["1", "800.000.000", "1", "Tốt", "Đã nhận"]
    pc = next(i for i in items if i["name"].startswith("Máy vi tính"))
    assert by_name[pc["name"]][6:8] == ["Hỏng", "Nhận, hư hỏng"]


def test_the_footer_carries_the_hash_the_sign_off_records_and_the_chain_head(
    world: World, sql
) -> None:
    hid, _ = _received_handover(world)
    officer = world.officer_a
    signed = officer.post(
        f"{H}/{hid}/sign", json={"name": "Nguyễn Văn A", "position": "Chủ tịch", "side": "giver"}
    )
    assert signed.status_code == 200, signed.text
    digest = signed.json()["giver_signature"]["hash"]
    pdf = officer.get(f"{H}/{hid}/minutes.pdf").content
    pages = pdf_pages(pdf)
    head = sql("SELECT seq, hash FROM event_heads WHERE chain = $1", world.units["A2"])[0]
    for page in pages:
        assert digest in squeeze(page)  # every page's footer
        assert head["hash"].hex() in squeeze(page)
        assert f"sựkiện#{head['seq']}" in squeeze(page)
    assert squeeze("Đã xác nhận trên hệ thống: Nguyễn Văn A, Chủ tịch") in squeeze(pages[-1])
    assert pdfium.PdfDocument(pdf).get_metadata_dict()["Keywords"] == f"sha256:{digest}"
    footer = docx.Document(io.BytesIO(officer.get(f"{H}/{hid}/minutes.docx").content))
    assert digest in footer.sections[0].footer.paragraphs[0].text
    # The minutes made are noted, with the hash they carry.
    issued = sql("SELECT content_hash FROM handover_minutes_issued WHERE handover_id = $1", hid)
    assert {r["content_hash"] for r in issued} == {digest}


def _bulk_assets(sql, world: World, unit: str, count: int) -> list[int]:
    token = secrets.token_hex(3)
    rows = sql(
        "INSERT INTO assets (name, category_id, quantity, holder_unit_id, origin_unit_id,"
        " original_cost, remaining_value)"
        " SELECT 'Ghế tựa ' || $1 || ' số ' || i, $2, 1, $3, $3, 1000000 + i, 500000"
        " FROM generate_series(1, $4) i RETURNING id",
        token,
        world.categories["BG"],
        world.units[unit],
        count,
    )
    return [r["id"] for r in rows]


def test_the_table_header_repeats_on_every_page(world: World, sql) -> None:
    ids = _bulk_assets(sql, world, "A2", 90)
    made = world.officer_a.post(H, json=body(world, "A2", "A", items={"asset_ids": ids}))
    assert made.status_code == 201, made.text
    hid = made.json()["id"]
    pages = pdf_pages(world.officer_a.get(f"{H}/{hid}/minutes.pdf").content)
    assert len(pages) >= 3
    for number_, page in enumerate(pages[1:-1], 2):
        head = squeeze(page)[:200]
        assert squeeze("STT Tên tài sản Đơn vị tính Số lượng Nguyên giá (đồng)") in head, page
        assert f"Trang{number_}/{len(pages)}" in squeeze(page)
    word = docx.Document(io.BytesIO(world.officer_a.get(f"{H}/{hid}/minutes.docx").content))
    header = word.tables[0].rows[0]._tr
    assert header.xpath("./w:trPr/w:tblHeader")  # Word repeats it on every page
    assert not word.tables[0].rows[1]._tr.xpath("./w:trPr/w:tblHeader")
    assert len(word.tables[0].rows) == 1 + 4 + 90 + 4 + 1  # header, groups, items, sums, total


def test_large_minutes_are_made_by_a_job(world: World, sql, database_url) -> None:
    count = files.MAX_SYNC_ITEMS + 5
    ids = _bulk_assets(sql, world, "A2", count)
    made = world.officer_a.post(H, json=body(world, "A2", "A", items={"asset_ids": ids}))
    assert made.status_code == 201, made.text
    hid = made.json()["id"]
    summary = world.officer_a.get(f"{H}/{hid}").json()["summary"]
    asked = world.officer_a.get(f"{H}/{hid}/minutes.pdf")
    assert asked.status_code == 202, asked.text
    job = asked.json()
    assert asked.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert job["kind"] == files.KIND and job["status"] == "queued"
    again = world.officer_a.get(f"{H}/{hid}/minutes.pdf")  # the same job, not another
    assert again.status_code == 202 and again.json()["id"] == job["id"]
    word = world.officer_a.get(f"{H}/{hid}/minutes.docx")
    assert word.status_code == 202 and word.json()["id"] != job["id"]
    # Once the minutes say something else, asking again makes them anew.
    text = {"opinions": "Không có ý kiến"}
    assert world.officer_a.patch(f"{H}/{hid}", json=text, headers={"If-Match": "*"}).is_success
    changed = world.officer_a.get(f"{H}/{hid}/minutes.pdf")
    assert changed.status_code == 202 and changed.json()["id"] != job["id"]
    # A third commune's officer sees neither the handover's minutes nor the job.
    assert world.officer_b.get(f"{H}/{hid}/minutes.pdf").status_code == 404
    assert world.officer_b.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    with WorkerThread(database_url):
        for made_job in (job, word.json(), changed.json()):
            _until(
                lambda j=made_job: (
                    sql("SELECT status FROM jobs WHERE id = $1", j["id"])[0][0]
                    in ("done", "failed")
                ),
                timeout=300,
                what="the minutes job",
            )
    done = world.officer_a.get(f"/api/v1/jobs/{job['id']}").json()
    assert done["status"] == "done", done["error"]
    result = world.officer_a.get(done["result"]["url"])
    assert result.headers["content-type"] == "application/pdf"
    text = squeeze("\n".join(pdf_pages(result.content)))
    assert squeeze("".join(_sum_row("TỔNG CỘNG", summary["total"]))) in text
    word_done = world.officer_a.get(f"/api/v1/jobs/{word.json()['id']}").json()
    assert word_done["status"] == "done", word_done["error"]
    table = docx.Document(
        io.BytesIO(world.officer_a.get(word_done["result"]["url"]).content)
    ).tables[0]
    assert len(table.rows) == 1 + 4 + count + 4 + 1
    # The job's PDF is noted like the route's, for its signed copy to be recognised.
    issued = sql("SELECT content_hash FROM handover_minutes_issued WHERE handover_id = $1", hid)
    now = world.officer_a.get(f"{H}/{hid}/signed-minutes").json()["content_hash"]
    assert issued and {r["content_hash"] for r in issued} == {now}


def test_the_documents_handed_over_and_the_opinions_are_written_in_draft(world: World, sql) -> None:
    officer, receiver = world.officer_a, world.officer_b
    thing = world.create(
        "/api/v1/assets",
        name=f"Tủ {secrets.token_hex(3)}",
        category_id=world.categories["BG"],
        holder_unit_id=world.units["A"],
    )
    made = officer.post(H, json=body(world, "A", "B", items={"asset_ids": [thing["id"]]}))
    hid, version = made.json()["id"], made.json()["version"]
    url = f"{H}/{hid}"
    change = {"documents_handed_over": "Sổ tài sản 2025", "opinions": "Bên nhận: không ý kiến"}
    assert officer.patch(url, json=change).status_code == 428
    assert officer.patch(url, json=change, headers={"If-Match": '"999"'}).status_code == 412
    assert receiver.patch(url, json=change, headers={"If-Match": "*"}).status_code == 403
    bad = officer.patch(url, json={"opinions": "x" * 4001}, headers={"If-Match": "*"})
    assert bad.status_code == 400
    done = officer.patch(url, json=change, headers={"If-Match": f'"{version}"'})
    assert done.status_code == 200, done.text
    assert done.json()["documents_handed_over"] == "Sổ tài sản 2025"
    assert done.json()["version"] == version + 1
    events = sql(
        "SELECT action FROM events WHERE entity = 'handover' AND entity_id = $1 ORDER BY seq",
        hid,
    )
    assert [e["action"] for e in events] == ["create", "update"]
    text = squeeze("\n".join(pdf_pages(officer.get(f"{url}/minutes.pdf").content)))
    assert squeeze("Sổ tài sản 2025") in text and squeeze("Bên nhận: không ý kiến") in text
    assert officer.post(f"{url}/submit").status_code == 200
    late = officer.patch(url, json={"opinions": "muộn"}, headers={"If-Match": "*"})
    assert late.status_code == 409 and late.json()["state"] == "submitted"


def _pdf(text: str = "Quyết định") -> bytes:
    from inventory.documents.pdf import Document

    document = Document(title=text, created=__import__("datetime").datetime(2026, 12, 3))
    document.paragraph(text)
    return document.render()


def test_the_scanned_decision_is_a_pdf_kept_and_served_within_scope(world: World, sql) -> None:
    made = world.officer_a.post(H, json=body(world, "A", "B"))
    hid = made.json()["id"]
    url = f"{H}/{hid}/decision"
    pdf_type = {"Content-Type": "application/pdf"}
    assert world.officer_a.get(url).status_code == 404  # none yet
    scan = _pdf("Quyết định số 1234/QĐ-UBND")
    sent = world.officer_a.post(url, content=scan, headers=pdf_type)
    assert sent.status_code == 201, sent.text
    assert sent.json()["size"] == len(scan) and sent.json()["url"] == url
    again = world.officer_a.post(url, content=scan, headers=pdf_type)
    assert again.status_code == 200 and again.json()["id"] == sent.json()["id"]
    for reader in (world.officer_a, world.officer_b, world.auditor):  # B is the receiver
        got = reader.get(url)
        assert got.status_code == 200 and got.content == scan
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment;")
    assert world.officer_b.post(url, content=scan, headers=pdf_type).status_code == 403
    # Refused, with the reason, and nothing kept.
    for content, headers, status in (
        (b"<html><script>alert(1)</script></html>", pdf_type, 422),
        (b"%PDF-1.7\nnot really a pdf", pdf_type, 422),
        (scan, {"Content-Type": "image/png"}, 415),
        (b"%PDF-" + b"0" * (20 * 1024 * 1024), pdf_type, 413),
    ):
        refused = world.officer_a.post(url, content=content, headers=headers)
        assert refused.status_code == status, refused.text[:200]
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["detail"]
    kept = sql("SELECT count(*) FROM handover_files WHERE handover_id = $1", hid)
    assert kept[0][0] == 1
    # A page's upload form sends it as a multipart `file` part, whatever type it claims.
    newer = _pdf("Quyết định số 1234/QĐ-UBND (bản chụp rõ hơn)")
    form = {"file": ("scan.jpg", newer, "image/jpeg")}
    assert world.officer_a.post(url, files=form).status_code == 201
    no_file = world.officer_a.post(url, files={"photo": ("x.pdf", newer, "application/pdf")})
    assert no_file.status_code == 422 and no_file.json()["field"] == "file"
    assert world.officer_a.get(url).content == newer
    events = sql(
        "SELECT action FROM events WHERE entity = 'handover' AND entity_id = $1 ORDER BY seq",
        hid,
    )
    assert [e["action"] for e in events].count("attach_decision") == 2
    with pytest.raises(Exception, match="kept as uploaded"):
        sql("UPDATE handover_files SET size = 1 WHERE handover_id = $1", hid)
