"""Labels for the field: text clear of the label's edge, and every QR of a whole sheet read
from a hand-held phone photo of it (tests/labels/photo.py)."""

from dataclasses import replace

import pytest
from PIL import Image

from labels import STOCKS, LabelData, render_image
from labels.draw import symbol_and_layout
from labels.layout import mm_to_px
from tests.labels.photo import Photo, capacity, field_labels, photograph, read_photo, sheet_image

LONG = LabelData(
    url="HTTPS://KIEMKE.GIALAI.GOV.VN/T/52-7K3QX9A",
    tag="52-7K3QX9A-WWWWWW",  # longer than any tag: its font shrinks to fit
    unit_name="Trung tâm Phục vụ hành chính công xã Ia Hrung, tỉnh Gia Lai " * 2,
    asset_name="Máy vi tính để bàn Dell OptiPlex 3090 Micro kèm màn hình LCD 24 inch Ầ ẫ ỵ "
    "Ặ Ữ Ỹ, bàn phím, chuột và bộ lưu điện UPS Santak 1000VA gồm jqpgỵ",
    room="Phòng làm việc của Phó Chủ tịch Ủy ban nhân dân xã phụ trách văn hóa xã hội",
)


def ink_near_edge(image: Image.Image, edge: int) -> tuple[int, int, int, int] | None:
    """The box of the dark pixels within `edge` pixels of the image's border, if any."""
    border = image.convert("L")
    border.paste(255, (edge, edge, image.width - edge, image.height - edge))
    return border.point(lambda v: 255 if v < 128 else 0).getbbox()


@pytest.mark.parametrize("stock_name", sorted(STOCKS))
@pytest.mark.parametrize("dpi", [300, 203])
def test_no_text_within_1_mm_of_the_labels_edge(stock_name: str, dpi: int) -> None:
    stock = STOCKS[stock_name]
    for label in (LONG, replace(LONG, asset_name=None), replace(LONG, room=None)):
        image = render_image(label, stock, dpi=dpi)
        text = image.convert("L")
        symbol, layout = symbol_and_layout(label, image.size, dpi, "Q")
        side = symbol.size * layout.module_px
        text.paste(255, (layout.qr_x, layout.qr_y, layout.qr_x + side, layout.qr_y + side))
        assert text.getextrema()[0] == 0, "the text is drawn"
        edge = mm_to_px(1.0, dpi)
        assert ink_near_edge(text, edge) is None, (label.asset_name is None, label.room is None)
        assert ink_near_edge(image, edge) is None  # nor the QR


@pytest.mark.parametrize("stock_name", sorted(STOCKS))
def test_every_code_of_a_photographed_sheet_reads(stock_name: str) -> None:
    """A page of labels (sheets as printed; roll labels stuck on A4 in a grid), photographed
    by hand: a few degrees of perspective tilt, the page 3000 px wide in the photo, 1 px of
    blur, half the light, noise and JPEG at quality 60. Every code reads to its URL."""
    stock = STOCKS[stock_name]
    labels = field_labels(capacity(stock), seed=7)
    photo = photograph(sheet_image(labels, stock), seed=7)
    assert photo.width > 3000
    read = read_photo(photo)
    assert sorted(read) == sorted(label.url for label in labels)


def test_the_25_mm_squares_read_from_a_poorer_photo() -> None:
    """The 25 mm squares have the smallest modules: photographed from twice as far (the
    page 1000 px wide in the photo, a module under 4 px) they must still all read. Before
    their modules grew from 8 to 9 px at 300 dpi, this lost some (docs/labels.md)."""
    stock = STOCKS["a4-25mm"]
    for seed in (1, 2):
        labels = field_labels(capacity(stock), seed=seed)
        photo = photograph(sheet_image(labels, stock), seed=seed, photo=Photo(page_px=1000))
        assert sorted(read_photo(photo)) == sorted(label.url for label in labels), seed
