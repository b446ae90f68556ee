"""The shipped font has a glyph for every Vietnamese letter, and labels use it."""

from importlib.resources import files

import pytest

from labels.fonts import BOLD, REGULAR, load_font
from labels.text import ELLIPSIS, clean

# fonttools reads the font's character map; it is a dev dependency of the project.
ttLib = pytest.importorskip("fontTools.ttLib", reason="needs fonttools (dev dependency)")


@pytest.mark.parametrize("name", [REGULAR, BOLD])
def test_font_has_a_glyph_for_every_vietnamese_character(name: str, vietnamese: str) -> None:
    with (files("labels.fonts") / name).open("rb") as handle:
        cmap = ttLib.TTFont(handle).getBestCmap()
    for char in set(clean(vietnamese)) | set(ELLIPSIS):
        assert ord(char) in cmap, f"{char!r} (U+{ord(char):04X}) missing from {name}"


def test_labels_draw_with_the_shipped_dejavu() -> None:
    assert load_font(20).getname() == ("DejaVu Sans", "Book")
    assert load_font(20, bold=True).getname() == ("DejaVu Sans", "Bold")
