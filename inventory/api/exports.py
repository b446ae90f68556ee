"""Lists as files: `GET <list>/export.xlsx` and `/export.csv` with the list's own filters,
search and sort, in the caller's scope, every row.

Coded values (a status, a condition, a kind) are written as words, Vietnamese, or English
with the headings too when `lang=en` is asked (`documents.words`).

Rows come from a server-side cursor in a read-only transaction, a batch at a time, and
go straight into the documents kernel's writer in a worker thread, which keeps them in
a temporary file: a million rows never sit in memory. The file is complete before the
answer starts, so a failure is an error answer and not a cut-off download; it is then
streamed from disk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

import anyio
import anyio.from_thread
import asyncpg
from litestar import Request, get
from litestar.datastructures import State
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery
from litestar.response import Stream

from inventory.accounts.guards import allow
from inventory.accounts.principal import Role
from inventory.db.listing import Listed, Listing, ListParams, ListQuery
from inventory.db.pool import connection
from inventory.documents.words import Lang
from inventory.documents.xlsx import (
    CSV_MEDIA,
    XLSX_MEDIA,
    Column,
    Sheet,
    csv_chunks,
    file_chunks,
    write_xlsx,
)
from inventory.openapi import errors

BATCH = 2000  # rows per fetch from the cursor: a few MB at most


@dataclass(frozen=True, slots=True)
class Export:
    """One list as a file: its SQL (the list's, with `{where}` and `{sort_key}` slots), how
    the caller's scope is added, its columns (Vietnamese headings, and the same in English)
    and how a row becomes their values in a language (coded values as its words)."""

    name: str  # the file's name before the date, and the sheet's
    listing: Listing
    select: str
    scope: Callable[[ListQuery, int], None]
    columns: Sequence[Column]
    english: Sequence[str]
    values: Callable[[asyncpg.Record, Lang], Sequence[Any]]

    def __post_init__(self) -> None:
        if len(self.english) != len(self.columns):
            raise ValueError(f"{self.name}: one English heading per column")

    def columns_in(self, lang: Lang) -> Sequence[Column]:
        if lang == "vi":
            return self.columns
        return [replace(c, title=t) for c, t in zip(self.columns, self.english, strict=True)]


def _rows(
    cursor: asyncpg.connection.cursor.Cursor, export: Export, lang: Lang
) -> Iterator[Sequence[Any]]:
    """The cursor's rows as values, fetched on the event loop from the writer's thread."""
    while batch := anyio.from_thread.run(cursor.fetch, BATCH):
        for row in batch:
            yield export.values(row, lang)


def _write(
    kind: str, target: IO[bytes], name: str, columns: Sequence[Column], rows: Iterator[Any]
) -> None:
    if kind == "xlsx":
        write_xlsx(target, [Sheet(name, columns, rows)])
    else:
        for chunk in csv_chunks(columns, rows):
            target.write(chunk)


async def export_file(
    pool: asyncpg.Pool,
    export: Export,
    listing: ListParams,
    unit_id: int,
    kind: str,
    lang: Lang = "vi",
) -> IO[bytes]:
    """The list in a temporary file, rewound (`kind`: xlsx or csv)."""
    query = ListQuery()
    export.scope(query, unit_id)
    sql = listing.ordered_sql(export.select, query)  # a bad sort key is a 400 here
    file = tempfile.TemporaryFile()  # noqa: SIM115 (streamed, then closed by file_chunks)
    try:
        async with connection(pool) as conn, conn.transaction(readonly=True):
            cursor = await conn.cursor(sql, *query.params)
            rows = _rows(cursor, export, lang)
            columns = export.columns_in(lang)
            await anyio.to_thread.run_sync(_write, kind, file, export.name, columns, rows)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


MEDIA = {"xlsx": XLSX_MEDIA, "csv": CSV_MEDIA}


def _handler(export: Export, kind: str) -> Callable[..., Any]:
    async def handler(
        request: Request, state: State, listing: Listed, lang: FromQuery[Lang] = "vi"
    ) -> Stream:
        # No `conn` (the dependency's would go back to the pool before the stream ends):
        # the export holds a connection of its own while it reads.
        file = await export_file(state.pool, export, listing, request.user.unit_id, kind, lang)
        return Stream(
            file_chunks(file),
            media_type=MEDIA[kind],
            headers={"Content-Disposition": f'attachment; filename="{export.name}.{kind}"'},
        )

    return handler


def export_routes(
    export: Export, roles: Sequence[Role], what: str, path: str = "/export"
) -> list[HTTPRouteHandler]:
    """`{path}.xlsx` and `{path}.csv` for `export`, guarded by `roles` as its list is."""
    dependencies = {"listing": export.listing.provide(paged=False, sorted_=True)}
    handlers = []
    for kind in ("xlsx", "csv"):
        handler = _handler(export, kind)
        handler.__name__ = f"export_{export.name.replace('-', '_')}_{kind}"
        handler.__doc__ = (
            f"{what} as {kind.upper()}: every row the list's filters, search and sort"
            f" select in your scope, Vietnamese headings and words (English with `lang=en`),"
            " money as numbers, dates as dates."
        )
        handlers.append(
            get(
                f"{path}.{kind}",
                guards=[allow(*roles)],
                dependencies=dependencies,
                responses={
                    **errors(),
                    200: ResponseSpec(
                        data_container=bytes,
                        media_type=MEDIA[kind],
                        generate_examples=False,
                        description=f"{what}, sent as an attachment",
                    ),
                },
            )(handler)
        )
    return handlers
