"""An import from start to end, for the job and the command line alike.

One transaction through the write step: the rows are read and checked, COPYed into a
temporary table a batch at a time as they come, matched against the register (by tag,
serial or import key), and the new ones inserted with their tags (COPYed beside them a
batch at a time) in one statement, with one history event each, which the write step reads
back from SQL and appends a chunk at a time (`record_query`). A dry run, or any problem,
rolls everything back: nothing is half-imported. The file is read once; at most a batch of
rows is held besides the keys.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain, islice
from typing import Any

import asyncpg

from inventory.accounts.principal import Principal
from inventory.clock import this_year
from inventory.errors import Invalid
from inventory.history.write import Write
from inventory.imports import queries, reader, rules
from inventory.imports.schemas import ImportReport, RowProblem
from inventory.tags import queries as tags

BATCH = 5000
ENTITY = "asset"

Progress = Callable[[int, int | None], None]


class _RollBack(Exception):
    """Leaves the write step without committing (a dry run, or problems)."""


class _Rows:
    """The checks that span rows: a tag or serial twice in the file, identical rows."""

    def __init__(self) -> None:
        self.tags: dict[str, int] = {}
        self.serials: dict[str, int] = {}
        self.contents: dict[str, int] = {}

    def check(self, draft: rules.Draft, header: rules.Header) -> str:
        values = draft.values
        for name, seen in (("tag", self.tags), ("serial", self.serials)):
            value = values[name]
            if value and value in seen:
                title = header.titles.get(name, rules.TITLES[name])
                draft.problems.append(
                    rules.Problem(draft.row, title, f"the same as row {seen[value]}")
                )
            elif value:
                seen[value] = draft.row
        digest = rules.content_digest(values)
        occurrence = 0
        if not values["tag"] and not values["serial"]:
            occurrence = self.contents.get(digest, 0)
            self.contents[digest] = occurrence + 1
        return rules.import_key(digest, occurrence)


async def run_import(
    conn: asyncpg.Connection,
    principal: Principal | None,
    scope_unit_id: int,
    unit_id: int,
    content: bytes,
    *,
    dry_run: bool,
    prefix: str,
    category_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `content` (CSV or XLSX) as assets held by `unit_id`, within the scope of
    `scope_unit_id`; the report. Raises Invalid when the file has no recognisable header."""
    report = progress or (lambda done, total: None)
    total, table = reader.table(content)
    lines = enumerate(table, start=1)
    first = list(islice(lines, rules.HEADER_ROWS))
    header = rules.find_header(first)
    if header is None:
        raise Invalid(
            "no header row with the asset's name (Tên tài sản) in the first"
            f" {rules.HEADER_ROWS} rows",
            field="file",
        )
    problems: list[RowProblem] = []
    count = 0
    found: dict[str, int] = {}
    added = 0

    def note(problem: rules.Problem) -> None:
        nonlocal count
        count += 1
        if len(problems) < rules.MAX_PROBLEMS:
            problems.append(RowProblem(problem.row, problem.column, problem.message))

    read = 0
    try:
        async with Write(conn, principal) as write:
            await queries.lock_unit(conn, unit_id)
            categories = [dict(c) for c in await queries.categories(conn)]
            await queries.create_rows(conn)
            rows = _Rows()
            batch: list[tuple[Any, ...]] = []
            group: str | None = None
            year = this_year()
            after_header = (item for item in first if item[0] > header.row)
            for number, cells in chain(after_header, lines):
                opened = rules.group_of(cells, header)
                if opened:
                    group = opened
                    continue
                draft = rules.read_row(number, cells, header, group, year)
                if number % 1000 == 0:
                    report(number, total)
                if draft is None:
                    continue
                read += 1
                key = rows.check(draft, header)
                category = rules.match_category(
                    draft.values["category"], group, categories, category_id
                )
                if category is None:
                    title = header.titles.get("category", rules.TITLES["category"])
                    draft.problems.append(
                        rules.Problem(
                            number,
                            title,
                            f"no category {draft.values['category']!r}"
                            if draft.values["category"]
                            else "give the category (Loại tài sản) or a default category",
                        )
                    )
                for problem in draft.problems:
                    note(problem)
                if count:
                    continue  # nothing more is loaded once the file is known to fail
                v = draft.values
                batch.append(
                    (
                        number,
                        v["tag"],
                        v["serial"],
                        key,
                        v["name"],
                        category,
                        v["model"],
                        v["unit_of_measure"],
                        v["quantity"],
                        v["acquisition_year"],
                        v["original_cost"],
                        v["remaining_value"],
                        v["funding_source"],
                        v["condition"],
                        v["custodian"],
                    )
                )
                if len(batch) >= BATCH:
                    await queries.copy_rows(conn, batch)
                    batch.clear()
            if batch and not count:
                await queries.copy_rows(conn, batch)
            if not count:
                await queries.match(conn, unit_id, scope_unit_id)
                title = header.titles.get("tag", rules.TITLES["tag"])
                for row in await queries.unknown_tags(conn):
                    note(
                        rules.Problem(
                            row["row_no"],
                            title,
                            f"no asset of your scope has tag {row['tag']}: leave it empty"
                            " to issue one",
                        )
                    )
            if not count:
                found = await queries.counts(conn)
                added = found.pop("new", 0)
            if count or dry_run or not added:
                raise _RollBack
            await queries.create_tags(conn)
            last = 0
            while new := await queries.new_rows(conn, last, BATCH):
                codes = await tags.issue(conn, len(new), prefix)
                await queries.copy_tags(
                    conn, list(zip(new, (code for _, code in codes), strict=True))
                )
                last = new[-1]
            await queries.insert(conn, unit_id)
            write.record_query(ENTITY, "import", queries.ADDED, unit_id=unit_id)
        committed = True
    except _RollBack:
        committed = False
    report(total, total)
    return ImportReport(
        dry_run=dry_run,
        committed=committed,
        header_row=header.row,
        columns=dict(header.titles),
        rows=read,
        added=0 if count else added,
        matched=found,
        problem_count=count,
        problems=problems,
    )
