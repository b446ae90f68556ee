"""Text on labels: cleaning what users typed, fitting it to a box, rendering a line to bits.

Lines are set from cached glyphs: each glyph is rasterised by FreeType once per font size
and placed at its advance, and widths are the sums of the same advances, so what is
measured is what is drawn. (Pillow rasterises every glyph on every call, which on a sheet of
unique tags costs more than everything else but the QR.) No kerning: tags and names read
the same without it.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from labels.fonts import load_font
from labels.raster import Bitmap

ELLIPSIS = "…"
# Ink extents that line boxes must hold: stacked Vietnamese diacritics rise above the font's
# ascent (Ẫ reaches 1.06 em, the ascent is 0.93), and ỵ/g/j descend.
_TEXT_TOP, _TEXT_BOTTOM = "ẦẪẴẲỖỸÅ", "gjpqyỵ"
_TAG_PROBE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"  # tags: uppercase letters and digits


def clean(text: str) -> str:
    """One glyph per Vietnamese letter whatever the keyboard sent (NFC), no control or
    format characters (they would print as boxes), whitespace runs made one space."""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # only then is there a C* character or odd space to drop
        text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


def inset(size: int) -> int:
    """White pixels left of a line's first glyph: some glyphs (j) start left of the origin."""
    return max(1, size // 16)


def _ink_box(text: str, size: int, bold: bool) -> tuple[int, int, int, int]:
    """Left, top, right, bottom of the ink of `text`, from its baseline origin."""
    left, top, right, bottom = load_font(size, bold).getbbox(text, anchor="ls")
    return int(left), int(top), int(right), int(bottom)


@lru_cache(maxsize=256)
def line_metrics(size: int, bold: bool, tag: bool = False) -> tuple[int, int]:
    """(pixels above the baseline, pixels below) that any line of this font and size inks."""
    if tag:
        _, top, _, bottom = _ink_box(_TAG_PROBE, size, bold)
        return -top, max(bottom, 0)
    return -_ink_box(_TEXT_TOP, size, bold)[1], _ink_box(_TEXT_BOTTOM, size, bold)[3]


@dataclass(frozen=True, slots=True)
class Glyph:
    advance: float
    width: int  # ink box
    height: int
    dx: int  # ink box's left edge from the pen position
    dy: int  # ink box's top edge from the baseline (negative: above)
    rows: tuple[int, ...]  # one int per row, bit 1 = ink, leftmost pixel most significant


@lru_cache(maxsize=8192)
def glyph(char: str, size: int, bold: bool) -> Glyph:
    font = load_font(size, bold)
    left, top, right, bottom = _ink_box(char, size, bold)
    if right <= left or bottom <= top:
        return Glyph(font.getlength(char), 0, 0, 0, 0, ())
    width, height = right - left, bottom - top
    padded = (width + 7) // 8 * 8
    mask = Image.new("1", (padded, height), 0)
    ImageDraw.Draw(mask).text((-left, -top), char, font=font, fill=255, anchor="ls")
    data, stride = mask.tobytes(), padded // 8
    rows = tuple(
        int.from_bytes(data[at : at + stride], "big") >> (padded - width)
        for at in range(0, len(data), stride)
    )
    return Glyph(font.getlength(char), width, height, left, top, rows)


@lru_cache(maxsize=8192)
def _stacked(char: str, size: int, bold: bool, row_bits: int) -> int:
    """The glyph's rows as one int, a row every `row_bits` bits: shifted into place, it
    lands on a line `row_bits` wide with a single OR."""
    stacked = 0
    for row in glyph(char, size, bold).rows:
        stacked = (stacked << row_bits) | row
    return stacked


@lru_cache(maxsize=256)
def _box_mask(row_bits: int, height: int, width: int) -> int:
    """Bits of the first `width` columns of every row: the box that ink is cut to."""
    row = ((1 << width) - 1) << (row_bits - width)
    mask = 0
    for _ in range(height):
        mask = (mask << row_bits) | row
    return mask


def text_width(text: str, size: int, bold: bool) -> float:
    return sum(glyph(char, size, bold).advance for char in text)


def _longest_prefix(text: str, size: int, bold: bool, width: int, suffix: str = "") -> int:
    """Largest n such that text[:n] (trailing spaces dropped) plus `suffix` fits `width`."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width(text[:mid].rstrip() + suffix, size, bold) <= width:
            low = mid
        else:
            high = mid - 1
    return low


# Left off the end of a shortened line before its "…": a comma or dash there reads as noise.
_BEFORE_ELLIPSIS = " ,;:-–—/(&+"


@lru_cache(maxsize=4096)
def fit_lines(text: str, size: int, bold: bool, width: int, max_lines: int) -> tuple[str, ...]:
    """Wrap `text` at spaces into at most `max_lines` lines of at most `width` pixels, as
    measured with the font. If text remains, the last line ends after its last whole word
    with "…" ("Máy vi tính để…", never "Máy vi tính đ…"). Only a word longer than a whole
    line is cut inside, and then it ends the text with "…" too."""
    lines: list[str] = []
    rest = text
    while rest:
        if text_width(rest, size, bold) <= width:
            lines.append(rest)
            break
        n = _longest_prefix(rest, size, bold, width)
        cut = rest.rfind(" ", 0, n + 1)
        if cut <= 0 or len(lines) == max_lines - 1:
            lines.append(_shortened(rest, size, bold, width))
            break
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return tuple(lines)


def _shortened(text: str, size: int, bold: bool, width: int) -> str:
    """`text`, too long for `width`, cut after its last whole word that leaves room for "…";
    inside the first word only if that word alone is too long."""
    n = _longest_prefix(text, size, bold, width, ELLIPSIS)
    if text[n:].split(" ", 1)[0].strip(_BEFORE_ELLIPSIS):  # inside a word: drop that word
        cut = text.rfind(" ", 0, n)
        if cut > 0 and text[:cut].rstrip(_BEFORE_ELLIPSIS):
            n = cut
    kept = text[:n].rstrip(_BEFORE_ELLIPSIS) or text[:n].rstrip()
    return kept + ELLIPSIS


@lru_cache(maxsize=2048)
def line_bitmap(text: str, size: int, bold: bool, width: int, height: int, baseline: int) -> Bitmap:
    """One line of text in a `width` x `height` box. Ink outside the box is cut off, so
    nothing can overflow onto the QR or a neighbouring label whatever the text.

    The line is one big int, a row every `row_bits` bits; each glyph is ORed in at its
    place, which is far cheaper than asking Pillow to paste it."""
    row_bits = (width + 7) // 8 * 8
    ink = 0
    pen = float(inset(size))
    for char in text:
        g = glyph(char, size, bold)
        x, y = round(pen) + g.dx, baseline + g.dy
        pen += g.advance
        if not g.rows:
            continue
        if x >= 0 and x + g.width <= row_bits and y >= 0 and y + g.height <= height:
            ink |= _stacked(char, size, bold, row_bits) << (
                (height - y - g.height) * row_bits + row_bits - x - g.width
            )
        else:  # partly outside the line: place it row by row, cut to the line
            for i, row in enumerate(g.rows):
                if 0 <= y + i < height:
                    at = row_bits - x - g.width
                    row_ink = row << at if at >= 0 else row >> -at
                    ink |= (row_ink & ((1 << row_bits) - 1)) << ((height - 1 - y - i) * row_bits)
    ink &= _box_mask(row_bits, height, width)
    white = ink ^ ((1 << (row_bits * height)) - 1)
    return Bitmap.trimmed(width, white.to_bytes(row_bits * height // 8, "big"))
