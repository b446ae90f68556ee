"""`inventory import FILE --unit CODE [--dry-run] [--category CODE]`: the same import as the
API's job, run here with the database itself (not scoped: whoever runs it has the
database), its progress drawn as `inventory jobs wait` draws a job's."""

from __future__ import annotations

import sys
from pathlib import Path

from inventory.console import Failure, ProgressBar
from inventory.db.pool import connect
from inventory.errors import Problem
from inventory.imports.run import run_import
from inventory.imports.schemas import ImportReport

SHOWN = 50  # problems printed; the report counts them all


def read_file(file: Path) -> bytes:
    if not file.is_file():
        raise Failure(f"{file}: no such file")
    return file.read_bytes()


async def import_file(
    url: str,
    file: Path,
    content: bytes,
    unit_code: str,
    prefix: str,
    *,
    dry_run: bool,
    category: str | None,
) -> ImportReport:
    conn = await connect(url)
    try:
        unit_id = await conn.fetchval("SELECT id FROM units WHERE code = $1", unit_code)
        if unit_id is None:
            raise Failure(f"no unit with code {unit_code}")
        category_id = None
        if category is not None:
            category_id = await conn.fetchval("SELECT id FROM categories WHERE code = $1", category)
            if category_id is None:
                raise Failure(f"no category with code {category}")
        bar = ProgressBar(sys.stderr)
        try:
            report = await run_import(
                conn,
                None,
                unit_id,
                unit_id,
                content,
                dry_run=dry_run,
                prefix=prefix,
                category_id=category_id,
                progress=lambda done, total: bar(done, total) if total else None,
            )
        except Problem as exc:
            raise Failure(f"{file}: {exc.detail}") from None
    finally:
        await conn.close()
    return report


def show(report: ImportReport) -> str:
    """The report as lines: the outcome, then the problems by row and column."""
    matched = ", ".join(f"{n} by {how}" for how, n in sorted(report.matched.items())) or "none"
    if report.problem_count:
        outcome = f"nothing imported: {report.problem_count} problems"
    elif report.dry_run:
        outcome = f"dry run: {report.added} assets would be added"
    else:
        outcome = f"{report.added} assets added"
    lines = [
        f"{report.rows} rows read (header on row {report.header_row}); {outcome};"
        f" already registered: {matched}"
    ]
    lines += [f"row {p.row}, {p.column}: {p.message}" for p in report.problems[:SHOWN]]
    if report.problem_count > SHOWN:
        lines.append(f"... and {report.problem_count - SHOWN} more")
    return "\n".join(lines)
