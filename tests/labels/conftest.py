"""Shared helpers for the label tests: sample labels and a QR reader."""

import io
from collections.abc import Callable

import pytest
import zxingcpp
from PIL import Image

from labels import LabelData

VIETNAMESE = (
    "Máy tính để bàn Ầ ẩ ẫ ậ Ắ ằ ẳ ẵ ặ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ý ỳ ỷ ỹ ỵ Đđ"
)


def _decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def _open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def decode() -> Callable[[Image.Image], list[str]]:
    """Texts of the QR codes zxing-cpp finds in an image."""
    return _decode


@pytest.fixture
def open_png() -> Callable[[bytes], Image.Image]:
    return _open_png


@pytest.fixture
def vietnamese() -> str:
    """Every Vietnamese vowel form that stacks two marks, and Đđ."""
    return VIETNAMESE


@pytest.fixture
def full_label() -> LabelData:
    """Every field, uppercase URL (alphanumeric QR mode)."""
    return LabelData(
        url="HTTP://127.0.0.1:8000/T/52-7K3QX9",
        tag="52-7K3QX9",
        unit_name="UBND xã Ia Hrung",
        asset_name="Máy vi tính để bàn Dell OptiPlex 3090 kèm màn hình 24 inch",
        room="Phòng Kế toán",
    )


@pytest.fixture
def blank_label() -> LabelData:
    """A pre-printed blank tag, lowercase URL (byte QR mode, a bigger symbol)."""
    return LabelData(
        url="https://kiemke.gialai.gov.vn/T/52-7K3QX9A",
        tag="52-7K3QX9A",
        unit_name="UBND xã Ia Hrung",
    )
