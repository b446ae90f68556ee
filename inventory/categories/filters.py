"""The category list: filters, search and sort keys."""

from __future__ import annotations

from inventory.categories.schemas import FormGroup
from inventory.db.listing import Filter, Listing

CATEGORIES = Listing(
    sort_keys={
        "code": ("code", "text"),
        "name": ('sort_name COLLATE "C"', "text"),
        "id": ("id", "bigint"),
    },
    default_sort="code",
    filters=(Filter("form_group", "form_group", FormGroup, "form 02 group: A, B, C or D"),),
    search="search",
    search_text="concat_ws(' ', name, code)",
    search_help="words of the name or code, by prefix, case and diacritics ignored",
)
