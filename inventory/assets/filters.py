"""The asset list: filters, search and sort keys, shared by every route that selects
assets (the list, labels, exports)."""

from __future__ import annotations

from inventory.assets.schemas import AssetStatus, Ownership
from inventory.db.listing import Filter, Listing
from inventory.sites.schemas import Condition

# Keyset paging compares (key, id) tuples, so nullable columns sort as '' or 0.
ASSETS = Listing(
    sort_keys={
        "name": ('a.sort_name COLLATE "C"', "text"),
        "tag": ("coalesce(a.tag, '')", "text"),
        "id": ("a.id", "bigint"),
        "acquisition_year": ("coalesce(a.acquisition_year, 0)", "integer"),
        "original_cost": ("a.original_cost", "bigint"),
    },
    default_sort="name",
    id_column="a.id",
    filters=(
        Filter("holder_unit_id", "a.holder_unit_id", int),
        Filter("site_id", "a.site_id", int),
        Filter("room_id", "a.room_id", int),
        Filter("category_id", "a.category_id", int),
        Filter("origin_unit_id", "a.origin_unit_id", int, "assets that came from this unit"),
        Filter("status", "a.status", AssetStatus),
        Filter("condition", "a.condition", Condition),
        Filter("ownership", "a.ownership", Ownership),
    ),
    search="a.search",
    search_text="concat_ws(' ', a.name, a.tag, a.serial, a.model)",
    search_help="words of the name, model, tag or serial, by prefix, case and diacritics ignored",
)
