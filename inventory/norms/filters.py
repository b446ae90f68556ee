"""The norm list: filters and sort keys."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing
from inventory.norms.schemas import Kind

NORMS = Listing(
    sort_keys={"code": ("code", "text"), "id": ("id", "bigint")},
    default_sort="code",
    filters=(
        Filter("kind", "kind", Kind, "handover, area, shared_area, room or equipment"),
        Filter("item", "item", str, "equipment item, e.g. printer"),
    ),
)
