"""What is drawn where on one label: the QR from its matrix, the text from cached lines."""

from dataclasses import dataclass, replace

from labels.data import LabelData
from labels.layout import Layout, TextBox, layout_for, mm_to_px
from labels.qr import ErrorCorrection, make_qr, qr_bitmap
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
    symbol = make_qr(label.url, ec)  # the one costly step, once per label
    layout = layout_for(
        size[0], size[1], dpi, symbol.size, label.asset_name is not None, label.room is not None
    )
    lines = []
    for box, texts in label_lines(label, layout):
        for i, text in enumerate(texts):
            bitmap = line_bitmap(text, box.size, box.bold, box.width, box.line_height, box.baseline)
            if bitmap.height:
                lines.append((box.x, box.y + i * box.line_height + bitmap.top, bitmap))
    return Artwork((layout.qr_x, layout.qr_y, qr_bitmap(symbol, layout.module_px)), tuple(lines))


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
