"""QR encoding: densest mode, chosen error correction, exact packed rows at any offset."""

import pytest
from PIL import Image

from labels.qr import is_alphanumeric, make_qr, qr_bitmap


def test_alphanumeric_mode_when_the_whole_url_allows_it() -> None:
    upper = make_qr("HTTPS://KIEMKE.GIALAI.GOV.VN/T/52-7K3QX9A")
    lower = make_qr("https://kiemke.gialai.gov.vn/T/52-7K3QX9A")
    assert upper.alphanumeric and not lower.alphanumeric
    assert upper.version < lower.version  # the point of choosing the mode
    assert is_alphanumeric("HTTP://127.0.0.1:8000/T/52-7K3QX9")
    assert not is_alphanumeric("HTTP://X/T/a") and not is_alphanumeric("")


def test_error_correction_level() -> None:
    url = "HTTP://127.0.0.1:8000/T/52-7K3QX9"
    versions = [make_qr(url, ec).version for ec in ("L", "M", "Q", "H")]
    assert versions == sorted(versions) and versions[0] < versions[-1]
    assert make_qr(url).ec == "Q"
    with pytest.raises(ValueError, match="error correction"):
        make_qr(url, "X")  # type: ignore[arg-type]


@pytest.mark.parametrize("module_px", [1, 3, 7, 8, 10])
def test_qr_bitmap_is_the_matrix_replicated_whole(module_px: int) -> None:
    symbol = make_qr("https://kiemke.gialai.gov.vn/T/52-7K3QX9A")
    n = symbol.size
    light_is_255 = bytes([255, 0]) + bytes(254)
    small = Image.frombytes("1", (n, n), b"".join(symbol.rows).translate(light_is_255), "raw", "L")
    expected = small.resize((n * module_px, n * module_px), Image.Resampling.NEAREST)
    bitmap = qr_bitmap(symbol, module_px)
    assert (bitmap.width, bitmap.height, bitmap.top) == (n * module_px, n * module_px, 0)
    assert bitmap.image().tobytes() == expected.tobytes()
