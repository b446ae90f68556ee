"""One label as PNG: decodes on every stock, true size and resolution, 1-bit."""

import io
import zipfile
from collections.abc import Callable

import pytest
from PIL import Image

from labels import STOCKS, LabelData, render_image, render_png, render_png_zip
from labels.draw import symbol_and_layout
from labels.layout import mm_to_px

Decode = Callable[[Image.Image], list[str]]
OpenPng = Callable[[bytes], Image.Image]


@pytest.mark.parametrize("stock_name", sorted(STOCKS))
@pytest.mark.parametrize("which", ["full_label", "blank_label"])
def test_every_stock_decodes_to_exactly_the_url(
    stock_name: str, which: str, request: pytest.FixtureRequest, decode: Decode, open_png: OpenPng
) -> None:
    label: LabelData = request.getfixturevalue(which)
    image = open_png(render_png(label, STOCKS[stock_name]))
    assert decode(image) == [label.url]


@pytest.mark.parametrize("stock_name", sorted(STOCKS))
def test_png_is_1_bit_at_300_dpi_and_the_stocks_size(
    stock_name: str, full_label: LabelData, open_png: OpenPng
) -> None:
    stock = STOCKS[stock_name]
    image = open_png(render_png(full_label, stock))
    assert image.mode == "1"
    assert tuple(round(d) for d in image.info["dpi"]) == (300, 300)
    assert image.size == (
        round(stock.label_w_mm / 25.4 * 300),
        round(stock.label_h_mm / 25.4 * 300),
    )


def test_dpi_is_configurable(full_label: LabelData, decode: Decode, open_png: OpenPng) -> None:
    image = open_png(render_png(full_label, STOCKS["roll-50x30"], dpi=203))
    assert tuple(round(d) for d in image.info["dpi"]) == (203, 203)
    assert image.size == (mm_to_px(50, 203), mm_to_px(30, 203))
    assert decode(image) == [full_label.url]


@pytest.mark.parametrize("which", ["full_label", "blank_label"])
def test_small_square_stock_has_a_20_mm_qr_and_only_the_tag(
    which: str, request: pytest.FixtureRequest, decode: Decode
) -> None:
    label: LabelData = request.getfixturevalue(which)
    size = mm_to_px(25, 300)
    symbol, layout = symbol_and_layout(label, (size, size), 300, "Q")
    assert layout.compact and layout.unit is None and layout.asset is None and layout.room is None
    assert layout.quiet_modules >= 2
    assert 19 <= symbol.size * layout.module_px * 25.4 / 300 <= 21  # ~20 mm
    assert layout.tag.y >= layout.qr_y + (symbol.size + 2) * layout.module_px  # below the QR
    assert decode(render_image(label, STOCKS["a4-25mm"])) == [label.url]


@pytest.mark.parametrize("stock_name", sorted(STOCKS))
def test_qr_modules_are_whole_pixels_inside_a_clear_quiet_zone(
    stock_name: str, full_label: LabelData
) -> None:
    """Each module is a solid square of module_px pixels where the layout put it, and
    nothing else is inked within the quiet zone."""
    image = render_image(full_label, STOCKS[stock_name])
    symbol, layout = symbol_and_layout(full_label, image.size, 300, "Q")
    s, n = layout.module_px, symbol.size
    for r, row in enumerate(symbol.rows):
        for c, dark in enumerate(row):
            x, y = layout.qr_x + c * s, layout.qr_y + r * s
            assert image.crop((x, y, x + s, y + s)).getextrema() == ((0, 0) if dark else (255, 255))
    assert layout.quiet_modules >= (2 if stock_name == "a4-25mm" else 4)
    quiet = layout.quiet_modules * s
    left, top = layout.qr_x - quiet, layout.qr_y - quiet
    assert left >= 0 and top >= 0
    zone = image.crop((left, top, left + n * s + 2 * quiet, top + n * s + 2 * quiet))
    assert zone.size == (n * s + 2 * quiet,) * 2
    zone.paste(255, (quiet, quiet, quiet + n * s, quiet + n * s))
    assert zone.getextrema() == (255, 255)


def test_zip_holds_one_png_per_label_named_by_tag(
    full_label: LabelData, blank_label: LabelData, decode: Decode, open_png: OpenPng
) -> None:
    data = render_png_zip([full_label, blank_label, full_label], STOCKS["roll-62"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["52-7K3QX9.png", "52-7K3QX9A.png", "52-7K3QX9-2.png"]
        assert decode(open_png(archive.read("52-7K3QX9A.png"))) == [blank_label.url]
