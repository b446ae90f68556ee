"""Print-ready PDF: exact A4 pages, labels on the stock's positions, lossless 1-bit pages."""

from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from PIL import Image

from labels import STOCKS, LabelData, SheetStock, render_image, render_pdf

Decode = Callable[[Image.Image], list[str]]
A4_PT = (595.28, 841.89)
DPI = 300


def sheet_labels(count: int) -> list[LabelData]:
    return [
        LabelData(
            url=f"https://kiemke.gialai.gov.vn/T/52-{i:07d}",
            tag=f"52-{i:07d}",
            unit_name="UBND xã Ia Hrung",
            asset_name=None if i % 3 == 0 else f"Máy vi tính để bàn số {i}",
            room=None if i % 2 else "Phòng Kế toán",
        )
        for i in range(count)
    ]


def rasterise(pdf: bytes) -> tuple[list[tuple[float, float, float, float]], list[Image.Image]]:
    """MediaBoxes and 300 dpi greyscale renders. Image smoothing off: pdfium's page raster is
    a fraction of a pixel wider than the page image and would otherwise resample it; JPEG or
    any lossy storage would still show as grey."""
    document = pdfium.PdfDocument(pdf)
    boxes, pages = [], []
    for page in document:
        boxes.append(page.get_mediabox())
        bitmap = page.render(scale=DPI / 72, grayscale=True, no_smoothimage=True)
        pages.append(bitmap.to_pil())
    return boxes, pages


def slot_box(stock: SheetStock, slot: int) -> tuple[int, int, int, int]:
    x, y = stock.slot_origin_mm(slot)
    px = DPI / 25.4
    return (
        round(x * px),
        round(y * px),
        round((x + stock.label_w_mm) * px),
        round((y + stock.label_h_mm) * px),
    )


def test_sheet_pdf_places_every_label_on_its_position(decode: Decode) -> None:
    stock = STOCKS["a4-3x7"]
    assert isinstance(stock, SheetStock)
    labels, skip = sheet_labels(50), 5
    boxes, pages = rasterise(render_pdf(labels, stock, skip=skip))

    assert len(pages) == 3  # 5 skipped + 50 labels = 55 positions on 21-label sheets
    for left, bottom, right, top in boxes:
        assert (left, bottom) == (0, 0)
        assert right == pytest.approx(A4_PT[0], abs=0.01)
        assert top == pytest.approx(A4_PT[1], abs=0.01)
    for position in range(len(pages) * stock.per_page):
        page, slot = divmod(position, stock.per_page)
        label = pages[page].crop(slot_box(stock, slot))
        index = position - skip
        if 0 <= index < len(labels):
            assert decode(label) == [labels[index].url], position
        else:
            assert label.getextrema() == (255, 255), f"position {position} should be blank"


def test_labels_land_on_the_stocks_cut_lines() -> None:
    """The ink of a label on the sheet sits where it sits on the label's own PNG, measured
    from the position the stock's millimetres give: within a pixel (1/12 mm)."""
    stock = STOCKS["a4-3x7"]
    assert isinstance(stock, SheetStock)
    labels = sheet_labels(21)
    _, pages = rasterise(render_pdf(labels, stock))
    for slot in (0, 2, 18, 20):
        on_sheet = pages[0].crop(slot_box(stock, slot)).point(lambda v: 255 - v).getbbox()
        alone = render_image(labels[slot], stock).convert("L").point(lambda v: 255 - v).getbbox()
        assert on_sheet is not None and alone is not None
        assert all(abs(a - b) <= 1 for a, b in zip(on_sheet, alone, strict=True)), slot


def test_pages_are_pure_black_and_white_and_stored_losslessly() -> None:
    pdf = render_pdf(sheet_labels(21), STOCKS["a4-3x7"])
    _, pages = rasterise(pdf)
    assert set(pages[0].histogram()[1:255]) == {0}  # no grey at all: no lossy compression
    document = pdfium.PdfDocument(pdf)
    images = list(document[0].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) >= 21
    for image in images:
        assert image.get_filters() == ["FlateDecode"]
        assert image.get_metadata().bits_per_pixel == 1
    assert b"DCTDecode" not in pdf and b"JPXDecode" not in pdf


def test_pdf_is_the_same_bytes_for_the_same_labels() -> None:
    labels = sheet_labels(30)
    stock = STOCKS["a4-3x7"]
    assert render_pdf(labels, stock, skip=2) == render_pdf(labels, stock, skip=2)


def test_page_background_outside_labels_is_blank() -> None:
    stock = STOCKS["a4-4x10"]  # no gaps between labels: the tightest fit
    assert isinstance(stock, SheetStock)
    _, pages = rasterise(render_pdf(sheet_labels(40), stock))
    page = pages[0].copy()
    for slot in range(stock.per_page):
        page.paste(255, slot_box(stock, slot))
    assert page.getextrema() == (255, 255)


@pytest.mark.parametrize("stock_name", ["roll-50x30", "roll-62"])
def test_roll_pdf_has_one_label_sized_page_per_label(stock_name: str, decode: Decode) -> None:
    stock = STOCKS[stock_name]
    labels = sheet_labels(3)
    boxes, pages = rasterise(render_pdf(labels, stock))
    assert len(pages) == 3
    for (_, _, width, height), page, label in zip(boxes, pages, labels, strict=True):
        assert width == pytest.approx(stock.label_w_mm * 72 / 25.4, abs=0.01)
        assert height == pytest.approx(stock.label_h_mm * 72 / 25.4, abs=0.01)
        assert decode(page) == [label.url]


@pytest.mark.parametrize("stock_name", sorted(name for name in STOCKS if name.startswith("a4")))
def test_every_sheet_stock_decodes_from_the_pdf(stock_name: str, decode: Decode) -> None:
    stock = STOCKS[stock_name]
    assert isinstance(stock, SheetStock)
    labels = sheet_labels(stock.per_page)
    _, pages = rasterise(render_pdf(labels, stock))
    for slot in (0, stock.columns - 1, stock.per_page - 1):  # corners: margins and pitch right
        assert decode(pages[0].crop(slot_box(stock, slot))) == [labels[slot].url]


def test_parallel_workers_give_the_same_bytes() -> None:
    labels = sheet_labels(50)
    stock = STOCKS["a4-3x8"]
    assert render_pdf(labels, stock, skip=3, workers=2) == render_pdf(labels, stock, skip=3)


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError, match="no labels"):
        render_pdf([], STOCKS["a4-3x7"])
    with pytest.raises(ValueError, match="skip"):
        render_pdf(sheet_labels(1), STOCKS["a4-3x7"], skip=21)
    with pytest.raises(ValueError, match="skip"):
        render_pdf(sheet_labels(1), STOCKS["roll-62"], skip=1)
