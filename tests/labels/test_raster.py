"""Bitmaps: packed rows exactly as Pillow's mode "1" bytes, white rows trimmed off."""

from PIL import Image

from labels.raster import Bitmap


def test_trimmed_keeps_the_rows_with_ink_and_says_where_they_were() -> None:
    source = Image.new("1", (16, 10), 255)  # a whole number of bytes: no padding bits
    source.paste(0, (3, 4, 9, 6))
    bitmap = Bitmap.trimmed(16, source.tobytes())
    assert (bitmap.width, bitmap.height, bitmap.top, bitmap.stride) == (16, 2, 4, 2)
    assert bitmap.image().tobytes() == source.crop((0, 4, 16, 6)).tobytes()


def test_a_blank_raster_trims_to_nothing() -> None:
    bitmap = Bitmap.trimmed(16, b"\xff" * 20)
    assert bitmap.height == 0 and bitmap.data == b""
