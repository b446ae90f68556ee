"""What a notice says, in Vietnamese first and English second: the e-mail's subject and
body, from the kind and the context the notice kept."""

from __future__ import annotations

from typing import Any

_WHAT = {
    "submitted": ("đã được bên giao gửi", "was submitted by the giving side"),
    "disputed": ("bị khiếu nại", "was disputed"),
    "signed": ("đã được một bên ký", "was signed by one side"),
    "completed": ("đã được hai bên ký, hoàn thành", "was signed by both sides: completed"),
    "flagged": ("bị kiểm tra viên gắn cờ", "was flagged by an auditor"),
    "due_soon": ("sắp đến hạn", "is due soon"),
}
_DETAIL = {
    "disputed": ("Lý do", "Reason"),
    "flagged": ("Nhận xét", "Comment"),
}
SUBJECT_PREFIX = "[Kiểm kê tài sản]"


def subject(kind: str, handover_id: int) -> str:
    vi, en = _WHAT[kind]
    return f"{SUBJECT_PREFIX} Biên bản bàn giao số {handover_id} {vi} / Handover {handover_id} {en}"


def body(kind: str, handover_id: int, context: dict[str, Any], link: str) -> str:
    """Plain text: every value as the notice kept it (no markup to escape)."""
    vi, en = _WHAT[kind]
    giving, receiving = context.get("giving_unit_name", ""), context.get("receiving_unit_name", "")
    decision = context.get("decision_number", "")
    lines = [
        f"Biên bản bàn giao số {handover_id} {vi}.",
        f"Quyết định: {decision}. Bên giao: {giving}. Bên nhận: {receiving}.",
    ]
    english = [
        f"Handover {handover_id} {en}.",
        f"Decision: {decision}. Giving: {giving}. Receiving: {receiving}.",
    ]
    if kind == "due_soon":
        days, due = context.get("days_left"), context.get("due_date", "")
        lines.append(f"Hạn: {due} (còn {days} ngày).")
        english.append(f"Due: {due} ({days} days left).")
    if kind in _DETAIL and context.get("detail"):
        label_vi, label_en = _DETAIL[kind]
        lines.append(f"{label_vi}: {context['detail']}")
        english.append(f"{label_en}: {context['detail']}")
    if kind in ("signed", "completed") and context.get("signer"):
        lines.append(f"Người ký: {context['signer']}")
        english.append(f"Signed by: {context['signer']}")
    return "\n".join([*lines, "", f"Xem / View: {link}", "", *english, ""])
