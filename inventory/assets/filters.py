"""The asset list filters, shared by every route that selects assets (the list, labels).

Routes take them as one dependency, `filters: Filters`, whose query parameters
OpenAPI documents on each route that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from inventory.assets.schemas import AssetStatus, Ownership
from inventory.db.listing import ListQuery, tsquery
from inventory.sites.schemas import Condition


@dataclass(frozen=True, slots=True)
class AssetFilters:
    holder_unit_id: int | None = None
    site_id: int | None = None
    room_id: int | None = None
    category_id: int | None = None
    status: AssetStatus | None = None
    condition: Condition | None = None
    ownership: Ownership | None = None
    q: str | None = None

    def apply(self, query: ListQuery) -> None:
        """Add a WHERE clause per filter given, over `assets a` (scope is the caller's job)."""
        for column, value in (
            ("a.holder_unit_id", self.holder_unit_id),
            ("a.site_id", self.site_id),
            ("a.room_id", self.room_id),
            ("a.category_id", self.category_id),
        ):
            if value is not None:
                query.add(f"{column} = {{}}", value)
        for column, choice in (
            ("a.status", self.status),
            ("a.condition", self.condition),
            ("a.ownership", self.ownership),
        ):
            if choice is not None:
                query.add(f"{column} = {{}}", choice.value)
        words = tsquery(self.q) if self.q else None
        if words:
            query.add("a.search @@ to_tsquery('simple', {})", words)


def _filters(
    holder_unit_id: FromQuery[int | None] = None,
    site_id: FromQuery[int | None] = None,
    room_id: FromQuery[int | None] = None,
    category_id: FromQuery[int | None] = None,
    status: FromQuery[AssetStatus | None] = None,
    condition: FromQuery[Condition | None] = None,
    ownership: FromQuery[Ownership | None] = None,
    q: Annotated[
        str | None,
        QueryParameter(
            description="words of the name, model, tag or serial (prefixes, diacritics ignored)"
        ),
    ] = None,
) -> AssetFilters:
    return AssetFilters(
        holder_unit_id, site_id, room_id, category_id, status, condition, ownership, q
    )


provide_filters = Provide(_filters, sync_to_thread=False)
Filters = NamedDependency[AssetFilters]
"""Handler parameter type for the filters (with `dependencies={"filters": provide_filters}`)."""
