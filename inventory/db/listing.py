"""Keyset pagination, whitelisted sorting and diacritic-blind search for list routes."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

import msgspec

from inventory.collation import fold
from inventory.errors import Problem

MAX_LIMIT = 200
T = TypeVar("T")


def tsquery(text: str) -> str | None:
    """Words of a search box as a prefix tsquery over folded text ("may tinh" -> may:* & tinh:*)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return " & ".join(f"{w}:*" for w in words) or None


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


# A cursor is the last row's sort value (as text) and id, a bigint.
_Cursor = tuple[str, Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]]


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
