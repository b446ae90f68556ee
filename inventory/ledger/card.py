"""An asset's card (thẻ tài sản cố định) from its row and its history: what the card
prints, in Vietnamese as documents are, read in the caller's scope."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from inventory.assets import queries as assets
from inventory.assets.rules import effective_remaining_value
from inventory.clock import VIETNAM
from inventory.documents.formats import day, money
from inventory.documents.words import word
from inventory.errors import NotFound
from inventory.ledger import queries, rules
from inventory.ledger.schemas import AssetCard, CardChange, CardWear

# The fields a change names, in the card's words.
FIELDS = {
    "name": "Tên",
    "category_name": "Loại",
    "model": "Ký hiệu",
    "serial": "Số hiệu",
    "quantity": "Số lượng",
    "unit_of_measure": "Đơn vị tính",
    "acquisition_year": "Năm đưa vào sử dụng",
    "original_cost": "Nguyên giá",
    "remaining_value": "Giá trị còn lại",
    "funding_source": "Nguồn vốn",
    "condition": "Tình trạng",
    "status": "Trạng thái",
    "ownership": "Sở hữu",
    "custodian": "Người sử dụng",
    "holder_unit_name": "Đơn vị quản lý",
    "site_name": "Cơ sở",
    "room_name": "Phòng",
}
_WORDS = {"condition": "condition_", "status": "status_", "ownership": "ownership_"}


def _value(column: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if column in _WORDS:
        return word(_WORDS[column], str(value))
    if column in ("original_cost", "remaining_value"):
        return f"{money(value)} đ"
    return str(value)


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if not before or not after:
        return ""
    return "; ".join(
        f"{label}: {_value(k, before.get(k))} → {_value(k, after.get(k))}"
        for k, label in FIELDS.items()
        if k in after and before.get(k) != after.get(k)
    )


def _place(row: dict[str, Any] | None) -> str:
    row = row or {}
    return " · ".join(p for p in (row.get("site_name"), row.get("room_name")) if p) or "—"


def _decision(event: asyncpg.Record) -> str:
    if event["handover_id"] is None:
        return ""
    number = event["decision_number"] or f"biên bản {event['handover_id']}"
    when = day(event["decision_date"])
    return f"QĐ {number}" + (f" ngày {when}" if when else "")


def change(event: asyncpg.Record) -> CardChange:
    """One event as the card's line: what happened, in words, and whether it took the
    asset onto or off a holder's books."""
    action, before, after = event["action"], event["before"], event["after"]
    kind = ""
    if action in ("create", "import"):
        how = "nhập từ danh sách" if action == "import" else "đăng ký vào sổ"
        cost = _value("original_cost", (after or {}).get("original_cost"))
        text, kind = f"Ghi tăng: {how}, nguyên giá {cost}", "increase"
    elif action == "handover":
        text = (
            f"Bàn giao từ {event['giving_unit_name'] or '—'} sang"
            f" {event['receiving_unit_name'] or '—'}"
        )
        kind = "transfer"
    elif action == "move":
        text = f"Chuyển chỗ: {_place(before)} → {_place(after)}"
    elif action == "report":
        text = f"Báo hỏng: {_value('condition', (after or {}).get('condition'))}"
        note = (after or {}).get("note")
        text += f". {note}" if note else ""
    elif action == "delete":
        text, kind = "Xóa bản ghi nhập nhầm", "decrease"
    elif action in ("tag", "claim"):
        text = f"Gắn tem {(after or {}).get('tag') or ''}".strip()
    elif action == "seen":
        text = "Được thấy khi kiểm kê"
    elif action == "photo":
        text = "Thêm ảnh"
    else:
        text = _changed(before, after) or action
        status = (after or {}).get("status")
        if status == (before or {}).get("status"):
            text = f"Cập nhật: {text}"
        elif status == "disposed":
            text, kind = f"Thanh lý. {text}", "decrease"
        elif status == "under_repair":
            text = f"Đưa đi sửa chữa. {text}"
        else:
            text = f"Cập nhật: {text}"
    return CardChange(
        at=event["at"].astimezone(VIETNAM),
        action=action,
        text=text,
        actor=event["actor"],
        document=_decision(event),
        kind=kind,
    )


def _basis(changes: list[CardChange]) -> str:
    """What the card follows: the last handover that brought the asset, else its
    registration."""
    for line in reversed(changes):
        if line.action == "handover":
            by = f" theo {line.document}" if line.document else ""
            return f"Căn cứ biên bản giao nhận tài sản{by}, ngày {day(line.at.date())}."
    for line in changes:
        if line.kind == "increase":
            return f"Căn cứ đăng ký tài sản vào sổ ngày {day(line.at.date())}."
    return ""


async def build(
    conn: asyncpg.Connection, asset_id: int, scope_unit_id: int, *, now: datetime | None = None
) -> AssetCard:
    """The card of an asset in the caller's scope (another unit's: 404)."""
    row = await assets.fetch(conn, asset_id, scope_unit_id)
    if row is None:
        raise NotFound(f"no asset {asset_id}")
    unit = await queries.unit(conn, row["holder_unit_id"], scope_unit_id)
    group = await queries.form_group(conn, row["category_id"])
    changes = [change(e) for e in await queries.card_events(conn, asset_id)]
    made = (now or datetime.now(UTC)).astimezone(VIETNAM)
    rate = Decimal(row["wear_rate"])
    remaining, given = effective_remaining_value(
        row["remaining_value"],
        row["original_cost"],
        rate,
        row["acquisition_year"],
        made.year,
    )
    schedule = rules.wear_schedule(row["original_cost"], rate, row["acquisition_year"], made.year)
    decreased = next((c for c in reversed(changes) if c.kind == "decrease"), None)
    return AssetCard(
        number=str(asset_id),
        made_on=made.date(),
        unit_name=unit["name"],
        parent_name=unit["parent_name"],
        asset_id=asset_id,
        tag=row["tag"],
        name=row["name"],
        category_name=row["category_name"],
        form_group=group,
        model=row["model"],
        serial=row["serial"],
        unit_of_measure=row["unit_of_measure"],
        quantity=row["quantity"],
        year_in_use=row["acquisition_year"],
        original_cost=row["original_cost"],
        remaining_value=remaining,
        remaining_value_given=given,
        funding_source=row["funding_source"],
        place=_place(dict(row)),
        custodian=row["custodian"],
        condition=row["condition"],
        status=row["status"],
        basis=_basis(changes),
        wear=[CardWear(w.year, float(rate), w.wear, w.accumulated, w.remaining) for w in schedule],
        changes=changes,
        decreased=(
            f"{decreased.text} ngày {day(decreased.at.date())}"
            + (f" ({decreased.document})" if decreased.document else "")
            if decreased
            else ""
        ),
    )
