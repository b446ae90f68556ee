"""What a hand-held phone photo of a whole sheet of labels does to it, seeded, with Pillow.

`sheet_image` lays labels out as printed (sheets: the stock's own positions on A4; rolls:
the labels stuck on an A4 page in a grid, 3 mm apart). `photograph` then tilts the page in
perspective, scales it to a phone photo's resolution, blurs, dims, adds noise and stores it
as JPEG. `read_photo` is every QR code zxing-cpp reads in the photo. Run this file to
measure failure rates over many seeds: `python -m tests.labels.photo [seeds]`.
"""

import io
import random
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageChops, ImageFilter

from labels import STOCKS, LabelData, SheetStock, Stock, render_image

A4_MM = (210.0, 297.0)
ROLL_GAP_MM = 3.0


@dataclass(frozen=True, slots=True)
class Photo:
    """How the photo is taken: the page's width in the photo (3000 px: a 12 MP phone with
    the sheet filling the frame), the tilt, and what light, lens and JPEG do."""

    page_px: int = 3000
    tilt: float = 0.04  # corners move up to this fraction of the page: a few degrees
    blur_px: float = 1.0  # Gaussian radius at the photo's scale
    brightness: float = 0.5
    noise_sigma: float = 8.0  # grey levels
    jpeg_quality: int = 60


def roll_grid(stock: Stock) -> tuple[int, int]:
    """Columns and rows of roll labels that fit an A4 page 3 mm apart."""
    columns = int((A4_MM[0] - ROLL_GAP_MM) // (stock.label_w_mm + ROLL_GAP_MM))
    rows = int((A4_MM[1] - ROLL_GAP_MM) // (stock.label_h_mm + ROLL_GAP_MM))
    return columns, rows


def positions_mm(stock: Stock, count: int) -> list[tuple[float, float]]:
    if isinstance(stock, SheetStock):
        return [stock.slot_origin_mm(slot) for slot in range(count)]
    columns, _ = roll_grid(stock)
    step_x, step_y = stock.label_w_mm + ROLL_GAP_MM, stock.label_h_mm + ROLL_GAP_MM
    return [
        (ROLL_GAP_MM + (i % columns) * step_x, ROLL_GAP_MM + (i // columns) * step_y)
        for i in range(count)
    ]


def capacity(stock: Stock) -> int:
    if isinstance(stock, SheetStock):
        return stock.per_page
    columns, rows = roll_grid(stock)
    return columns * rows


def sheet_image(labels: Sequence[LabelData], stock: Stock, dpi: int = 300) -> Image.Image:
    """One A4 page of `labels` as printed at `dpi`, greyscale."""
    px = dpi / 25.4
    page = Image.new("L", (round(A4_MM[0] * px), round(A4_MM[1] * px)), 255)
    for label, (x, y) in zip(labels, positions_mm(stock, len(labels)), strict=True):
        page.paste(render_image(label, stock, dpi=dpi).convert("L"), (round(x * px), round(y * px)))
    return page


def _perspective(
    target: Sequence[tuple[float, float]], source: Sequence[tuple[float, float]]
) -> tuple[float, ...]:
    """Coefficients of Image.transform(PERSPECTIVE): output corner i samples source corner i."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y])
        rhs.append(v)
    n = len(rows)  # 8 x 8 Gaussian elimination with partial pivoting
    m = [[*row, r] for row, r in zip(rows, rhs, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col], strict=True)]
    return tuple(m[i][n] / m[i][i] for i in range(n))


def _noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Gaussian noise around 128: uniform seeded bytes through the normal's inverse CDF."""
    normal = statistics.NormalDist(128, sigma)
    lut = [min(255, max(0, round(normal.inv_cdf((u + 0.5) / 256)))) for u in range(256)]
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).point(lut)


def photograph(page: Image.Image, seed: int, photo: Photo = Photo()) -> Image.Image:
    """`page` as a hand-held phone photo of it, the same for the same seed."""
    rng = random.Random(seed)
    scale = photo.page_px / page.width
    w, h = photo.page_px, round(page.height * scale)
    border = round(0.04 * w)  # some table around the page
    size = (w + 2 * border, h + 2 * border)
    # Page corners in the photo: each pushed inwards or outwards by up to `tilt`, as when
    # the phone is held a few degrees off square (and a little rotated).
    d = photo.tilt * w
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    target = [
        (border + x + rng.uniform(-d, d), border + y + rng.uniform(-d, d)) for x, y in corners
    ]
    source = [(x / scale, y / scale) for x, y in corners]
    coeffs = _perspective(target, source)
    shot = page.transform(
        size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=90
    )
    shot = shot.filter(ImageFilter.GaussianBlur(photo.blur_px))
    shot = shot.point(lambda v: round(v * photo.brightness))
    shot = ImageChops.add(shot, _noise(size, photo.noise_sigma, rng), scale=1.0, offset=-128)
    out = io.BytesIO()
    shot.save(out, "JPEG", quality=photo.jpeg_quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("L")


def read_photo(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def field_labels(count: int, seed: int = 0) -> list[LabelData]:
    """Labels as the app makes them: upper-case URLs under a real host, varied names."""
    rng = random.Random(seed)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTUVWXYZ"
    names = ["Máy vi tính để bàn Dell OptiPlex 3090", "Bàn làm việc gỗ", "Tủ tài liệu sắt 4 ngăn"]
    out = []
    for i in range(count):
        tag = "52-" + "".join(rng.choice(alphabet) for _ in range(7))
        out.append(
            LabelData(
                url=f"HTTPS://KIEMKE.GIALAI.GOV.VN/T/{tag}",
                tag=tag,
                unit_name="UBND xã Ia Hrung",
                asset_name=None if i % 5 == 0 else names[i % len(names)] + f" số {i}",
                room=None if i % 4 == 0 else "Phòng Kế toán",
            )
        )
    return out


def failures(stock: Stock, seed: int, photo: Photo = Photo()) -> tuple[int, int]:
    """(codes not read, codes on the page) for one photographed page of `stock`."""
    labels = field_labels(capacity(stock), seed)
    read = set(read_photo(photograph(sheet_image(labels, stock), seed, photo)))
    return sum(label.url not in read for label in labels), len(labels)


if __name__ == "__main__":
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    page_px = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    for name, stock in STOCKS.items():
        lost = total = 0
        for seed in range(seeds):
            a, b = failures(stock, seed, Photo(page_px=page_px))
            lost, total = lost + a, total + b
        print(f"{name:12} {lost:4}/{total:5} failed ({100 * lost / total:.1f}%)")
