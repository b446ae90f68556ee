"""The photo list: an asset's photos, newest first."""

from __future__ import annotations

from inventory.db.listing import Listing

PHOTOS = Listing({"id": ("p.id", "bigint")}, "-id", "p.id")
