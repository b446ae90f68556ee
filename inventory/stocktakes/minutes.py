"""The stocktake minutes (biên bản kiểm kê tài sản) as PDF, and the result lists as XLSX.

Plain data in (a closed stocktake, its summary and every result line, with names), a
document out through inventory.documents. The content hash is the SHA-256 of that data as
canonical JSON: the same results give the same hash and the same bytes; a decision taken
later on a misplaced asset changes both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from inventory.clock import VIETNAM
from inventory.documents.formats import long_day, moment, money, number
from inventory.documents.pdf import Column, Document, Group, Row, Signature, Sum
from inventory.documents.xlsx import Column as ListColumn
from inventory.documents.xlsx import Sheet

OUTCOMES = {
    "in_place": "Đúng vị trí",
    "misplaced": "Sai vị trí",
    "missing": "Không tìm thấy",
    "unknown": "Mã không có trong sổ",
    "blank": "Tem trắng chưa gán",
    "not_ours": "Tài sản của đơn vị khác",
}
ASSET_OUTCOMES = ("in_place", "misplaced", "missing")
TAG_OUTCOMES = ("unknown", "blank", "not_ours")
# The Ministry of Finance's three groups (2025 guidance), by the assets' ownership.
GROUPS = {
    "own": "Tài sản của đơn vị",
    "surplus": "Tài sản thừa phát hiện qua kiểm kê",
    "not_own": "Tài sản không thuộc đơn vị (mượn, thuê, giữ hộ)",
}
_GROUP_KEYS = ("found", "found_quantity", "missing", "missing_quantity")
DECISIONS = {"moved": "Đã chuyển về phòng thấy", "left": "Giữ nơi theo sổ"}


@dataclass(frozen=True, slots=True)
class Minutes:
    """A closed stocktake as its minutes print it. `chain` is (chain, seq, hash) of the
    stocktake's closing event: the unit's history chain head as the count closed."""

    stocktake: dict[str, Any]  # id, name, site_name, rooms, whole_site, opened_at, closed_at
    terms: dict[str, Any]  # unit_name, unit_code, parent_name, site_address, opened/closed by
    counters: list[dict[str, Any]]  # name, scans
    counts: dict[str, int]
    groups: dict[str, dict[str, int]]
    late_scans: int
    lines: list[dict[str, Any]]
    chain: tuple[int, int, str] | None

    def content_hash(self) -> str:
        content = {
            "stocktake": self.stocktake,
            "terms": self.terms,
            "counters": self.counters,
            "counts": self.counts,
            "groups": self.groups,
            "late_scans": self.late_scans,
            "lines": self.lines,
        }
        return hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest()

    def of(self, outcomes: Sequence[str], ownership: str | None = None) -> list[dict[str, Any]]:
        return [
            line
            for line in self.lines
            if line["outcome"] in outcomes
            and (ownership is None or (line["ownership"] or "own") == ownership)
        ]


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(VIETNAM) if value is not None else None


def _counted(line: dict[str, Any]) -> int:
    """What the count found of a line: a lot's counted quantity, else its quantity; none
    of a missing asset."""
    if line["outcome"] == "missing":
        return 0
    counted = line["counted_quantity"]
    return counted if counted is not None else line["quantity"] or 0


def _note(line: dict[str, Any]) -> str:
    notes = []
    if line["outcome"] != "missing" and not line["expected"]:
        notes.append("Ngoài danh sách cần kiểm")
    if line["decision"]:
        notes.append(DECISIONS.get(line["decision"], line["decision"]))
    if line["sightings"] > 1:
        notes.append(f"{line['sightings']} lần quét")
    return "; ".join(notes)


# --- PDF ---

DETAIL = [
    Column("STT", 0.5, "R"),
    Column("Mã thẻ", 1.3),
    Column("Tên tài sản", 3.0),
    Column("ĐVT", 0.7),
    Column("SL sổ", 0.7, "R"),
    Column("SL kiểm", 0.7, "R"),
    Column("Nguyên giá (đồng)", 1.3, "R"),
    Column("Phòng theo sổ", 1.4),
    Column("Phòng thấy", 1.4),
    Column("Ghi chú", 1.6),
]
TAGS = [
    Column("STT", 0.5, "R"),
    Column("Mã tem", 1.5),
    Column("Phòng thấy", 2.0),
    Column("Số lần quét", 1.0, "R"),
    Column("Lần thấy cuối", 1.6),
    Column("Người quét", 2.0),
]


def _sum(label: str, lines: list[dict[str, Any]]) -> Sum:
    quantity = sum(line["quantity"] or 0 for line in lines)
    counted = sum(_counted(line) for line in lines)
    cost = sum(line["original_cost"] or 0 for line in lines)
    title = f"{label}: {number(len(lines))} tài sản"
    return Sum(("", "", title, "", number(quantity), number(counted), money(cost), "", "", ""))


def _detail_rows(lines: list[dict[str, Any]]) -> Iterator[Row]:
    n = 0
    for outcome in ASSET_OUTCOMES:
        of_outcome = [line for line in lines if line["outcome"] == outcome]
        if not of_outcome:
            continue
        yield Group(f"{OUTCOMES[outcome]} ({number(len(of_outcome))})")
        for line in of_outcome:
            n += 1
            yield (
                str(n),
                line["tag"] or "",
                line["name"],
                line["unit_of_measure"] or "",
                number(line["quantity"]),
                number(_counted(line)),
                money(line["original_cost"]),
                line["recorded_room"] or "",
                line["seen_room"] or "",
                _note(line),
            )
        yield _sum("Cộng", of_outcome)
    yield _sum("Tổng nhóm", lines)


def _tag_rows(lines: list[dict[str, Any]]) -> Iterator[Row]:
    n = 0
    for outcome in TAG_OUTCOMES:
        of_outcome = [line for line in lines if line["outcome"] == outcome]
        if not of_outcome:
            continue
        yield Group(f"{OUTCOMES[outcome]} ({number(len(of_outcome))})")
        for line in of_outcome:
            n += 1
            yield (
                str(n),
                line["tag"] or "",
                line["seen_room"] or "",
                number(line["sightings"]),
                moment(_local(line["seen_at"])),
                line["seen_by_name"] or "",
            )


def _footer(minutes: Minutes, digest: str) -> str:
    head = "chưa có sự kiện"
    if minutes.chain is not None:
        chain, seq, hash_ = minutes.chain
        head = f"chuỗi {chain}, sự kiện số {seq}, {hash_}"
    return (
        f"Biên bản kiểm kê số {minutes.stocktake['id']} · Mã nội dung (SHA-256): {digest}"
        f" · Lịch sử của đơn vị khi khóa sổ: {head}"
    )


def render_pdf(minutes: Minutes) -> bytes:
    """The minutes: the unit, place and time, who counted, the summary, the three groups
    with their lines, the other tags, and the signature blocks."""
    st, terms = minutes.stocktake, minutes.terms
    closed = _local(st["closed_at"])
    opened = _local(st["opened_at"])
    assert closed is not None, "minutes are of a closed stocktake"
    digest = minutes.content_hash()
    document = Document(
        title=f"Biên bản kiểm kê tài sản số {st['id']}",
        subject=f"{terms['unit_name']}: {st['site_name']}",
        created=closed,
        footer=_footer(minutes, digest),
        content_hash=digest,
        landscape=True,
    )
    document.state_heading([name for name in (terms["parent_name"], terms["unit_name"]) if name])
    document.paragraph(f"Số: {st['id']}/BB-KK", align="L")
    document.heading("BIÊN BẢN KIỂM KÊ TÀI SẢN")
    if st["name"]:
        document.paragraph(st["name"], align="C")
    document.paragraph(long_day(closed).capitalize(), align="C")
    document.ln(2)
    site = st["site_name"] + (f" ({terms['site_address']})" if terms["site_address"] else "")
    rooms = ", ".join(room["name"] for room in st["rooms"]) or "không có phòng"
    scope = f"toàn bộ cơ sở: {rooms}" if st["whole_site"] else f"các phòng {rooms}"
    counters = "; ".join(f"{c['name']} ({number(c['scans'])} lần quét)" for c in minutes.counters)
    for label, value in (
        ("Đơn vị", f"{terms['unit_name']} (mã {terms['unit_code']})"),
        ("Nơi kiểm kê", site),
        ("Phạm vi", scope),
        ("Thời gian", f"từ {moment(opened)} đến {moment(closed)}"),
        ("Mở đợt kiểm kê", terms["opened_by_name"] or ""),
        ("Khóa sổ", terms["closed_by_name"] or ""),
        ("Người kiểm kê", counters or "không có lần quét nào"),
        ("Tài sản cần kiểm", f"{number(st['expected'])} theo sổ khi mở đợt kiểm kê"),
    ):
        document.paragraph(f"{label}: {value}")

    document.ln(3)
    document.heading("I. Tổng hợp kết quả", size=11, align="L")
    summary: list[Row] = [(OUTCOMES[o], number(minutes.counts.get(o, 0))) for o in OUTCOMES]
    summary.append(("Lần quét đến sau khi khóa sổ (không tính)", number(minutes.late_scans)))
    document.tabulate([Column("Kết quả", 4), Column("Số dòng", 1, "R")], summary, width=130)

    document.ln(3)
    document.heading("II. Theo ba nhóm tài sản", size=11, align="L")
    group_rows: list[Row] = []
    for i, (key, label) in enumerate(GROUPS.items(), start=1):
        g = minutes.groups[key]
        group_rows.append((f"{i}. {label}", *(number(g[k]) for k in _GROUP_KEYS)))
    totals = [sum(g[k] for g in minutes.groups.values()) for k in _GROUP_KEYS]
    group_rows.append(Sum(("Cộng", *map(number, totals))))
    document.tabulate(
        [
            Column("Nhóm", 3.5),
            Column("Tìm thấy (tài sản)", 1.2, "R"),
            Column("Tìm thấy (số lượng)", 1.2, "R"),
            Column("Thiếu (tài sản)", 1.2, "R"),
            Column("Thiếu (số lượng)", 1.2, "R"),
        ],
        group_rows,
    )

    document.ln(3)
    document.heading("III. Chi tiết theo nhóm", size=11, align="L")
    for i, (key, label) in enumerate(GROUPS.items(), start=1):
        document.paragraph(f"{i}. {label}", bold=True)
        lines = minutes.of(ASSET_OUTCOMES, key)
        if lines:
            document.tabulate(DETAIL, _detail_rows(lines), font_size=8)
        else:
            document.paragraph("Không có tài sản nào.")

    document.ln(3)
    document.heading("IV. Mã tem khác quét được", size=11, align="L")
    tags = minutes.of(TAG_OUTCOMES)
    if tags:
        document.tabulate(TAGS, _tag_rows(tags), font_size=8)
    else:
        document.paragraph("Không có.")

    document.ln(2)
    document.paragraph(
        f"Biên bản lập lúc {moment(closed)}, theo kết quả lưu khi khóa sổ; các bên cùng"
        " thống nhất ký tên dưới đây."
    )
    document.ln(3)
    blocks = [Signature("Người lập", terms["closed_by_name"] or "")]
    blocks += [Signature("Người kiểm kê", c["name"]) for c in minutes.counters] or [
        Signature("Người kiểm kê")
    ]
    blocks.append(Signature("Thủ trưởng đơn vị", note="(Ký, họ tên, đóng dấu)"))
    for at in range(0, len(blocks), 4):
        document.signatures(blocks[at : at + 4])
    return document.render()


# --- XLSX: one sheet per result list ---

ASSET_LIST = [
    ListColumn("Mã thẻ", 14),
    ListColumn("Tên tài sản", 36),
    ListColumn("Nhóm", 28),
    ListColumn("ĐVT", 8),
    ListColumn("SL sổ", 8, "number"),
    ListColumn("SL kiểm", 8, "number"),
    ListColumn("Nguyên giá (đồng)", 16, "money"),
    ListColumn("Phòng theo sổ", 20),
    ListColumn("Phòng thấy", 20),
    ListColumn("Lần thấy cuối", 17, "datetime"),
    ListColumn("Người thấy", 22),
    ListColumn("Số lần quét", 10, "number"),
    ListColumn("Trong danh sách", 10),
    ListColumn("Quyết định", 22),
]
TAG_LIST = [
    ListColumn("Mã tem", 16),
    ListColumn("Phòng thấy", 20),
    ListColumn("Lần thấy cuối", 17, "datetime"),
    ListColumn("Người quét", 22),
    ListColumn("Số lần quét", 10, "number"),
]


def _asset_row(line: dict[str, Any]) -> tuple[Any, ...]:
    return (
        line["tag"],
        line["name"],
        GROUPS[line["ownership"] or "own"],
        line["unit_of_measure"],
        line["quantity"],
        _counted(line),
        line["original_cost"],
        line["recorded_room"],
        line["seen_room"],
        _local(line["seen_at"]),
        line["seen_by_name"],
        line["sightings"],
        "Có" if line["expected"] else "Không",
        DECISIONS.get(line["decision"] or "", line["decision"]),
    )


def _tag_row(line: dict[str, Any]) -> tuple[Any, ...]:
    return (
        line["tag"],
        line["seen_room"],
        _local(line["seen_at"]),
        line["seen_by_name"],
        line["sightings"],
    )


def sheets(minutes: Minutes) -> list[Sheet]:
    """A summary sheet, then one sheet per outcome (empty lists keep their header row)."""
    summary: list[tuple[str, int]] = [(OUTCOMES[o], minutes.counts.get(o, 0)) for o in OUTCOMES]
    summary.append(("Lần quét đến sau khi khóa sổ", minutes.late_scans))
    for key, label in GROUPS.items():
        g = minutes.groups[key]
        summary += [
            (f"{label}: tìm thấy (tài sản)", g["found"]),
            (f"{label}: tìm thấy (số lượng)", g["found_quantity"]),
            (f"{label}: thiếu (tài sản)", g["missing"]),
            (f"{label}: thiếu (số lượng)", g["missing_quantity"]),
        ]
    result = [Sheet("Tổng hợp", [ListColumn("Mục", 50), ListColumn("Số", 12, "number")], summary)]
    for outcome, label in OUTCOMES.items():
        assets = outcome in ASSET_OUTCOMES
        columns, row = (ASSET_LIST, _asset_row) if assets else (TAG_LIST, _tag_row)
        result.append(Sheet(label, columns, map(row, minutes.of((outcome,)))))
    return result


RESULT_LIST = [ListColumn("Kết quả", 22), *ASSET_LIST]


def result_rows(minutes: Minutes) -> Iterator[tuple[Any, ...]]:
    """Every asset's line of the result, outcome first, in the sheets' order (for CSV,
    which has one table: the tags that are no asset stay in the XLSX's sheets)."""
    for outcome in OUTCOMES:
        if outcome in ASSET_OUTCOMES:
            for line in minutes.of((outcome,)):
                yield (OUTCOMES[outcome], *_asset_row(line))
