"""What a row of an asset list means: its header mapped to the asset's fields, each cell
checked, and every problem named by row and column. Pure: no database.

The header is found among the first rows (form 02's table has its title lines above):
the row naming the most known columns, `Tên tài sản` among them. Headings are matched
folded (case and diacritics ignored, a note in brackets such as "(đồng)" left out), so
"Nguyên giá (VNĐ)", "nguyen gia" and "NGUYÊN GIÁ" are one column. Form 02's layout
(STT, Tên tài sản, Đơn vị tính, Số lượng, Nguyên giá, Giá trị còn lại, Ghi chú, grouped
under the headings A, B, C, D and closed by a total row) and the app's own export both
read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from inventory.collation import fold

MAX_PROBLEMS = 1000  # listed in the report; the count says how many there were in all
HEADER_ROWS = 30  # where the header may be

# The asset's field -> the headings that name it (folded, brackets left out).
HEADINGS: dict[str, tuple[str, ...]] = {
    "tag": ("ma tai san", "ma the", "ma tem", "ma qr", "tag"),
    "name": ("ten tai san", "tai san", "ten", "danh muc tai san", "name"),
    "category": ("loai tai san", "loai", "nhom tai san", "category"),
    "model": ("ky hieu model", "ky hieu", "model", "nhan hieu", "quy cach"),
    "serial": ("so hieu serial", "so hieu", "serial", "so serial", "so seri"),
    "unit_of_measure": ("don vi tinh", "dvt", "unit of measure"),
    "quantity": ("so luong", "sl", "quantity"),
    "acquisition_year": ("nam su dung", "nam dua vao su dung", "nam mua", "nam"),
    "original_cost": ("nguyen gia", "original cost"),
    "remaining_value": ("gia tri con lai", "remaining value"),
    "funding_source": ("nguon von", "nguon hinh thanh", "funding source"),
    "condition": ("tinh trang", "hien trang", "condition"),
    "custodian": ("nguoi su dung", "nguoi quan ly", "custodian"),
}
IGNORED = ("stt", "so thu tu", "ghi chu", "ma he thong")  # known, read as nothing
TITLES = {
    "tag": "Mã tài sản",
    "name": "Tên tài sản",
    "category": "Loại tài sản",
    "model": "Ký hiệu, model",
    "serial": "Số hiệu (serial)",
    "unit_of_measure": "Đơn vị tính",
    "quantity": "Số lượng",
    "acquisition_year": "Năm sử dụng",
    "original_cost": "Nguyên giá",
    "remaining_value": "Giá trị còn lại",
    "funding_source": "Nguồn vốn",
    "condition": "Tình trạng",
    "custodian": "Người sử dụng",
}
CONDITIONS = {
    "good": "good",
    "tot": "good",
    "fair": "fair",
    "kha": "fair",
    "binh thuong": "fair",
    "needs repair": "needs_repair",
    "needs_repair": "needs_repair",
    "can sua chua": "needs_repair",
    "hu hong nhe": "needs_repair",
    "broken": "broken",
    "hong": "broken",
    "hu hong": "broken",
    "hu": "broken",
}
# Form 02's group headings ("A. Trụ sở làm việc", "B Xe ô tô", "C - Máy móc, thiết bị").
GROUP = re.compile(r"^([abcd])(?:[.\-):\s]|$)")
TOTALS = ("tong cong", "tong", "cong", "total")
LIMITS = {"name": 200, "model": 100, "serial": 100, "unit_of_measure": 32}
TEXT_LIMIT = 200


@lru_cache(maxsize=4096)
def _heading(text: str) -> str:
    folded = fold(re.sub(r"\([^)]*\)", " ", text))
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def heading(text: Any) -> str:
    """A heading folded for matching: no brackets, no punctuation, single spaces."""
    return _heading(str(text or ""))


# Values repeat down a column (categories, units of measure, sources): folded once each.
_fold = lru_cache(maxsize=65536)(fold)


_BY_HEADING = {alias: name for name, aliases in HEADINGS.items() for alias in aliases}


@dataclass(frozen=True, slots=True)
class Header:
    """Where the header is (its 1-based row) and which column holds which field."""

    row: int
    columns: dict[str, int]  # field -> 0-based column
    titles: dict[str, str]  # field -> the heading as written


def find_header(first_rows: Iterable[tuple[int, list[Any]]]) -> Header | None:
    best: Header | None = None
    for number, cells in first_rows:
        columns: dict[str, int] = {}
        titles: dict[str, str] = {}
        for col, cell in enumerate(cells):
            name = _BY_HEADING.get(heading(cell))
            if name and name not in columns:
                columns[name], titles[name] = col, str(cell).strip()
        if "name" in columns and (best is None or len(columns) > len(best.columns)):
            best = Header(number, columns, titles)
    return best


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str  # the heading as the file writes it
    message: str


@dataclass(slots=True)
class Draft:
    """A row read into an asset's fields (category still a name), or its problems."""

    row: int
    values: dict[str, Any]
    group: str | None
    problems: list[Problem] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _whole(value: Any) -> int | None:
    """A whole number from a number cell or a text (1.234.567, 1,234,567, 1 234 567 đ)."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    text = re.sub(r"(?i)\s|đ|vnđ|vnd|dong|đồng", "", str(value))
    if not text:
        return None
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):  # thousands separators only
        text = re.sub(r"[.,]", "", text)
    elif re.fullmatch(r"-?\d+[.,]0+", text):  # 1234,00
        text = re.split(r"[.,]", text)[0]
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError
    return int(text)


def read_row(
    number: int, cells: list[Any], header: Header, group: str | None, this_year: int
) -> Draft | None:
    """The row as a draft; None for a blank row, a group heading or the total row."""

    width = len(cells)
    # The row's cells by field, an empty one as None: read once, not per lookup.
    cell = {
        name: None if cells[col] == "" else cells[col]
        for name, col in header.columns.items()
        if col < width
    }.get

    name = _text(cell("name"))
    if not name:
        return None
    if len(name) <= 40:  # perhaps a total row or a group heading, not an asset
        short = heading(name)
        if short in TOTALS or (
            GROUP.match(short + " ")
            and not any(
                cell(f) is not None for f in ("quantity", "original_cost", "unit_of_measure")
            )
        ):
            return None
    draft = Draft(number, {"name": name}, group)

    def problem(name: str, message: str) -> None:
        draft.problems.append(Problem(number, header.titles.get(name, TITLES[name]), message))

    for text_field in (
        "tag",
        "category",
        "model",
        "serial",
        "unit_of_measure",
        "funding_source",
        "custodian",
    ):
        value = _text(cell(text_field))
        limit = LIMITS.get(text_field, TEXT_LIMIT)
        if len(value) > limit:
            problem(text_field, f"at most {limit} characters")
        draft.values[text_field] = value
    if len(name) > LIMITS["name"]:
        problem("name", f"at most {LIMITS['name']} characters")
    draft.values["unit_of_measure"] = draft.values["unit_of_measure"] or "cái"
    for number_field, low, high, default in (
        ("quantity", 1, 1_000_000, 1),
        ("acquisition_year", 1800, this_year, None),
        ("original_cost", 0, 10**15, 0),
        ("remaining_value", 0, 10**15, None),
    ):
        raw = cell(number_field)
        if isinstance(raw, datetime | date) and number_field == "acquisition_year":
            raw = raw.year
        try:
            value = None if raw is None else _whole(raw)
        except ValueError:
            problem(number_field, f"not a whole number: {_text(raw)!r}")
            continue
        if value is None:
            value = default
        elif not low <= value <= high:
            problem(number_field, f"must be from {low:,} to {high:,}".replace(",", "."))
        draft.values[number_field] = value
    cost, remaining = draft.values.get("original_cost"), draft.values.get("remaining_value")
    if cost is not None and remaining is not None and remaining > cost:
        problem("remaining_value", "cannot exceed the original cost")
    condition = _text(cell("condition"))
    if condition:
        found = CONDITIONS.get(heading(condition)) or CONDITIONS.get(condition)
        if found is None:
            problem("condition", "one of: tốt, khá, cần sửa chữa, hỏng")
        draft.values["condition"] = found or "good"
    else:
        draft.values["condition"] = "good"
    return draft


def group_of(cells: list[Any], header: Header) -> str | None:
    """The form 02 group a heading row opens (A, B, C or D), if it is one."""
    filled = [c for c in cells if c is not None and c != ""]
    if not filled or len(filled) > 2:
        return None
    texts = [heading(c) for c in filled]
    for text in texts:
        match = GROUP.match(text + " ")
        if match and (len(text) == 1 or len(text.split()) > 1):
            return match.group(1).upper()
    return None


KEY_TEXTS = ("name", "category", "model", "unit_of_measure", "funding_source")
KEY_NUMBERS = ("quantity", "acquisition_year", "original_cost")


def content_digest(values: Mapping[str, Any]) -> str:
    """A row's content, folded (a retyped accent is the same row), as a digest."""
    texts = [_fold(values.get(f) or "") for f in KEY_TEXTS]
    numbers = [str(values.get(f) or "") for f in KEY_NUMBERS]
    return hashlib.sha256("|".join(texts + numbers).encode()).hexdigest()[:32]


def import_key(digest: str, occurrence: int) -> str:
    """The key of a row without tag or serial: its content's digest and which occurrence
    of that content it is in the file (two identical chairs are two assets)."""
    return f"{digest}#{occurrence}"


def match_category(
    given: str, group: str | None, categories: list[Mapping[str, Any]], default: int | None
) -> int | None:
    """The category a row names (by code or name, folded), else the default, else the only
    category of the row's form 02 group."""
    if given:
        want = _fold(given).strip()
        for c in categories:
            if _fold(c["code"]) == want or _fold(c["name"]) == want:
                return c["id"]
        return None
    if default is not None:
        return default
    if group:
        of_group = [c["id"] for c in categories if c["form_group"] == group]
        if len(of_group) == 1:
            return of_group[0]
    return None
