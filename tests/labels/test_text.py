"""Text: cleaned, shortened to fit with the font's own widths, and never out of its box."""

import math
import unicodedata
from dataclasses import replace

import pytest

from labels import STOCKS, LabelData, make_qr, render_image
from labels.draw import label_lines, symbol_and_layout
from labels.fonts import load_font
from labels.layout import Layout, layout_for, mm_to_px
from labels.text import ELLIPSIS, clean, fit_lines, inset, text_width

LONG_NAME = (
    "Máy vi tính để bàn Dell OptiPlex 3090 Micro kèm màn hình LCD 24 inch, bàn phím, chuột "
    "và bộ lưu điện UPS Santak 1000VA, mua theo quyết định số 123/QĐ-UBND"
)
LONG_WORD = "Khôngcókhoảngtrắngnàotrongtênnàycảmàvẫnphảingắtdònggọngàng" * 2


def test_text_is_nfc_without_control_characters() -> None:
    decomposed = "Ma\u0301y ti\u0301nh đe\u0302\u0309 ba\u0300n"  # as some keyboards send it
    assert clean(decomposed) == "Máy tính để bàn"
    assert clean(" Bàn\tlàm\r\nviệc\x00\u200b  gỗ ") == "Bàn làm việc gỗ"


def test_decomposed_input_renders_like_composed(full_label: LabelData) -> None:
    nfd = replace(full_label, asset_name=unicodedata.normalize("NFD", full_label.asset_name or ""))
    stock = STOCKS["a4-3x7"]
    assert render_image(nfd, stock).tobytes() == render_image(full_label, stock).tobytes()


def whole_words(lines: tuple[str, ...], text: str) -> bool:
    """The lines are the text's first words, each line whole words, and only the last
    line may end with "…"."""
    words = text.split()
    shown = " ".join(lines).removesuffix(ELLIPSIS).split()
    if not all(ELLIPSIS not in line for line in lines[:-1]):
        return False
    return bool(shown) and all(
        got == want or (got + ",") == want for got, want in zip(shown, words, strict=False)
    )


@pytest.mark.parametrize("width", [120, 300])
def test_long_text_wraps_to_two_lines_then_ends_with_an_ellipsis(width: int) -> None:
    text = clean(LONG_NAME)
    lines = fit_lines(text, 27, False, width, 2)
    assert len(lines) == 2
    assert lines[-1].endswith(ELLIPSIS)
    assert all(text_width(line, 27, False) <= width for line in lines)
    assert text.startswith(lines[0])
    assert whole_words(lines, text), lines


@pytest.mark.parametrize("width", range(90, 700, 23))
@pytest.mark.parametrize("size", [20, 27])
def test_names_are_shortened_after_a_whole_word(width: int, size: int, vietnamese: str) -> None:
    """Vietnamese with stacked marks, measured with the font itself (what Pillow measures
    for the same font is what we measure): every line fits, no word is cut."""
    text = clean(LONG_NAME + " " + vietnamese)
    font = load_font(size, False)
    for max_lines in (1, 2):
        lines = fit_lines(text, size, False, width, max_lines)
        assert lines[-1].endswith(ELLIPSIS) and len(lines) <= max_lines
        assert whole_words(lines, text), lines
        for line in lines:
            assert text_width(line, size, False) <= width, line
            assert font.getlength(line) == pytest.approx(text_width(line, size, False), abs=0.5)


def test_the_ellipsis_follows_the_last_word_that_fits() -> None:
    text = "Máy vi tính để bàn Dell OptiPlex"
    fitted = fit_lines(
        text, 27, False, math.ceil(text_width("Máy vi tính để bàn D…", 27, False)), 1
    )
    assert fitted == ("Máy vi tính để bàn…",)
    # A comma or dash is not left before the ellipsis.
    width = math.ceil(text_width("Máy in, máy scan…", 27, False))
    assert fit_lines("Máy in, máy scan, máy photo", 27, False, width, 1) == ("Máy in, máy scan…",)
    width = math.ceil(text_width("Bàn làm việc – gỗ…", 27, False)) - 1
    assert fit_lines("Bàn làm việc – gỗ sồi", 27, False, width, 1) == ("Bàn làm việc…",)


def test_a_word_longer_than_the_line_is_cut_with_an_ellipsis() -> None:
    for text, first in ((LONG_WORD, ()), ("Bàn " + LONG_WORD, ("Bàn",))):
        lines = fit_lines(text, 27, False, 200, 2)
        assert lines[: len(first)] == first
        cut = lines[len(first)]
        assert len(lines) == len(first) + 1 and cut.endswith(ELLIPSIS)
        assert LONG_WORD.startswith(cut.removesuffix(ELLIPSIS)) and len(cut) > 5
        assert text_width(cut, 27, False) <= 200


def test_short_text_is_left_alone() -> None:
    assert fit_lines("Ghế xoay", 27, False, 300, 2) == ("Ghế xoay",)
    assert fit_lines("Bàn làm việc gỗ", 27, False, 150, 2) == ("Bàn làm", "việc gỗ")


def test_a_line_with_no_room_for_a_character_still_ends() -> None:
    assert fit_lines("Tủ tài liệu", 27, False, 5, 2) == (ELLIPSIS,)


def allowed_areas(layout: Layout, modules: int) -> list[tuple[int, int, int, int]]:
    """The QR symbol and each text box: the only places ink may be."""
    side = modules * layout.module_px
    areas = [(layout.qr_x, layout.qr_y, layout.qr_x + side, layout.qr_y + side)]
    for box in (layout.tag, layout.unit, layout.asset, layout.room):
        if box is not None:
            bottom = box.y + box.line_height * box.max_lines
            areas.append((box.x, box.y, box.x + box.width, bottom))
    return areas


@pytest.mark.parametrize("stock_name", sorted(STOCKS))
def test_long_texts_never_overflow_their_boxes(stock_name: str, vietnamese: str) -> None:
    label = LabelData(
        url="https://kiemke.gialai.gov.vn/T/52-7K3QX9A",
        tag="52-7K3QX9A-WWWWWWWWWW",  # longer than any tag: its font must shrink
        unit_name="Trung tâm Phục vụ hành chính công xã Ia Hrung, tỉnh Gia Lai " * 2,
        asset_name=LONG_NAME + " " + vietnamese,
        room="Phòng làm việc của Phó Chủ tịch Ủy ban nhân dân xã phụ trách văn hóa xã hội",
    )
    stock = STOCKS[stock_name]
    image = render_image(label, stock)
    symbol, layout = symbol_and_layout(label, image.size, 300, "Q")
    edge = mm_to_px(1.0, 300)
    for left, top, right, bottom in allowed_areas(layout, symbol.size):
        assert left >= edge and right <= image.width - edge
        assert top >= 0 and bottom <= image.height
    outside = image.convert("L")
    for area in allowed_areas(layout, symbol.size):
        outside.paste(255, area)
    assert outside.getextrema() == (255, 255), "ink outside the QR and the text boxes"
    # Nothing was cut off at a box's edge either: every line fits as measured.
    for box, lines in label_lines(label, layout):
        assert len(lines) <= box.max_lines
        for line in lines:
            width = text_width(line, box.size, box.bold)
            assert width <= box.width - 2 * inset(box.size), (line, width, box.width)


def test_a_long_name_is_drawn_on_two_lines_ending_in_an_ellipsis() -> None:
    label = LabelData("HTTP://X/T/1", "52-7K3QX9", "UBND xã Ia Hrung", LONG_NAME)
    layout = layout_for(750, 450, 300, make_qr(label.url).size, True, False)
    assert layout.asset is not None
    fitted = dict(label_lines(label, layout))
    assert len(fitted[layout.asset]) == 2 and fitted[layout.asset][1].endswith(ELLIPSIS)
