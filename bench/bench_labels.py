"""Benchmark: a 1,000-label A4 PDF (3 x 7 stock) against bare QR matrices of the same URLs.

Run: python bench/bench_labels.py [--labels N] [--repeats R]

The baseline is what no label renderer can avoid: qrcode computing each URL's matrix (same
library, version, error-correction level Q and mode as labels uses; the script checks the
matrices are identical). Targets: >= 0.9x the baseline's labels per second on one core,
>= 1.7x with two worker processes.

Every timed run gets its own fresh URLs and tags, so no run profits from another's caches;
unit, asset and room names come from short lists, as in a commune's real inventory. The
three contenders run in turn, --repeats rounds (default 5), and each figure is the best of
its runs: on a shared machine the best is the one least disturbed by others.
"""

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import PIL
import qrcode
import qrcode.constants

from labels import LabelData, get_stock, make_qr, render_pdf

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
UNIT = "UBND xã Ia Hrung"
ASSETS = [
    "Máy vi tính để bàn Dell OptiPlex 3090",
    "Màn hình LCD 22 inch",
    "Máy in laser Canon LBP 2900",
    "Bàn làm việc gỗ 1m4",
    "Ghế xoay văn phòng",
    "Tủ đựng hồ sơ sắt 4 ngăn",
    "Điều hòa Daikin 12.000 BTU",
    "Máy chiếu Epson EB-X06",
    "Loa hội trường",
    "Máy photocopy Ricoh MP 2014",
    "Bộ bàn ghế họp 12 chỗ",
    "Máy tính xách tay HP ProBook",
]
ROOMS = ["Phòng Chủ tịch", "Phòng Kế toán", "Bộ phận một cửa", "Hội trường", "Kho lưu trữ"]


def code(n: int) -> str:
    digits = []
    for _ in range(7):
        n, d = divmod(n, 32)
        digits.append(ALPHABET[d])
    return "".join(reversed(digits))


def make_labels(run: int, count: int) -> list[LabelData]:
    labels = []
    for i in range(count):
        tag = f"52-{code(run * 1_000_003 + i * 7919)}"
        labels.append(
            LabelData(
                url=f"https://kiemke.gialai.gov.vn/T/{tag}",
                tag=tag,
                unit_name=UNIT,
                asset_name=ASSETS[i % len(ASSETS)],
                room=ROOMS[i % len(ROOMS)],
            )
        )
    return labels


def baseline(labels: list[LabelData]) -> None:
    for label in labels:
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
        qr.add_data(label.url)  # lowercase URL: byte mode, as labels chooses
        qr.make(fit=True)
        qr.get_matrix()


def timed(work: Callable[[list[LabelData]], object], labels: list[LabelData]) -> float:
    start = time.perf_counter()
    work(labels)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n, runs = args.labels, args.repeats
    stock = get_stock("a4-3x7")

    # Same symbols: the baseline does the very QR work labels does, no more, no less.
    for label in make_labels(0, 20):
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
        qr.add_data(label.url)
        qr.make(fit=True)
        assert tuple(bytes(row) for row in qr.get_matrix()) == make_qr(label.url, "Q").rows
    pages = -(-n // stock.per_page)
    render_pdf(make_labels(0, 21), stock)  # load fonts, fill import-time caches

    versions = f"qrcode {version('qrcode')}, Pillow {PIL.__version__}"
    print(
        f"Python {platform.python_version()}, {versions}, {os.cpu_count()} CPUs; "
        f"{n} labels, {pages} A4 pages of {stock.name}; best of {runs}"
    )
    contenders: list[tuple[str, float | None, Callable[[list[LabelData]], object]]] = [
        ("baseline: QR matrices only, 1 core", None, baseline),
        ("labels: A4 PDF, workers=1", 0.9, lambda labels: render_pdf(labels, stock, workers=1)),
        ("labels: A4 PDF, workers=2", 1.7, lambda labels: render_pdf(labels, stock, workers=2)),
    ]
    # Interleaved, so that a busy moment on the machine hits all three alike.
    times: list[list[float]] = [[] for _ in contenders]
    for r in range(1, runs + 1):
        for i, (_, _, work) in enumerate(contenders):
            times[i].append(timed(work, make_labels(10 * r + i, n)))
    base_rate = n / min(times[0])
    for (name, target, _), runs_s in zip(contenders, times, strict=True):
        seconds = min(runs_s)
        rate = n / seconds
        line = f"{name:<36} {seconds:6.2f} s  {rate:7.1f} labels/s"
        if target is not None:
            ratio = rate / base_rate
            verdict = "ok" if ratio >= target else "BELOW TARGET"
            line += f"  {ratio:5.2f}x baseline (target >= {target}x: {verdict})"
        print(line)


if __name__ == "__main__":
    main()
