"""Stocks are data: named, on the page, and pickled to worker processes intact."""

import pickle

import pytest

from labels import STOCKS, RollStock, SheetStock, get_stock

A4 = (210.0, 297.0)


def test_registry_names() -> None:
    assert set(STOCKS) == {"a4-3x7", "a4-3x8", "a4-4x10", "a4-25mm", "roll-50x30", "roll-62"}
    assert get_stock("a4-3x7") is STOCKS["a4-3x7"]
    with pytest.raises(KeyError, match="a4-3x7"):
        get_stock("letter-2x5")


@pytest.mark.parametrize(
    ("name", "size", "grid"),
    [
        ("a4-3x7", (63.5, 38.1), (3, 7)),
        ("a4-3x8", (63.5, 33.9), (3, 8)),
        ("a4-4x10", (48.5, 25.4), (4, 10)),
        ("a4-25mm", (25.0, 25.0), (7, 10)),
    ],
)
def test_sheets_fit_a4_with_margins_balanced(
    name: str, size: tuple[float, float], grid: tuple[int, int]
) -> None:
    stock = STOCKS[name]
    assert isinstance(stock, SheetStock)
    assert (stock.label_w_mm, stock.label_h_mm) == size
    assert (stock.columns, stock.rows) == grid
    assert (stock.page_w_mm, stock.page_h_mm) == A4
    right = A4[0] - (stock.left_mm + (stock.columns - 1) * stock.pitch_x_mm + stock.label_w_mm)
    bottom = A4[1] - (stock.top_mm + (stock.rows - 1) * stock.pitch_y_mm + stock.label_h_mm)
    assert abs(right - stock.left_mm) < 0.1 and abs(bottom - stock.top_mm) < 0.1
    assert stock.slot_origin_mm(0) == (stock.left_mm, stock.top_mm)
    last = stock.slot_origin_mm(stock.per_page - 1)
    assert last == pytest.approx(
        (
            stock.left_mm + (grid[0] - 1) * stock.pitch_x_mm,
            stock.top_mm + (grid[1] - 1) * stock.pitch_y_mm,
        )
    )


def test_rolls() -> None:
    assert STOCKS["roll-50x30"] == RollStock("roll-50x30", STOCKS["roll-50x30"].title, 50.0, 30.0)
    roll = STOCKS["roll-62"]
    assert isinstance(roll, RollStock) and roll.label_w_mm == 62.0 and roll.continuous


def test_a_sheet_that_leaves_the_page_is_refused() -> None:
    with pytest.raises(ValueError, match="leave the page"):
        SheetStock(
            "bad", "bad", 70, 38.1, 3, 7, top_mm=15, left_mm=5, pitch_x_mm=70, pitch_y_mm=38.1
        )


def test_stocks_pickle() -> None:
    for stock in STOCKS.values():
        assert pickle.loads(pickle.dumps(stock)) == stock
