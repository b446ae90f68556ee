"""Lists as XLSX (xlsxwriter, constant memory) and CSV, with formula injection neutralised.

Memory: xlsxwriter's constant_memory mode writes each row to a temporary file as soon as the
next row starts, and the workbook is zipped into a temporary file that is then read back in
chunks, so a sheet of a million rows never sits in memory. Rows must come in order, one
sheet after the other (the mode's rule).

Formula injection: a text cell whose first character is = + - @, a tab or a carriage return
could run as a formula when opened or edited in a spreadsheet. In XLSX every text value is
written with `write_string` (a shared string, never a formula: `write()`'s guessing is never
used), and such a cell also gets the quotePrefix style, which is what Excel sets when a
user types a leading apostrophe: the cell shows and reads back exactly the text given,
and stays text when edited. CSV has no styles, so there such a text gets a leading
apostrophe character (the OWASP advice); numbers and dates are never prefixed.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Literal

import xlsxwriter

from inventory.documents.formats import nfc

Kind = Literal["text", "number", "money", "date", "datetime"]
RISKY = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
# "#,##0" shows the reader's locale's thousands separator: 1.234.567 on a Vietnamese Excel.
# A format forcing dots ("#\.##0") would need one section per magnitude and break negatives.
NUMBER_FORMATS: dict[Kind, str] = {
    "number": "#,##0",
    "money": "#,##0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}


@dataclass(frozen=True, slots=True)
class Column:
    """A list column: heading, width in characters, and what its values are."""

    title: str
    width: float = 14
    kind: Kind = "text"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A named sheet: its columns and its rows (any iterable, consumed once, in order).
    Datetimes should be in the reader's timezone; XLSX has none, so it is dropped."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def is_risky(text: str) -> bool:
    return text.startswith(RISKY)


def write_xlsx(target: IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Write `sheets` as one workbook to a binary file object (seekable)."""
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    header = book.add_format({"bold": True, "bg_color": "#E6E6E6", "text_wrap": True})
    quoted = book.add_format({"quote_prefix": True})
    formats = {kind: book.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}
    for sheet in sheets:
        page = book.add_worksheet(_sheet_name(sheet.name))
        for col, column in enumerate(sheet.columns):
            page.set_column(col, col, column.width)
            page.write_string(0, col, nfc(column.title), header)
        page.freeze_panes(1, 0)
        r = 0
        for r, values in enumerate(sheet.rows, start=1):
            for col, (column, value) in enumerate(zip(sheet.columns, values, strict=True)):
                if value is None or value == "":
                    continue
                if column.kind == "text":
                    text = nfc(str(value))
                    page.write_string(r, col, text, quoted if is_risky(text) else None)
                elif column.kind in ("date", "datetime"):
                    page.write_datetime(r, col, value, formats[column.kind])
                else:
                    page.write_number(r, col, value, formats[column.kind])
        page.autofilter(0, 0, r, len(sheet.columns) - 1)
    book.close()


def xlsx_file(sheets: Iterable[Sheet]) -> IO[bytes]:
    """The workbook in a temporary file, rewound: build it before answering (in a worker
    thread), so a failure is an error answer and not a cut-off download."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    try:
        write_xlsx(file, sheets)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


def file_chunks(file: IO[bytes], chunk_size: int = CHUNK) -> Iterator[bytes]:
    """A file's content in chunks, closing it at the end."""
    with file:
        while chunk := file.read(chunk_size):
            yield chunk


def xlsx_chunks(sheets: Iterable[Sheet], chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The workbook in chunks, built in a temporary file (for a streamed response)."""
    yield from file_chunks(xlsx_file(sheets), chunk_size)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    return b"".join(xlsx_chunks(sheets))


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in nfc(name)).strip("'")
    return cleaned[:31] or "Sheet"


def csv_cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "text":
        text = nfc(str(value))
        return "'" + text if is_risky(text) else text
    if column.kind == "datetime" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if column.kind == "date" and isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return str(value)
    raise TypeError(f"{column.title}: {type(value).__name__} is not a {column.kind}")


def csv_chunks(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], chunk_size: int = CHUNK
) -> Iterator[bytes]:
    """CSV in UTF-8 with a BOM (so Excel reads Vietnamese letters right), comma-separated,
    numbers with a plain decimal point, dates ISO; yielded in chunks as rows come."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([nfc(column.title) for column in columns])
    for values in rows:
        writer.writerow(
            [csv_cell(column, value) for column, value in zip(columns, values, strict=True)]
        )
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
