"""QR symbols: encode a URL once, then turn the module matrix into packed 1-bit rows.

The matrix costs most of a label (qrcode picks the best of 8 masks in pure Python), so it
is computed once per code and everything drawn from it is cheap integer work: a module is
a whole number of device pixels, replicated, never resampled.
"""

from dataclasses import dataclass
from typing import Literal

import qrcode
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

ErrorCorrection = Literal["L", "M", "Q", "H"]

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


def make_qr(data: str, ec: ErrorCorrection = "Q") -> QrSymbol:
    """Encode `data` in the smallest version that holds it at error-correction level `ec`."""
    if ec not in EC_LEVELS:
        raise ValueError(f"error correction must be one of L, M, Q, H, not {ec!r}")
    qr = qrcode.QRCode(error_correction=EC_LEVELS[ec], border=0)
    qr.add_data(qr_segment(data))
    qr.make(fit=True)
    return QrSymbol(
        data=data,
        ec=ec,
        version=qr.version,
        alphanumeric=is_alphanumeric(data),
        rows=tuple(bytes(row) for row in qr.modules),
    )


def packed_rows(symbol: QrSymbol, module_px: int, shift: int) -> tuple[bytes, ...]:
    """One packed row per module row (bit 1 = white, as in Pillow's mode "1"), each module
    `module_px` bits wide, preceded by `shift` white bits so the symbol can start at any
    pixel of a byte-aligned row; the caller repeats each row `module_px` times.
    """
    dark, light = "0" * module_px, "1" * module_px
    width = shift + symbol.size * module_px
    nbytes = (width + 7) // 8
    lead, pad = "1" * shift, "1" * (nbytes * 8 - width)
    return tuple(
        int(lead + "".join([dark if module else light for module in row]) + pad, 2).to_bytes(
            nbytes, "big"
        )
        for row in symbol.rows
    )
