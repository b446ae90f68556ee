"""The minutes of a handover on form 02/TSC-BBGN, as plain data both documents render.

`build` reads a handover once, in one snapshot, and says everything the minutes print:
the legal basis, date and place, the parties, the item table grouped A/B/C/D with the
subtotals and the total of the API's summary (the same query), the documents handed
over, the responsibilities, the opinions, the signature blocks with the sign-offs made in
the app, and for the footer the content hash (the one `sign` records) and the giving
unit's history chain head. The PDF and the DOCX are drawn from this, and nothing else,
so they cannot say different things.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from inventory.clock import VIETNAM
from inventory.documents.formats import long_day, moment, money, number
from inventory.handovers import queries, rules
from inventory.handovers.schemas import Party, Tally
from inventory.history import queries as history

FORM = "Mẫu số 02/TSC-BBGN"
TITLE = "BIÊN BẢN BÀN GIAO, TIẾP NHẬN TÀI SẢN"
GROUPS = {
    "A": "Trụ sở làm việc, cơ sở hoạt động sự nghiệp",
    "B": "Xe ô tô",
    "C": "Máy móc, thiết bị",
    "D": "Tài sản khác",
}
CONDITIONS = {"good": "Tốt", "fair": "Khá", "needs_repair": "Cần sửa chữa", "broken": "Hỏng"}
TRANSFERS = {
    "listed": "Chưa kiểm nhận",
    "received": "Đã nhận",
    "received_damaged": "Nhận, hư hỏng",
    "missing": "Thiếu",
    "surplus": "Thừa",
}
KINDS = {
    "merger": "sắp xếp, sáp nhập đơn vị hành chính",
    "reallocation": "điều chuyển tài sản",
    "supplementary": "bàn giao bổ sung",
}
COLUMNS = (
    "STT",
    "Tên tài sản",
    "Đơn vị tính",
    "Số lượng",
    "Nguyên giá (đồng)",
    "Giá trị còn lại (đồng)",
    "Hiện trạng",
    "Tình trạng tiếp nhận",
    "Ghi chú",
)
"""Form 02's B.1 columns, with the condition (form 05/TSC-MSTT's) and the receipt added."""


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    name: str
    unit_of_measure: str
    quantity: int
    original_cost: int
    remaining_value: int | None
    condition: str  # in words: as listed, or as found when received damaged
    transfer: str
    notes: str


@dataclass(frozen=True, slots=True)
class Group:
    code: str
    title: str
    rows: list[Row]
    subtotal: Tally


@dataclass(frozen=True, slots=True)
class SignOff:
    """A sign-off made in the app: who, in which position, when (Vietnam's time)."""

    name: str
    position: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Block:
    """A signature block: the side, its representatives, and its sign-off in the app."""

    title: str
    unit: str
    parties: list[Party]
    signed: SignOff | None


@dataclass(frozen=True, slots=True)
class Minutes:
    handover_id: int
    status: str
    legal_basis: list[str]
    place: str
    handover_date: date | None
    giving_unit: str
    receiving_unit: str
    giver_parties: list[Party]
    receiver_parties: list[Party]
    witness: Party | None
    groups: list[Group]
    total: Tally
    documents_handed_over: str
    responsibilities: list[str]
    opinions: str
    notes: str
    receiver: Block
    giver: Block
    witness_block: Block | None
    url: str  # the handover's page, in the QR code
    content_hash: str  # SHA-256 of the content: what a sign-off in the app records
    chain_unit: str
    chain_seq: int
    chain_head: str

    @property
    def rows(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def file_name(self) -> str:
        return f"bien-ban-ban-giao-{self.handover_id}"


def page_url(base_url: str, handover_id: int) -> str:
    """The handover's page, where the QR code of its minutes leads."""
    return f"{base_url.rstrip('/')}/handovers/{handover_id}"


def _sign_off(row: asyncpg.Record, side: str) -> SignOff | None:
    at = row[f"{side}_signed_at"]
    if at is None:
        return None
    return SignOff(
        row[f"{side}_signer_name"], row[f"{side}_signer_position"] or "", at.astimezone(VIETNAM)
    )


def _row(number: int, item: dict[str, Any]) -> Row:
    condition = item["received_condition"] or item["condition"]
    notes = "; ".join(
        part for part in (item["tag"] or "", item["notes"], item["receipt_note"]) if part
    )
    return Row(
        number=number,
        name=item["name"],
        unit_of_measure=item["unit_of_measure"],
        quantity=item["quantity"],
        original_cost=item["original_cost"],
        remaining_value=item["remaining_value"],
        condition=CONDITIONS.get(condition, condition),
        transfer=TRANSFERS.get(item["transfer_status"], item["transfer_status"]),
        notes=notes,
    )


def _legal_basis(row: asyncpg.Record) -> list[str]:
    decision = (
        f"Căn cứ Quyết định số {row['decision_number']} ngày"
        f" {row['decision_date']:%d/%m/%Y} của {row['decision_issuer']} về việc"
        f" {KINDS.get(row['kind'], row['kind'])};"
    )
    basis = [
        "Căn cứ Nghị định số 186/2025/NĐ-CP ngày 01/7/2025 của Chính phủ quy định chi tiết"
        " một số điều của Luật Quản lý, sử dụng tài sản công;",
        decision,
    ]
    if row["corrects_id"] is not None:
        basis.append(f"Bổ sung, điều chỉnh Biên bản bàn giao số {row['corrects_id']};")
    return basis


def _responsibilities(giving: str, receiving: str) -> list[str]:
    return [
        f"Bên giao ({giving}) chịu trách nhiệm về tính chính xác, đầy đủ của danh mục, số"
        " lượng, giá trị tài sản và hồ sơ bàn giao; tài sản thiếu được ghi nhận là thiếu hụt"
        " của bên giao.",
        f"Bên nhận ({receiving}) có trách nhiệm tiếp nhận, hạch toán tăng tài sản, quản lý, sử"
        " dụng tài sản được tiếp nhận theo đúng quy định của pháp luật.",
        "Hai bên thực hiện việc kê khai, đăng nhập thông tin tài sản vào Cơ sở dữ liệu quốc"
        " gia về tài sản công theo quy định.",
    ]


async def read(
    conn: asyncpg.Connection, handover_id: int, scope_unit_id: int, base_url: str
) -> Minutes | None:
    """The minutes of a handover in the scope, read in one snapshot; None outside it."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        row = await queries.get(conn, handover_id, scope_unit_id)
        if row is None:
            return None
        items = [dict(r) for r in await queries.minutes_items(conn, handover_id)]
        summary = rules.summarize(await queries.summary(conn, handover_id))
        seq, head = await history.head(conn, row["giving_unit_id"])
    return build(row, items, summary.by_group, summary.total, base_url, seq, head)


def build(
    row: asyncpg.Record,
    items: list[dict[str, Any]],
    by_group: dict[str, Tally],
    total: Tally,
    base_url: str,
    chain_seq: int,
    chain_head: str,
) -> Minutes:
    """The minutes from the handover's row, its items in id order (as signing hashes them)
    and the summary's tallies."""
    groups, number = [], 0
    for code, title in GROUPS.items():
        rows = []
        for item in items:
            if item["form_group"] == code:
                number += 1
                rows.append(_row(number, item))
        groups.append(Group(code, title, rows, by_group.get(code, Tally())))
    giving, receiving = row["giving_unit_name"], row["receiving_unit_name"]
    giver_parties = msgspec.convert(row["giver_parties"], list[Party])
    receiver_parties = msgspec.convert(row["receiver_parties"], list[Party])
    witness = msgspec.convert(row["witness"], Party | None)
    terms = {k: row[k] for k in rules.TERMS}
    return Minutes(
        handover_id=row["id"],
        status=row["status"],
        legal_basis=_legal_basis(row),
        place=row["place"],
        handover_date=row["handover_date"],
        giving_unit=giving,
        receiving_unit=receiving,
        giver_parties=giver_parties,
        receiver_parties=receiver_parties,
        witness=witness,
        groups=groups,
        total=total,
        documents_handed_over=row["documents_handed_over"],
        responsibilities=_responsibilities(giving, receiving),
        opinions=row["opinions"],
        notes=row["notes"],
        receiver=Block(
            "ĐẠI DIỆN BÊN NHẬN", receiving, receiver_parties, _sign_off(row, rules.RECEIVER)
        ),
        giver=Block("ĐẠI DIỆN BÊN GIAO", giving, giver_parties, _sign_off(row, rules.GIVER)),
        witness_block=(
            Block("ĐẠI DIỆN ĐƠN VỊ CHỨNG KIẾN", "", [witness], None) if witness else None
        ),
        url=page_url(base_url, row["id"]),
        content_hash=rules.minutes_hash(terms, items),
        chain_unit=giving,
        chain_seq=chain_seq,
        chain_head=chain_head,
    )


# --- The sentences and cells both documents print, from the data above ---


def opening(minutes: Minutes) -> str:
    when = (
        long_day(minutes.handover_date) if minutes.handover_date else "ngày ... tháng ... năm ..."
    )
    where = minutes.place or "..."
    return f"Hôm nay, {when}, tại {where}, chúng tôi gồm:"


def _people(parties: list[Party]) -> list[str]:
    if not parties:
        return ["   - Ông (Bà): ............................ Chức vụ: ....................."]
    return [
        f"   - Ông (Bà): {p.name}" + (f"; chức vụ: {p.position}" if p.position else "")
        for p in parties
    ]


def party_lines(minutes: Minutes) -> list[str]:
    """Part A: each side's unit and representatives, then the witness."""
    lines = [f"1. Đại diện bên giao: {minutes.giving_unit}", *_people(minutes.giver_parties)]
    lines += [f"2. Đại diện bên nhận: {minutes.receiving_unit}", *_people(minutes.receiver_parties)]
    if minutes.witness is not None:
        lines += ["3. Đại diện đơn vị chứng kiến:", *_people([minutes.witness])]
    return lines


def item_cells(row: Row) -> list[str]:
    return [
        str(row.number),
        row.name,
        row.unit_of_measure,
        number(row.quantity),
        money(row.original_cost),
        money(row.remaining_value),
        row.condition,
        row.transfer,
        row.notes,
    ]


def _sum_cells(label: str, tally: Tally) -> list[str]:
    return [
        "",
        label,
        "",
        number(tally.quantity),
        money(tally.original_cost),
        money(tally.remaining_value),
        "",
        "",
        f"{number(tally.items)} mục",
    ]


def subtotal_cells(group: Group) -> list[str]:
    return _sum_cells(f"Cộng nhóm {group.code}", group.subtotal)


def total_cells(total: Tally) -> list[str]:
    return _sum_cells("TỔNG CỘNG", total)


def closing() -> str:
    return "Biên bản được lập thành 04 bản có giá trị pháp lý như nhau, mỗi bên giữ 02 bản."


def sign_off(block: Block) -> str:
    """The line under a signature block saying the side signed off in the app."""
    if block.signed is None:
        return ""
    who = block.signed.name + (f", {block.signed.position}" if block.signed.position else "")
    return f"Đã xác nhận trên hệ thống: {who}, lúc {moment(block.signed.at)}"


def footer_lines(minutes: Minutes) -> list[str]:
    """What every page's foot says besides its number: the content hash both sign-offs
    record, and the giving unit's history chain head when the minutes were made."""
    return [
        f"BB số {minutes.handover_id} · Mã nội dung SHA-256: {minutes.content_hash}",
        f"Lịch sử {minutes.chain_unit}, sự kiện #{minutes.chain_seq}:"
        f" {minutes.chain_head or '(trống)'}",
    ]
