"""The request list: by status and unit, sorted by a whitelisted key (titles and units in
Vietnamese order)."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing
from inventory.requests.schemas import RequestStatus

REQUESTS = Listing(
    sort_keys={
        "id": ("r.id", "bigint"),
        "created_at": ("r.created_at", "timestamptz"),
        "title": ('r.sort_name COLLATE "C"', "text"),
        "unit": ('u.sort_name COLLATE "C"', "text"),
    },
    default_sort="-id",
    id_column="r.id",
    filters=(
        Filter("status", "r.status", RequestStatus),
        Filter("unit_id", "r.unit_id", int),
    ),
)
