"""The unit list: filters, search and sort keys."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing
from inventory.units.schemas import UnitKind

UNITS = Listing(
    sort_keys={
        "code": ("code", "text"),
        "name": ('sort_name COLLATE "C"', "text"),
        "id": ("id", "bigint"),
    },
    default_sort="code",
    filters=(
        Filter("kind", "kind", UnitKind),
        Filter("parent_id", "parent_id", int, "units directly under this one"),
        Filter("merged_into_id", "merged_into_id", int, "former units merged into this one"),
    ),
    search="search",
    search_text="concat_ws(' ', name, code)",
    search_help="words of the name or code, by prefix, case and diacritics ignored",
)
