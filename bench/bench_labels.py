"""Benchmark: a 1,000-label A4 PDF (3 x 7 stock) against bare QR matrices of the same URLs.

Run: python bench/bench_labels.py [--labels N] [--rounds R] [--order alternate|shuffle]

The baseline is what no label renderer can avoid: qrcode computing each URL's matrix (same
library, version, error-correction level Q and mode as labels uses; the script checks the
matrices are identical). Targets: >= 0.9x the baseline's labels per second on one core,
>= 1.7x with two worker processes.

Every timed run gets its own fresh URLs and tags, so no run profits from another's caches;
unit, asset and room names come from short lists, as in a commune's real inventory. The
three contenders run interleaved, --rounds rounds (default 5; --repeats is the old name),
in alternating order (bench/rounds.py). Each ratio is taken within a round, so a busy
moment on the shared machine weighs on both sides of it; the targets are checked against
the median of the per-round ratios, printed with their spread.
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

from bench.rounds import Comparison, Contender, Sample, report, run_rounds
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
    parser.add_argument("--rounds", "--repeats", dest="rounds", type=int, default=5)
    parser.add_argument("--order", choices=["alternate", "shuffle"], default="alternate")
    args = parser.parse_args()
    n, runs = args.labels, args.rounds
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
        f"{n} labels, {pages} A4 pages of {stock.name}; {runs} rounds, {args.order} order"
    )
    works: list[tuple[str, float | None, Callable[[list[LabelData]], object]]] = [
        ("baseline: QR matrices only, 1 core", None, baseline),
        ("labels: A4 PDF, workers=1", 0.9, lambda labels: render_pdf(labels, stock, workers=1)),
        ("labels: A4 PDF, workers=2", 1.7, lambda labels: render_pdf(labels, stock, workers=2)),
    ]

    def measure(i: int, work: Callable[[list[LabelData]], object]) -> Callable[[int], Sample]:
        # Fresh URLs and tags for every run (made before the clock starts), as before.
        def one_round(r: int) -> Sample:
            seconds = timed(work, make_labels(10 * r + i, n))
            return Sample(n / seconds, f"{seconds:6.2f} s")

        return one_round

    contenders = [
        Contender(name, measure(i, work), "labels/s") for i, (name, _, work) in enumerate(works)
    ]
    result = run_rounds(contenders, runs, order=args.order)
    base = works[0][0]
    report(
        result,
        [
            Comparison(name, base, target=target, label=f"{name.split(': ', 1)[1]} / baseline")
            for name, target, _ in works[1:]
        ],
    )


if __name__ == "__main__":
    main()
