"""The user list: filters, search and sort keys."""

from __future__ import annotations

from inventory.accounts.principal import Role
from inventory.db.listing import Filter, Listing

USERS = Listing(
    sort_keys={
        "login": ("lower(login)", "text"),
        "name": ('sort_name COLLATE "C"', "text"),
        "id": ("id", "bigint"),
    },
    default_sort="login",
    filters=(Filter("role", "role", Role), Filter("unit_id", "unit_id", int)),
    search="search",
    search_text="concat_ws(' ', login, full_name)",
    search_help="words of the login or full name, by prefix, case and diacritics ignored",
)
