"""The room list: filters, search and sort keys."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing
from inventory.rooms.schemas import RoomPurpose

# Keyset paging compares (key, id) tuples, so nullable columns sort as 0.
ROOMS = Listing(
    sort_keys={
        "name": ('r.sort_name COLLATE "C"', "text"),
        "id": ("r.id", "bigint"),
        "floor": ("coalesce(r.floor, 0)", "integer"),
        "area": ("coalesce(r.area_m2, 0)", "numeric"),
    },
    default_sort="name",
    id_column="r.id",
    filters=(
        Filter("site_id", "r.site_id", int),
        Filter("holder_unit_id", "s.holder_unit_id", int, "rooms of the sites this unit holds"),
        Filter("purpose", "r.purpose", RoomPurpose),
    ),
    search="r.search",
    search_text="r.name",
    search_help="words of the name, by prefix, case and diacritics ignored",
)
