"""The handover lists: handovers, and the items of one."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing
from inventory.handovers import queries
from inventory.handovers.schemas import Group, HandoverStatus, ItemKind, Kind, TransferStatus

HANDOVERS = Listing(
    sort_keys={
        "id": ("h.id", "bigint"),
        "decision_date": ("h.decision_date", "date"),
        "due_date": (f"coalesce({queries.DUE}, h.decision_date)", "date"),
    },
    default_sort="-id",
    id_column="h.id",
    filters=(
        Filter("status", "h.status", HandoverStatus),
        Filter("kind", "h.kind", Kind),
        Filter("giving_unit_id", "h.giving_unit_id", int),
        Filter("receiving_unit_id", "h.receiving_unit_id", int),
        Filter("overdue", queries.OVERDUE, bool, "open past its due date (true) or not (false)"),
    ),
)

ITEMS = Listing(
    sort_keys={"id": ("id", "bigint"), "tag": ("coalesce(tag, '')", "text")},
    default_sort="id",
    filters=(
        Filter("transfer_status", "transfer_status", TransferStatus),
        Filter("kind", "kind", ItemKind),
        Filter("form_group", "form_group", Group),
    ),
)
