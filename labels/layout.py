"""Where things go on a label, in device pixels, from the label's size alone.

Kept apart from the stocks: a layout adapts to any label size. A label wide enough for a
text column gets the QR on the left, as tall as the label allows, and the text on the right:
tag in large bold print, unit, asset name (up to 2 lines), room. A label too narrow for that
(25 x 25 mm) gets a centred QR with only the tag below it.
"""

from dataclasses import dataclass
from functools import lru_cache

from labels.text import inset, line_metrics, text_width

QUIET_MODULES = 4  # ISO/IEC 18004 quiet zone
QUIET_MODULES_COMPACT = 2  # small labels: readers cope with 2 (the tests decode it)
EDGE_MM = 1.0  # no ink closer to a label's edge: die-cut and paper-feed tolerance
MIN_MODULE_MM = 0.25  # smaller modules defeat phone cameras
MIN_TEXT_COLUMN_MM = 14.0  # narrower than this, the text column is dropped
MIN_TAG_MM = 1.5  # height of the tag line under the QR on a compact label (about 6 pt)
# Tags are sized for this: 10 characters, letters as wide as N. Wider ones (M, W, longer
# tags) get a slightly smaller font rather than overflowing.
TAG_SAMPLE = "00-NNNNNNN"


def mm_to_px(mm: float, dpi: int) -> int:
    return round(mm * dpi / 25.4)


@dataclass(frozen=True, slots=True)
class TextBox:
    """Up to `max_lines` lines of one font, each `line_height` pixels tall."""

    x: int
    y: int
    width: int
    size: int  # font size in pixels per em
    bold: bool
    line_height: int
    baseline: int  # a line's top to its baseline
    max_lines: int = 1
    centred: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    module_px: int
    quiet_modules: int
    qr_x: int  # top-left of the symbol itself; the quiet zone lies around it
    qr_y: int
    tag: TextBox
    unit: TextBox | None = None
    asset: TextBox | None = None
    room: TextBox | None = None

    @property
    def compact(self) -> bool:
        """The QR alone with the tag under it: no text column."""
        return self.unit is None


@lru_cache(maxsize=256)
def layout_for(
    width: int,
    height: int,
    dpi: int,
    modules: int,
    has_asset: bool = True,
    has_room: bool = True,
    max_module_px: int | None = None,
) -> Layout:
    """Layout of a `width` x `height` pixel label for a QR symbol `modules` wide."""
    module_px = height // (modules + 2 * QUIET_MODULES)
    if max_module_px:
        module_px = min(module_px, max_module_px)
    margin = (height - modules * module_px) // 2
    text_x = margin + (modules + QUIET_MODULES) * module_px
    edge = mm_to_px(EDGE_MM, dpi)
    if width - edge - text_x < mm_to_px(MIN_TEXT_COLUMN_MM, dpi):
        return _compact(width, height, dpi, modules, max_module_px)
    _check_module(module_px, dpi)

    column_w = width - edge - text_x
    # About 20 characters a line, at most 8 pt, at least 5 pt.
    small = max(min(column_w // 11, mm_to_px(2.8, dpi)), mm_to_px(1.8, dpi))
    tag_size = min(2 * small, _largest_tag_size(column_w))
    groups = [("tag", 1), ("unit", 1)]
    groups += [("asset", 2)] if has_asset else []
    groups += [("room", 1)] if has_room else []
    column_h = height - 2 * edge
    # Shrink the text until the column holds it (never needed on our stocks).
    while not (boxes := _stack(groups, text_x, column_w, small, tag_size, column_h, edge)):
        if small == 1:
            return _compact(width, height, dpi, modules, max_module_px)
        small, tag_size = small - 1, max(tag_size - 2, 1)
    return Layout(width, height, module_px, QUIET_MODULES, margin, margin, **boxes)


def _stack(
    groups: list[tuple[str, int]],
    x: int,
    width: int,
    small: int,
    tag_size: int,
    column_h: int,
    top: int,
) -> dict[str, TextBox]:
    """Text boxes stacked and centred in the column; empty if they do not fit."""
    above, below = line_metrics(tag_size, True, tag=True)
    text_above, text_below = line_metrics(small, False)
    leading = max(1, small // 10)
    heights = {"tag": (above + below, above)}
    text_line = (text_above + text_below + leading, text_above)
    heights |= dict.fromkeys(("unit", "asset", "room"), text_line)
    gap = max(1, small // 4)
    total = sum(heights[name][0] * lines for name, lines in groups) + gap * (len(groups) - 1)
    if total > column_h:
        return {}
    y = top + (column_h - total) // 2
    boxes = {}
    for name, lines in groups:
        line_height, baseline = heights[name]
        size, bold = (tag_size, True) if name == "tag" else (small, False)
        boxes[name] = TextBox(x, y, width, size, bold, line_height, baseline, lines)
        y += line_height * lines + gap
    return boxes


def _compact(width: int, height: int, dpi: int, modules: int, max_module_px: int | None) -> Layout:
    """QR centred at the top in its quiet zone, the tag alone underneath, the tag's ink at
    least EDGE_MM from the label's edges (the quiet zone may reach them: it is white)."""
    quiet = QUIET_MODULES_COMPACT
    edge = mm_to_px(EDGE_MM, dpi)
    span = modules + 2 * quiet
    module_px = min(width // span, (height - mm_to_px(MIN_TAG_MM, dpi) - edge) // span)
    if max_module_px:
        module_px = min(module_px, max_module_px)
    _check_module(module_px, dpi)
    tag_w = width - 2 * edge
    size = _largest_tag_size(tag_w)
    room = height - edge - span * module_px  # under the quiet zone, above the edge
    while size > 1 and sum(line_metrics(size, True, tag=True)) > room:
        size -= 1
    above, below = line_metrics(size, True, tag=True)
    spare = (room - above - below) // 2  # shared by the quiet zone above and the gap below
    qr_x = (width - modules * module_px) // 2
    qr_y = quiet * module_px + spare
    tag_y = qr_y + (modules + quiet) * module_px + spare
    tag = TextBox(edge, tag_y, tag_w, size, True, above + below, above, centred=True)
    return Layout(width, height, module_px, quiet, qr_x, qr_y, tag)


def _largest_tag_size(width: int) -> int:
    """Bold size at which TAG_SAMPLE, plus the line's inset, fits `width` pixels."""
    size = max(1, int(width / text_width(TAG_SAMPLE, 100, True) * 100))
    while size > 1 and text_width(TAG_SAMPLE, size, True) + 2 * inset(size) > width:
        size -= 1
    return size


def _check_module(module_px: int, dpi: int) -> None:
    if module_px < max(1, mm_to_px(MIN_MODULE_MM, dpi)):
        raise ValueError("the URL needs a QR code too dense for this label; use a shorter URL")
