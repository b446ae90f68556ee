"""The coverage drill-down list: one former unit's uncovered sites and assets."""

from __future__ import annotations

from inventory.compliance.schemas import HeldKind
from inventory.db.listing import Filter, Listing

UNCOVERED = Listing(
    sort_keys={
        "name": ('x.sort_name COLLATE "C"', "text"),
        "original_cost": ("x.original_cost", "bigint"),
    },
    default_sort="name",
    id_column="x.row_id",
    filters=(
        Filter("kind", "x.kind", HeldKind),
        Filter(
            "in_open_handover",
            "(x.open_handover_id IS NOT NULL)",
            bool,
            "listed in an open handover (true) or in none (false)",
        ),
    ),
)
