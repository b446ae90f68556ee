"""QR symbols: encode a URL once, then turn the module matrix into a 1-bit raster.

The matrix costs most of a label (qrcode picks the best of 8 masks in pure Python), so it
is computed once per code and everything drawn from it is cheap integer work: a module is
a whole number of device pixels, replicated, never resampled.
"""

from dataclasses import dataclass
from typing import Literal

import qrcode
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from labels.raster import Bitmap

ErrorCorrection = Literal["L", "M", "Q", "H"]
LEVELS_DOWN: tuple[ErrorCorrection, ...] = ("H", "Q", "M", "L")  # most correction first

EC_LEVELS: dict[str, int] = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,  # default: 25% of the symbol may be scratched off
    "H": qrcode.constants.ERROR_CORRECT_H,
}

# QR's alphanumeric mode packs 2 characters into 11 bits (byte mode: 16) but knows only these.
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def is_alphanumeric(data: str) -> bool:
    return bool(data) and ALPHANUMERIC.issuperset(data)


def qr_segment(data: str) -> QRData:
    """One segment in the densest mode that holds the whole string.

    An all-uppercase URL (scheme and host are case-insensitive; the caller decides the
    path's case) fits alphanumeric mode and gives a smaller symbol; anything else is UTF-8
    bytes.
    """
    if is_alphanumeric(data):
        return QRData(data.encode("ascii"), mode=MODE_ALPHA_NUM)
    return QRData(data.encode("utf-8"), mode=MODE_8BIT_BYTE)


@dataclass(frozen=True, slots=True)
class QrSymbol:
    """A QR symbol without its quiet zone: one byte per module, 1 = dark."""

    data: str
    ec: ErrorCorrection
    version: int
    alphanumeric: bool
    rows: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return len(self.rows)


def _check_ec(ec: str) -> None:
    if ec not in EC_LEVELS:
        raise ValueError(f"error correction must be one of L, M, Q, H, not {ec!r}")


def qr_version(data: str, ec: ErrorCorrection = "Q") -> int:
    """The smallest version that holds `data` at level `ec` (cheap: no matrix, no masks).
    The symbol is 17 + 4 x version modules wide."""
    _check_ec(ec)
    qr = qrcode.QRCode(error_correction=EC_LEVELS[ec], border=0)
    qr.add_data(qr_segment(data))
    return qr.best_fit()


def make_qr(data: str, ec: ErrorCorrection = "Q", version: int | None = None) -> QrSymbol:
    """Encode `data` in the smallest version that holds it at error-correction level `ec`
    (or in `version`, when the caller already knows it from qr_version)."""
    _check_ec(ec)
    qr = qrcode.QRCode(version=version, error_correction=EC_LEVELS[ec], border=0)
    qr.add_data(qr_segment(data))
    qr.make(fit=version is None)
    return QrSymbol(
        data=data,
        ec=ec,
        version=qr.version,
        alphanumeric=is_alphanumeric(data),
        rows=tuple(bytes(row) for row in qr.modules),
    )


def qr_bitmap(symbol: QrSymbol, module_px: int) -> Bitmap:
    """The symbol with each module a `module_px` pixel square, replicated, not resampled."""
    width = symbol.size * module_px
    nbytes = (width + 7) // 8
    # Module bytes 0/1 become runs of "1"/"0" bits and the marker 2 a row's white padding,
    # one C-level pass each; then a single int conversion packs the whole symbol.
    marked = b"\x02".join(symbol.rows) + b"\x02"
    bits = (
        marked.replace(b"\x00", b"1" * module_px)
        .replace(b"\x01", b"0" * module_px)
        .replace(b"\x02", b"1" * (nbytes * 8 - width))
    )
    packed = int(bits, 2).to_bytes(nbytes * symbol.size, "big")
    rows = (packed[at : at + nbytes] for at in range(0, len(packed), nbytes))
    return Bitmap(width, width, b"".join(row * module_px for row in rows))
