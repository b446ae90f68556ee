"""An uploaded asset list as rows of cells: XLSX read with python-calamine, CSV with the
csv module. The type is taken from the content, never from a name or a claimed type."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from python_calamine import CalamineWorkbook

from inventory.errors import Invalid, Problem

MAX_BYTES = 20 * 1024 * 1024
"""An upload's bound: an XLSX of 100,000 assets is about 8 MB, its CSV about 15 MB."""
ZIP = b"PK\x03\x04"


class UnsupportedMedia(Problem):
    status = 415
    default_title = "Unsupported media type"


def kind_of(content: bytes) -> str:
    """ "xlsx" or "csv" from the bytes themselves; 415 for anything else."""
    if content.startswith(ZIP):
        return "xlsx"
    head = content[:4096]
    if b"\x00" in head:
        raise UnsupportedMedia("the file is neither XLSX nor CSV text", field="file")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not a character cut at the end of the sample
            raise UnsupportedMedia("a CSV file must be UTF-8 text", field="file") from None
    return "csv"


def table(content: bytes) -> tuple[int, Iterator[list[Any]]]:
    """How many rows, and the first sheet's rows (XLSX) or the lines (CSV), each a list of
    cells, read as they are taken."""
    if kind_of(content) == "xlsx":
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            sheet = book.get_sheet_by_index(0)
        except Exception as exc:  # calamine's errors are of several types
            raise Invalid(f"the XLSX file cannot be read: {exc}", field="file") from None
        return sheet.height, sheet.iter_rows()
    lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    return lines, _csv_rows(content)


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("a CSV file must be UTF-8 text", field="file") from None
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)
