"""One label as a 1-bit PNG, and many as a zip of PNGs."""

import io
import re
import zipfile
from collections.abc import Iterable

from PIL import Image

from labels.data import LabelData
from labels.draw import artwork, label_size_px
from labels.qr import ErrorCorrection
from labels.stocks import Stock


def render_image(
    label: LabelData, stock: Stock, *, dpi: int = 300, ec: ErrorCorrection = "Q"
) -> Image.Image:
    """The label as a mode "1" image the size of the stock's label at `dpi`."""
    size = label_size_px(stock, dpi)
    image = Image.new("1", size, 255)
    for x, y, bitmap in artwork(label, size, dpi, ec).placed():
        image.paste(bitmap.image(), (x, y))
    return image


def render_png(
    label: LabelData, stock: Stock, *, dpi: int = 300, ec: ErrorCorrection = "Q"
) -> bytes:
    """The label as a 1-bit PNG at `dpi` (stored in the file, so it prints at true size)."""
    out = io.BytesIO()
    render_image(label, stock, dpi=dpi, ec=ec).save(out, "PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def render_png_zip(
    labels: Iterable[LabelData], stock: Stock, *, dpi: int = 300, ec: ErrorCorrection = "Q"
) -> bytes:
    """A zip of one PNG per label, named after its tag, in the order given."""
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed
        for label in labels:
            stem = re.sub(r"[^A-Za-z0-9._-]", "_", label.tag) or "label"
            name, n = f"{stem}.png", 1
            while name in used:
                n += 1
                name = f"{stem}-{n}.png"
            used.add(name)
            archive.writestr(name, render_png(label, stock, dpi=dpi, ec=ec))
    return out.getvalue()
