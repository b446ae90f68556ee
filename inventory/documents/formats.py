"""Numbers and dates the Vietnamese way: 1.234.567 and 03/12/2026."""

from datetime import date, datetime
from decimal import Decimal
from unicodedata import normalize


def number(value: int | Decimal | float | None, places: int = 0) -> str:
    """Dots between thousands, a comma before decimals: 1.234.567 or 1.234,50. None is ""."""
    if value is None:
        return ""
    text = f"{value:,.{places}f}"  # 1,234,567.50
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def money(value: int | Decimal | None) -> str:
    """Đồng have no minor unit in use: whole đồng, rounded half-even as Decimal does."""
    return number(value, 0)


def day(value: date | None) -> str:
    """dd/mm/yyyy, the order every Vietnamese form uses."""
    return "" if value is None else value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    """HH:MM dd/mm/yyyy, in the datetime's own timezone (the caller gives Vietnam's)."""
    return "" if value is None else value.strftime("%H:%M %d/%m/%Y")


def long_day(value: date) -> str:
    """The date line of an administrative document: "ngày 03 tháng 12 năm 2026"."""
    return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"


def nfc(text: str) -> str:
    """Vietnamese letters as one precomposed glyph each (phones may send decomposed text,
    which a font without shaping would draw as a letter and a loose accent)."""
    return normalize("NFC", text)
