"""1-bit rasters as packed rows: what a label is drawn from, in PDF and PNG alike.

Bits are laid out as Pillow's mode "1" bytes (bit 1 = white, each row padded to a whole
byte), which is also the sample layout of a PDF 1-bit DeviceGray image: the same bytes go
into both without conversion.
"""

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True, slots=True)
class Bitmap:
    """A `width` x `height` pixel raster placed `top` pixels below its nominal position:
    the white rows above and below its ink are dropped (there is nothing to draw there)."""

    width: int
    height: int
    data: bytes
    top: int = 0

    @property
    def stride(self) -> int:
        return (self.width + 7) // 8

    @classmethod
    def trimmed(cls, width: int, data: bytes) -> "Bitmap":
        """The rows of `data` that hold ink, with `top` saying how many were above them."""
        stride = (width + 7) // 8
        top = (len(data) - len(data.lstrip(b"\xff"))) // stride
        bottom = -(-len(data.rstrip(b"\xff")) // stride)
        return cls(width, max(bottom - top, 0), data[top * stride : bottom * stride], top)

    def image(self) -> Image.Image:
        return Image.frombytes("1", (self.width, self.height), self.data)
