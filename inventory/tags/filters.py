"""The batch list: filters and sort keys."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing

BATCHES = Listing(
    sort_keys={"id": ("b.id", "bigint"), "size": ("b.size", "integer")},
    default_sort="-id",
    id_column="b.id",
    filters=(Filter("unit_id", "b.unit_id", int, "batches reserved for this unit"),),
)
