"""ZPL II for Zebra label printers: one ^XA ... ^XZ format per label.

Positions come from the same layout as the PNG and PDF, computed at the printer's
resolution. The QR is the printer's own ^BQ symbol, in the mode and error-correction level
we chose, with a whole number of dots per module (its magnification). Text is UTF-8
(^CI28); user text goes through ^FH so that ^ and ~ print as characters instead of starting
commands (a ~ command would run even inside field data).
"""

from collections.abc import Iterable

from labels.data import LabelData
from labels.draw import label_lines, symbol_and_layout
from labels.layout import mm_to_px
from labels.qr import ErrorCorrection
from labels.stocks import RollStock, Stock
from labels.text import inset

# Zebra's Unicode font on Link-OS printers ("Swiss 721"); a font with the Vietnamese glyphs
# must be on the printer: pass another name, e.g. a TrueType font downloaded to E:.
DEFAULT_FONT = "E:TT0003M_.FNT"
MAX_MAGNIFICATION = 10  # ^BQ accepts 1 to 10 dots per module
# ^FH turns _XX into the byte XX: the characters that would start a command, and _ itself.
_ESCAPES = {ord(ch): f"_{ord(ch):02X}" for ch in "^~_"}


def escape_field(text: str) -> str:
    """Text for a ^FH^FD field: it can no longer start or end a command."""
    return text.translate(_ESCAPES)


def render_zpl(
    labels: Iterable[LabelData],
    stock: Stock,
    *,
    dpi: int = 203,
    ec: ErrorCorrection = "Q",
    font: str = DEFAULT_FONT,
) -> str:
    """ZPL for `labels` on a `stock`-sized label at `dpi` (203 = 8 dots/mm, 300 = 12)."""
    return "".join(_label_zpl(label, stock, dpi, ec, font) for label in labels)


def _label_zpl(label: LabelData, stock: Stock, dpi: int, ec: ErrorCorrection, font: str) -> str:
    width, height = mm_to_px(stock.label_w_mm, dpi), mm_to_px(stock.label_h_mm, dpi)
    # For its size (version), mode and level, as on the PNG; the printer draws its own.
    symbol, layout = symbol_and_layout(label, (width, height), dpi, ec, MAX_MAGNIFICATION)
    ec = symbol.ec
    out = [
        "^XA",
        "^CI28",
        f"^PW{width}",
        f"^LL{height}",
        "^LH0,0",
        *_media(stock),
        f"^FO{layout.qr_x},{layout.qr_y}^BQN,2,{layout.module_px},{ec}"
        f"^FD{ec}M,{_qr_payload(label.url, symbol.alphanumeric)}^FS",
    ]
    for box, lines in label_lines(label, layout):
        for i, line in enumerate(lines):
            x = box.x + inset(box.size)
            baseline = box.y + i * box.line_height + box.baseline
            out.append(
                f"^FT{x},{baseline}^A@N,{box.size},{box.size},{font}^FH^FD{escape_field(line)}^FS"
            )
    out.append("^XZ")
    return "\n".join(out) + "\n"


def _media(stock: Stock) -> list[str]:
    """Media tracking for rolls: continuous tape (cut by length) or gaps between labels."""
    if not isinstance(stock, RollStock):
        return []
    return ["^MNN" if stock.continuous else "^MNY"]


def _qr_payload(url: str, alphanumeric: bool) -> str:
    """Manual input mode, so the printer encodes in the mode we chose: A = alphanumeric,
    B + 4-digit byte count = bytes. URLs are ours, not user text: refuse what ZPL would read."""
    if any(not " " < ch < "\x7f" or ch in "^~" for ch in url):
        raise ValueError(f"URL {url!r}: only printable ASCII without ^ or ~ can go in ZPL")
    if alphanumeric:
        return f"A{url}"
    return f"B{len(url.encode('ascii')):04d}{url}"
