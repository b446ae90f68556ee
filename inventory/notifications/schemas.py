"""Notification payloads."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from inventory.db.types import BigInt


class NoticeKind(StrEnum):
    SUBMITTED = "submitted"  # the giver handed the list over
    DISPUTED = "disputed"
    SIGNED = "signed"  # one side signed
    COMPLETED = "completed"  # the second signature
    FLAGGED = "flagged"  # an auditor flagged it
    DUE_SOON = "due_soon"  # due within a few days, still open


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class NotificationRead(msgspec.Struct):
    """One notice: what happened to which handover, with what it named then (`context`:
    decision number, units, the reason or comment, days left); `read_at` null while
    unread; `email_status` null when it is not e-mailed (no address, no SMTP server)."""

    id: int
    kind: NoticeKind
    handover_id: int
    context: dict[str, Any]
    created_at: datetime
    read_at: datetime | None
    email_status: EmailStatus | None


class Unread(msgspec.Struct):
    unread: int


class Marked(msgspec.Struct):
    """How many notices were marked read, and how many stay unread."""

    marked: int
    unread: int


class MarkRead(msgspec.Struct, forbid_unknown_fields=True):
    """Which of your notices to mark read: by id, or every one (`all`)."""

    ids: list[BigInt] = []
    all: bool = False
