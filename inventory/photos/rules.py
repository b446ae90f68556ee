"""What a photo becomes: decoded, checked and re-encoded by the server, whatever was sent.

A phone's photo is 2-8 MB with its EXIF (the place it was taken, the phone, the time); what
is kept is a JPEG of about 300 KB with no metadata, turned upright first, and a thumbnail
small enough for the asset's phone page. The format is the one the bytes decode as
(JPEG, PNG or WebP), never the one the filename or content type claims, and the pixel
count is bounded before anything is decoded, so a small file claiming huge dimensions
(a decompression bomb) is refused for the cost of reading its header.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from inventory.errors import Invalid, TooLarge

MAX_UPLOAD = 10 * 1024 * 1024
"""Bytes of one photo as sent."""
MAX_PIXELS = 50_000_000
"""Width x height of one photo as sent: a 50-megapixel camera's, and 150 MB decoded at most."""
FORMATS = ("JPEG", "PNG", "WEBP")
KEPT = 400 * 1024
"""Bytes kept at most: a photo is 150-350 KB at the first step of LADDER, and one that
is not (fine detail, noise) goes down the ladder until it fits."""
LADDER = ((1600, 80), (1600, 65), (1280, 60), (1024, 55), (800, 50))
"""(longest side in px, JPEG quality), tried in turn; the last is kept whatever its size."""
THUMB_LONGEST = 320
THUMB_QUALITY = 70


@dataclass(frozen=True, slots=True)
class Encoded:
    """A photo as it is kept: the JPEG, its thumbnail (a JPEG too), its size and digest."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: bytes


def check_size(size: int) -> None:
    if size > MAX_UPLOAD:
        raise TooLarge(
            f"the photo is {size} bytes; at most {MAX_UPLOAD} (10 MB) are taken", field="photo"
        )


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or comment: nothing of the original's metadata is written.
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """The image in RGB, as JPEG takes it: a transparent part on white, not black."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def _refused(detail: str) -> Invalid:
    return Invalid(detail, field="photo")


def reencode(data: bytes) -> Encoded:
    """The photo `data` re-encoded (CPU-bound: run it off the event loop); Invalid (422,
    field `photo`) for anything that is not a JPEG, PNG or WebP of at most MAX_PIXELS."""
    check_size(len(data))
    # MAX_PIXELS is below Pillow's own bound (Image.MAX_IMAGE_PIXELS, which warns, and
    # refuses at twice it), so a bomb is refused here first; Pillow's refusal stays the
    # last line. (Its warning is not turned into an error: warnings.catch_warnings is
    # not thread-safe, and decoding runs in threads.)
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as source:
            width, height = source.size
            if width * height > MAX_PIXELS:
                raise _refused(
                    f"the photo has {width}x{height} pixels; at most {MAX_PIXELS} are taken"
                )
            # A JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that still covers
            # the size kept: a quarter of the memory and time, or less.
            scale = LADDER[0][0] / max(width, height)
            if scale < 1:
                source.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            source.load()
            upright = ImageOps.exif_transpose(source)
    except Image.DecompressionBombError as exc:
        raise _refused(f"the photo has too many pixels ({exc})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # UnidentifiedImageError (an OSError) for anything not of FORMATS; truncated or
        # corrupt data fails as it is decoded.
        raise _refused(f"not a JPEG, PNG or WebP photo ({type(exc).__name__})") from None
    rgb = _flattened(upright)
    rgb.info.clear()  # nothing of the original's metadata goes along
    for longest, quality in LADDER:
        kept = rgb.copy()
        kept.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        image = _jpeg(kept, quality)
        if len(image) <= KEPT:
            break
    small = kept.copy()
    small.thumbnail((THUMB_LONGEST, THUMB_LONGEST), Image.Resampling.LANCZOS)
    return Encoded(
        image=image,
        thumbnail=_jpeg(small, THUMB_QUALITY),
        width=kept.width,
        height=kept.height,
        sha256=hashlib.sha256(image).digest(),
    )
