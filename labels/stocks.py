"""Label stocks as data: named millimetre dimensions, nothing about what is printed.

What goes on a label is decided by layout.py from the label's size alone, so a new stock
is one more entry in STOCKS. Sheet figures follow the manufacturers' templates (Avery's
to within 0.05 mm); margins we chose are centred on the page.
"""

from dataclasses import dataclass

A4_W_MM = 210.0
A4_H_MM = 297.0


@dataclass(frozen=True, slots=True)
class SheetStock:
    """A page of die-cut labels in a grid, for an office printer printing at 100% scale."""

    name: str
    title: str
    label_w_mm: float
    label_h_mm: float
    columns: int
    rows: int
    top_mm: float  # page's top edge to the first row's top edge
    left_mm: float  # page's left edge to the first column's left edge
    pitch_x_mm: float  # left edge to left edge of neighbouring columns
    pitch_y_mm: float  # top edge to top edge of neighbouring rows
    page_w_mm: float = A4_W_MM
    page_h_mm: float = A4_H_MM

    def __post_init__(self) -> None:
        right = self.left_mm + (self.columns - 1) * self.pitch_x_mm + self.label_w_mm
        bottom = self.top_mm + (self.rows - 1) * self.pitch_y_mm + self.label_h_mm
        if (
            self.pitch_x_mm < self.label_w_mm
            or self.pitch_y_mm < self.label_h_mm
            or min(self.left_mm, self.top_mm) < 0
            or right > self.page_w_mm
            or bottom > self.page_h_mm
        ):
            raise ValueError(f"stock {self.name!r}: labels overlap or leave the page")

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def slot_origin_mm(self, slot: int) -> tuple[float, float]:
        """Top-left corner of a label position on the page, counted row by row from 0."""
        row, column = divmod(slot, self.columns)
        return self.left_mm + column * self.pitch_x_mm, self.top_mm + row * self.pitch_y_mm


@dataclass(frozen=True, slots=True)
class RollStock:
    """Labels on a roll for a label printer: one label per print job, no page around it.

    For continuous tape `label_h_mm` is the length we cut, not a die-cut size.
    """

    name: str
    title: str
    label_w_mm: float
    label_h_mm: float
    continuous: bool = False


Stock = SheetStock | RollStock

STOCKS: dict[str, Stock] = {
    stock.name: stock
    for stock in (
        SheetStock(
            name="a4-3x7",
            title="A4, 3 x 7, 63.5 x 38.1 mm (Avery L7160)",
            label_w_mm=63.5,
            label_h_mm=38.1,
            columns=3,
            rows=7,
            top_mm=15.15,
            left_mm=7.21,
            pitch_x_mm=66.04,
            pitch_y_mm=38.1,
        ),
        SheetStock(
            name="a4-3x8",
            title="A4, 3 x 8, 63.5 x 33.9 mm (Avery L7159)",
            label_w_mm=63.5,
            label_h_mm=33.9,
            columns=3,
            rows=8,
            top_mm=12.9,
            left_mm=7.21,
            pitch_x_mm=66.04,
            pitch_y_mm=33.9,
        ),
        SheetStock(
            name="a4-4x10",
            title="A4, 4 x 10, 48.5 x 25.4 mm, no gaps (Avery 3657)",
            label_w_mm=48.5,
            label_h_mm=25.4,
            columns=4,
            rows=10,
            top_mm=21.5,  # (297 - 10 x 25.4) / 2
            left_mm=8.0,  # (210 - 4 x 48.5) / 2
            pitch_x_mm=48.5,
            pitch_y_mm=25.4,
        ),
        SheetStock(
            name="a4-25mm",
            title="A4, 7 x 10 squares, 25 x 25 mm, 3 mm gaps",
            label_w_mm=25.0,
            label_h_mm=25.0,
            columns=7,
            rows=10,
            top_mm=10.0,  # (297 - 10 x 25 - 9 x 3) / 2
            left_mm=8.5,  # (210 - 7 x 25 - 6 x 3) / 2
            pitch_x_mm=28.0,
            pitch_y_mm=28.0,
        ),
        RollStock(
            name="roll-50x30",
            title="Roll, 50 x 30 mm die-cut",
            label_w_mm=50.0,
            label_h_mm=30.0,
        ),
        RollStock(
            name="roll-62",
            title="Roll, 62 mm continuous, cut at 29 mm",
            label_w_mm=62.0,
            label_h_mm=29.0,
            continuous=True,
        ),
    )
}


def get_stock(name: str) -> Stock:
    """The stock registered under `name`; KeyError naming the known ones otherwise."""
    try:
        return STOCKS[name]
    except KeyError:
        raise KeyError(f"unknown label stock {name!r}; known: {', '.join(STOCKS)}") from None
