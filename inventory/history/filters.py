"""The history lists: one record's events, and the events of a scope."""

from __future__ import annotations

from inventory.db.listing import Filter, Listing

SORT_KEYS = {"id": ("e.id", "bigint")}

OF_RECORD = Listing(SORT_KEYS, "id", "e.id")
"""A record's events, oldest first."""

EVENTS = Listing(
    SORT_KEYS,
    "-id",
    "e.id",
    filters=(
        Filter("entity", "e.entity", str, "what kind of record: asset, site, room, unit, ..."),
        Filter("entity_id", "e.entity_id", int, "the record's id (it may have been deleted)"),
        Filter("unit_id", "e.chain", int, "the unit whose chain holds the events"),
        Filter("actor_id", "e.actor_id", int, "who made the change"),
        Filter("action", "e.action", str, "create, update, delete, tag, claim, ..."),
    ),
)
"""Events of units in your scope, newest first, even of records deleted since."""

OF_RECORD_PAGES = {"listing": OF_RECORD.provide()}
"""The dependencies of a record's history route: `dependencies=OF_RECORD_PAGES`."""
