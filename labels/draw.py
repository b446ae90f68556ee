"""What is drawn where on one label: the QR from its matrix, the text from cached lines."""

from dataclasses import dataclass, replace

from labels.data import LabelData
from labels.layout import Layout, TextBox, layout_for, mm_to_px
from labels.qr import LEVELS_DOWN, ErrorCorrection, QrSymbol, make_qr, qr_bitmap, qr_version
from labels.raster import Bitmap
from labels.stocks import Stock
from labels.text import clean, fit_lines, inset, line_bitmap, text_width

Placed = tuple[int, int, Bitmap]  # x, y from the label's top-left corner, in pixels


@dataclass(frozen=True, slots=True)
class Artwork:
    """A label's rasters and where they go."""

    qr: Placed
    lines: tuple[Placed, ...]  # from a cache: the same line recurs on many labels

    def placed(self) -> tuple[Placed, ...]:
        return (self.qr, *self.lines)


def label_size_px(stock: Stock, dpi: int) -> tuple[int, int]:
    return mm_to_px(stock.label_w_mm, dpi), mm_to_px(stock.label_h_mm, dpi)


def artwork(label: LabelData, size: tuple[int, int], dpi: int, ec: ErrorCorrection) -> Artwork:
    """The rasters that make up `label` as a `size` pixel label, and where they go."""
    symbol, layout = symbol_and_layout(label, size, dpi, ec)
    lines = []
    for box, texts in label_lines(label, layout):
        for i, text in enumerate(texts):
            bitmap = line_bitmap(text, box.size, box.bold, box.width, box.line_height, box.baseline)
            if bitmap.height:
                lines.append((box.x, box.y + i * box.line_height + bitmap.top, bitmap))
    return Artwork((layout.qr_x, layout.qr_y, qr_bitmap(symbol, layout.module_px)), tuple(lines))


def symbol_and_layout(
    label: LabelData,
    size: tuple[int, int],
    dpi: int,
    ec: ErrorCorrection,
    max_module_px: int | None = None,
) -> tuple[QrSymbol, Layout]:
    """The label's QR symbol and layout.

    `ec` is the error-correction level, except on a compact label (25 mm squares): there
    a symbol a version smaller gets a pixel more per module, which a phone camera needs
    more than the extra correction (docs/labels.md, "Labels for the field"), so it gets the
    highest level, `ec` or lower, that gives the biggest modules.
    """

    def layout(level: ErrorCorrection) -> tuple[int, Layout]:
        version = qr_version(label.url, level)
        modules = 17 + 4 * version
        has_asset, has_room = label.asset_name is not None, label.room is not None
        return version, layout_for(*size, dpi, modules, has_asset, has_room, max_module_px)

    version, chosen = layout(ec)
    if chosen.compact:
        for level in LEVELS_DOWN[LEVELS_DOWN.index(ec) + 1 :]:
            lower_version, lower = layout(level)
            if lower.compact and lower.module_px > chosen.module_px:
                ec, version, chosen = level, lower_version, lower
    return make_qr(label.url, ec, version), chosen  # the one costly step, once per label


def label_lines(label: LabelData, layout: Layout) -> list[tuple[TextBox, tuple[str, ...]]]:
    """The text of each box, cleaned, wrapped and shortened to fit it."""
    tag = clean(label.tag)
    out: list[tuple[TextBox, tuple[str, ...]]] = [(_tag_box(tag, layout.tag), (tag,))]
    for box, text in (
        (layout.unit, label.unit_name),
        (layout.asset, label.asset_name),
        (layout.room, label.room),
    ):
        if box is not None and text:
            usable = box.width - 2 * inset(box.size)
            out.append((box, fit_lines(clean(text), box.size, box.bold, usable, box.max_lines)))
    return out


def _tag_box(tag: str, box: TextBox) -> TextBox:
    """The tag's box: font shrunk if this tag is longer than the one the layout was sized
    for (same baseline, so the line stays in place), text centred if the layout says so."""
    size = box.size
    while size > 1 and text_width(tag, size, True) > box.width - 2 * inset(size):
        scaled = int(size * (box.width - 2 * inset(size)) / text_width(tag, size, True))
        size = max(1, min(size - 1, scaled))
    if box.centred:
        spare = int(box.width - 2 * inset(size) - text_width(tag, size, True)) // 2
        box = replace(box, x=box.x + spare, width=box.width - spare)
    return box if size == box.size else replace(box, size=size)
