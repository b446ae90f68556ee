"""The notifications list: yours, unread first, newest first."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing
from inventory.notifications.schemas import NoticeKind

NOTIFICATIONS = Listing(
    sort_keys={
        "unread": ("(n.read_at IS NULL)", "boolean"),
        "id": ("n.id", "bigint"),
    },
    default_sort="-unread",
    id_column="n.id",
    filters=(
        Filter("kind", "n.kind", NoticeKind),
        Filter("handover_id", "n.handover_id", int),
        Filter("unread", "(n.read_at IS NULL)", bool, "unread (true) or read (false) only"),
    ),
)
