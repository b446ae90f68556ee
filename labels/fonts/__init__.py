"""DejaVu Sans, shipped inside the package (licence: LICENSE-DejaVu.txt beside this file).

Chosen because it has every Vietnamese letter as one precomposed glyph and is free to
redistribute; loaded through importlib.resources so it works from an installed wheel too.
"""

from functools import lru_cache
from importlib.resources import files
from io import BytesIO

from PIL import ImageFont

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"


@lru_cache(maxsize=2)
def font_bytes(name: str) -> bytes:
    return (files(__name__) / name).read_bytes()


@lru_cache(maxsize=64)
def load_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    # BASIC layout: NFC text needs no shaping (one glyph per Vietnamese letter), and text
    # then measures and renders the same whether or not libraqm is installed.
    return ImageFont.truetype(
        BytesIO(font_bytes(BOLD if bold else REGULAR)),
        size,
        layout_engine=ImageFont.Layout.BASIC,
    )
