"""The stocktake lists: stocktakes, their expected assets, their scans and their results."""

from __future__ import annotations

from inventory.assets.schemas import Ownership
from inventory.db.listing import Filter, Listing
from inventory.stocktakes.schemas import Outcome, ScanKind, StocktakeStatus

STOCKTAKES = Listing(
    sort_keys={"id": ("s.id", "bigint"), "opened_at": ("s.opened_at", "timestamptz")},
    default_sort="-id",
    id_column="s.id",
    filters=(
        Filter("unit_id", "s.unit_id", int),
        Filter("site_id", "s.site_id", int),
        Filter("status", "s.status", StocktakeStatus),
    ),
)

# Keyset paging compares (key, id) tuples, so nullable columns sort as '' or 0.
EXPECTED = Listing(
    sort_keys={
        "tag": ("coalesce(tag, '')", "text"),
        "room_id": ("coalesce(room_id, 0)", "bigint"),
        "id": ("asset_id", "bigint"),
    },
    default_sort="tag",
    id_column="asset_id",
    filters=(Filter("room_id", "room_id", int),),
)

SCANS = Listing(
    sort_keys={"received": ("id", "bigint"), "tag": ("tag", "text")},
    default_sort="received",
    filters=(
        Filter("kind", "kind", ScanKind),
        Filter("late", "late", bool),
        Filter("room_id", "room_id", int),
        Filter("asset_id", "asset_id", int),
    ),
)

RESULTS = Listing(
    sort_keys={"id": ("id", "bigint"), "tag": ("coalesce(tag, '')", "text")},
    default_sort="id",
    filters=(
        Filter("outcome", "outcome", Outcome),
        Filter("ownership", "ownership", Ownership, "assets of this ownership group"),
    ),
)
