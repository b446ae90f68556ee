"""An import's report: what the file held, what was (or would be) added, every problem."""

from __future__ import annotations

import msgspec


class RowProblem(msgspec.Struct):
    row: int  # the row's number in the sheet or file, 1 for its first line
    column: str  # the heading as the file writes it
    message: str


class ImportReport(msgspec.Struct):
    """`committed` is true when the assets were added; a dry run, or a file with any
    problem, adds nothing."""

    dry_run: bool
    committed: bool
    header_row: int
    columns: dict[str, str]  # the asset's field -> the heading that gave it
    rows: int  # rows read as assets
    added: int  # new assets (or that would be, in a dry run)
    matched: dict[str, int]  # rows already registered, by what matched them: tag, serial, key
    problem_count: int
    problems: list[RowProblem]  # the first 1,000
