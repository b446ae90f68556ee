"""Lists: keyset pagination, whitelisted sorting, diacritic-blind search, and the one list
dependency every list route takes.

Each domain declares its lists in `<domain>/filters.py` as a `Listing`; its routes take
the request's choices as one dependency (`listing: Listed`), whose query parameters the
OpenAPI document describes on every route that uses it: each filter, the sort keys as an
enumeration, and the search. Search is the same everywhere: words of the record's
`search` vector, by prefix, case and diacritics ignored ("may tinh" finds "Máy tính").
"""

from __future__ import annotations

import base64
import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, Generic, Literal, TypeVar

import asyncpg
import msgspec
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from inventory.collation import fold
from inventory.db.types import BIGINT_MAX, BIGINT_MIN, BigInt
from inventory.errors import Problem

MAX_LIMIT = 200
_LIMIT_HELP = f"rows per page, 1 to {MAX_LIMIT}"
# A page's size, for a paged route that takes no Listing (the jobs).
Limit = Annotated[int, QueryParameter(description=_LIMIT_HELP, ge=1, le=MAX_LIMIT)]
T = TypeVar("T")


def tsquery(text: str) -> str | None:
    """Words of a search box as a prefix tsquery over folded text ("may tinh" -> may:* & tinh:*)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return " & ".join(f"{w}:*" for w in words) or None


def literal_terms(text: str) -> list[str]:
    """Terms of a search box holding `%` or `_`, folded. The search vector keeps letters and
    digits alone, so these are matched as written in the searched text (by strpos, which
    has no wildcards): "50%" finds "Giảm 50%" and not "500", "%" alone does not find all."""
    return [term for term in fold(text).split() if "%" in term or "_" in term]


@dataclass
class ListQuery:
    """A SELECT being built: WHERE clauses and their parameters, numbered as added."""

    params: list[Any] = field(default_factory=list)
    where: list[str] = field(default_factory=list)

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def add(self, clause: str, *values: Any) -> None:
        """Add a clause whose placeholders are written `{}` in order."""
        self.where.append(clause.format(*(self.param(v) for v in values)))

    def where_sql(self) -> str:
        return " AND ".join(self.where) if self.where else "true"


# A cursor is the last row's sort value (as text) and id.
_Cursor = tuple[str, BigInt]


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(values)).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    """The (sort value, id) a cursor from `paginate` carries; 400 for anything else."""
    try:
        return msgspec.json.decode(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)), type=_Cursor
        )
    except (ValueError, msgspec.DecodeError) as exc:
        raise Problem("the cursor is not one this server gave out", field="cursor") from exc


SortKeys = dict[str, tuple[str, str]]
"""Sort key name -> (SQL expression, SQL type); the only ORDER BY a request can pick."""


def sort_clause(sort: str, keys: SortKeys) -> tuple[str, str, bool]:
    """The SQL expression for a whitelisted sort key ("-name" sorts descending)."""
    descending = sort.startswith("-")
    expression, sql_type = keys.get(sort.removeprefix("-"), (None, ""))
    if expression is None:
        raise Problem(
            f"sort by one of: {', '.join(sorted(keys))} (prefix - for descending)", field="sort"
        )
    return expression, sql_type, descending


def page_sql(
    query: ListQuery,
    select: str,
    sort: str,
    keys: SortKeys,
    cursor: str | None,
    limit: int,
    id_column: str,
) -> str:
    """Finish `select` (which has a `{where}` slot) with keyset paging on (sort key, id).

    The select must return the sort value as its column `sort_key`, so that
    `next_cursor` can be built from the last row.
    """
    expression, sql_type, descending = sort_clause(sort, keys)
    if not 1 <= limit <= MAX_LIMIT:
        raise Problem(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if cursor:
        after_value, after_id = decode_cursor(cursor)
        op = "<" if descending else ">"
        query.add(
            f"({expression}, {id_column}) {op} ({{}}::text::{sql_type}, {{}}::bigint)",
            after_value,
            after_id,
        )
    direction = "DESC" if descending else "ASC"
    return (
        select.format(where=query.where_sql(), sort_key=expression)
        + f" ORDER BY {expression} {direction}, {id_column} {direction}"
        + f" LIMIT {query.param(limit + 1)}"
    )


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def paginate(rows: list[Any], limit: int, convert: Any) -> Page:
    """Turn limit+1 fetched rows into a page and the cursor for the next one."""
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor([str(rows[-1]["sort_key"]), rows[-1]["id"]]) if more else None
    return Page(items=[convert(row) for row in rows], next_cursor=cursor)


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
    search_text: str | None = None  # the text it is made of, for `literal_terms`
    search_help: str = SEARCH_HELP

    def choices(self, **given: Any) -> ListParams:
        """The choices of a request, made in code (the command line, pages, tests)."""
        return ListParams(self, given)

    def provide(self, *, paged: bool = True, sorted_: bool | None = None) -> Provide:
        """The dependency: a function whose signature lists this route's query parameters
        (the filters and search alone, without `paged`: for a selection such as labels;
        with `sorted_` too, the sort without cursor and limit: for an export)."""
        keys = sorted(self.sort_keys)
        sorts = Literal[tuple(k for key in keys for k in (key, f"-{key}"))]  # type: ignore[valid-type]
        parameters = [
            _param(
                f.name,
                f.kind | None,
                None,
                f.description or f"only rows whose {f.name} is this",
                # A number filters an id column: past a bigint, a 400 naming it.
                **({"ge": BIGINT_MIN, "le": BIGINT_MAX} if f.kind is int else {}),
            )
            for f in self.filters
        ]
        if self.search:
            parameters.append(_param("q", str | None, None, self.search_help))
        if paged if sorted_ is None else sorted_:
            parameters.append(
                _param("sort", sorts, self.default_sort, "sort key; prefix - for descending")
            )
        if paged:
            parameters += [
                _param("cursor", str | None, None, "the next_cursor of the previous page"),
                _param("limit", int, 50, _LIMIT_HELP, ge=1, le=MAX_LIMIT),
            ]

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
        q = self.given.get("q") or ""
        words = tsquery(q)
        if self.listing.search and words:
            query.add(f"{self.listing.search} @@ to_tsquery('simple', {{}})", words)
        if self.listing.search_text:
            for term in literal_terms(q):
                query.add(f"strpos(inventory_fold({self.listing.search_text}), {{}}) > 0", term)

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

    def ordered_sql(self, select: str, query: ListQuery) -> str:
        """`select` filtered and sorted as its pages are, every row (for an export read
        through a cursor)."""
        self.apply(query)
        expression, _, descending = sort_clause(
            self.given.get("sort", self.listing.default_sort), self.listing.sort_keys
        )
        direction = "DESC" if descending else "ASC"
        return (
            select.format(where=query.where_sql(), sort_key=expression)
            + f" ORDER BY {expression} {direction}, {self.listing.id_column} {direction}"
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
