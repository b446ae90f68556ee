"""A minimal PDF writer: pages of lossless 1-bit images, each at its true size.

Why not Pillow's PDF plugin: it stores mode "1" losslessly only when Pillow was built with
libtiff (otherwise as JPEG, which blurs the QR), its single `resolution` cannot give an A4
MediaBox from whole pixels (2480 px at 300 dpi is 595.20 pt, A4 is 595.28 pt), it must
compress a whole page of mostly white, and it stamps the time, so output differs run to
run. Here a page is the label images placed on it, each Flate-compressed by whoever drew it
(worker processes included); an image that recurs (a unit's name) is stored once; the
MediaBox is the paper's exact size; and the same input gives the same bytes.
"""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PdfImage:
    """A 1-bit image: zlib-compressed rows, bit 1 = white (Pillow's mode "1" bytes)."""

    width: int
    height: int
    stream: bytes


@dataclass(frozen=True, slots=True)
class PdfPage:
    """A page `width_pt` x `height_pt`; each image drawn at `dpi` (one image pixel is one
    device pixel at that resolution) with its top-left corner `x`, `y` pixels from the
    page's top-left corner."""

    width_pt: float
    height_pt: float
    dpi: int
    images: tuple[tuple[int, int, PdfImage], ...]


def mm_to_pt(mm: float) -> float:
    return mm * 72 / 25.4


def write_pdf(pages: Sequence[PdfPage]) -> bytes:
    numbers: dict[PdfImage, int] = {}  # each distinct image once, numbered in order of use
    for page in pages:
        for _, _, image in page.images:
            numbers.setdefault(image, len(numbers))
    first_image = 3 + 2 * len(pages)  # after catalog, page tree, and page + content per page

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []

    def obj(body: bytes, stream: bytes | None = None) -> None:
        offsets.append(len(out))
        out.extend(b"%d 0 obj\n" % len(offsets))
        out.extend(body)
        if stream is not None:
            out.extend(b"\nstream\n" + stream + b"\nendstream")
        out.extend(b"\nendobj\n")

    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(len(pages)))
    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    for i, page in enumerate(pages):
        unit = 72 / page.dpi
        used = {numbers[image] for _, _, image in page.images}
        xobjects = b" ".join(b"/I%d %d 0 R" % (n, first_image + n) for n in sorted(used))
        content = b"".join(
            b"q %.4f 0 0 %.4f %.4f %.4f cm /I%d Do Q\n"
            % (
                image.width * unit,
                image.height * unit,
                x * unit,
                page.height_pt - (y + image.height) * unit,
                numbers[image],
            )
            for x, y, image in page.images
        )
        obj(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] "
            b"/Resources << /XObject << %s >> >> /Contents %d 0 R >>"
            % (page.width_pt, page.height_pt, xobjects, 4 + 2 * i)
        )
        packed = zlib.compress(content)
        obj(b"<< /Length %d /Filter /FlateDecode >>" % len(packed), packed)
    for image in numbers:
        obj(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 1 /Filter /FlateDecode /Length %d >>"
            % (image.width, image.height, len(image.stream)),
            image.stream,
        )
    xref = len(out)
    out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.extend(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.extend(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(offsets) + 1))
    out.extend(b"startxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)
