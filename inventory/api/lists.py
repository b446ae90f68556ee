"""The one list dependency: filters, search, a whitelisted sort, cursor and limit.

Each domain declares its lists in `<domain>/filters.py` as a `Listing`; its routes take
the request's choices as one dependency (`listing: Listed`), whose query parameters the
OpenAPI document describes on every route that uses it: each filter, the sort keys as an
enumeration, and the search. Search is the same everywhere: words of the record's
`search` vector, by prefix, case and diacritics ignored ("may tinh" finds "Máy tính").
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal

import asyncpg
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from inventory.db.listing import MAX_LIMIT, ListQuery, Page, SortKeys, page_sql, paginate, tsquery

SEARCH_HELP = (
    "words of the name (and code, address, tag, serial, model where it has them),"
    " by prefix, case and diacritics ignored"
)


@dataclass(frozen=True, slots=True)
class Filter:
    """A query parameter that keeps rows whose `column` equals it."""

    name: str
    column: str
    kind: type = int
    description: str = ""

    def value(self, given: Any) -> Any:
        return given.value if isinstance(given, Enum) else given


@dataclass(frozen=True, slots=True)
class Listing:
    """What one list route offers: its filters, its search vector, its sort keys."""

    sort_keys: SortKeys
    default_sort: str
    id_column: str = "id"
    filters: Sequence[Filter] = ()
    search: str | None = None  # the tsvector column searched by `q`
    search_help: str = SEARCH_HELP

    def choices(self, **given: Any) -> ListParams:
        """The choices of a request, made in code (the command line, pages, tests)."""
        return ListParams(self, given)

    def provide(self, *, paged: bool = True) -> Provide:
        """The dependency: a function whose signature lists this route's query parameters
        (the filters and search alone, without `paged`: for a selection such as labels)."""
        keys = sorted(self.sort_keys)
        sorts = Literal[tuple(k for key in keys for k in (key, f"-{key}"))]  # type: ignore[valid-type]
        parameters = [
            _param(
                f.name, f.kind | None, None, f.description or f"only rows whose {f.name} is this"
            )
            for f in self.filters
        ]
        if self.search:
            parameters.append(_param("q", str | None, None, self.search_help))
        parameters += (
            []
            if not paged
            else [
                _param("sort", sorts, self.default_sort, "sort key; prefix - for descending"),
                _param("cursor", str | None, None, "the next_cursor of the previous page"),
                _param("limit", int, 50, f"rows per page, 1 to {MAX_LIMIT}", ge=1, le=MAX_LIMIT),
            ]
        )

        def listing(**given: Any) -> ListParams:
            return ListParams(self, given)

        listing.__signature__ = inspect.Signature(parameters, return_annotation=ListParams)  # type: ignore[attr-defined]
        listing.__annotations__ = {p.name: p.annotation for p in parameters} | {
            "return": ListParams
        }
        return Provide(listing, sync_to_thread=False)


def _param(
    name: str, kind: Any, default: Any, description: str, **bounds: int
) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[kind, QueryParameter(description=description, **bounds)],
    )


@dataclass(slots=True)
class ListParams:
    """A request's filters, search, sort, cursor and limit for one `Listing`."""

    listing: Listing
    given: dict[str, Any]

    @property
    def limit(self) -> int:
        return self.given.get("limit", 50)

    def apply(self, query: ListQuery) -> None:
        """Add a WHERE clause per filter given, and the search (scope is the caller's job)."""
        for f in self.listing.filters:
            value = self.given.get(f.name)
            if value is not None:
                query.add(f"{f.column} = {{}}", f.value(value))
        words = tsquery(self.given.get("q") or "")
        if self.listing.search and words:
            query.add(f"{self.listing.search} @@ to_tsquery('simple', {{}})", words)

    def sql(self, select: str, query: ListQuery) -> str:
        """`select` (with `{where}` and `{sort_key}` slots) filtered, sorted and paged."""
        self.apply(query)
        return page_sql(
            query,
            select,
            self.given.get("sort", self.listing.default_sort),
            self.listing.sort_keys,
            self.given.get("cursor"),
            self.limit,
            self.listing.id_column,
        )

    async def page(
        self,
        conn: asyncpg.Connection,
        select: str,
        query: ListQuery,
        read: Callable[[asyncpg.Record], Any],
    ) -> Page:
        """One page of `select` as `read` makes each row, and the cursor for the next."""
        rows = await conn.fetch(self.sql(select, query), *query.params)
        return paginate(rows, self.limit, read)


Listed = NamedDependency[ListParams]
"""Handler parameter type for a list's choices: `listing: Listed`, with the router's
`dependencies={"listing": LISTING.provide()}`."""
