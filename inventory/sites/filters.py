"""The site list: filters, search and sort keys."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing
from inventory.sites.schemas import Condition, SiteRole, SiteStatus

# Keyset paging compares (key, id) tuples, so nullable columns sort as 0.
SITES = Listing(
    sort_keys={
        "name": ('sort_name COLLATE "C"', "text"),
        "id": ("id", "bigint"),
        "year_built": ("coalesce(year_built, 0)", "integer"),
        "floor_area": ("coalesce(floor_area_m2, 0)", "numeric"),
    },
    default_sort="name",
    filters=(
        Filter("holder_unit_id", "holder_unit_id", int),
        Filter("origin_unit_id", "origin_unit_id", int, "sites that came from this former unit"),
        Filter("status", "status", SiteStatus),
        Filter("condition", "condition", Condition),
        Filter("role", "role", SiteRole),
    ),
    search="search",
    search_text="concat_ws(' ', name, address)",
    search_help="words of the name or address, by prefix, case and diacritics ignored",
)
