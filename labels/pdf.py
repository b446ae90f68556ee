"""Print-ready PDF: sheets of labels on exact A4 pages, or one page per label for rolls.

A page is the labels' 1-bit images (QR and text lines, 300 dpi) placed on the stock's
positions, stored losslessly (pdffile.py). Printed at 100% scale ("Actual size", never
"Fit to page"), every label lands on the stock's cut lines. Pages are independent, so with
workers > 1 they are drawn in parallel processes and this process only writes the file.
"""

import zlib
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from labels.data import LabelData
from labels.draw import artwork, label_size_px
from labels.layout import mm_to_px
from labels.pdffile import PdfImage, PdfPage, mm_to_pt, write_pdf
from labels.qr import ErrorCorrection
from labels.raster import Bitmap
from labels.stocks import SheetStock, Stock


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page's work, plain data so it pickles to a worker process."""

    stock: Stock
    dpi: int
    ec: ErrorCorrection
    slots: tuple[tuple[int, LabelData], ...]  # (position on the sheet, label)


def render_pdf(
    labels: Sequence[LabelData],
    stock: Stock,
    *,
    skip: int = 0,
    workers: int = 1,
    dpi: int = 300,
    ec: ErrorCorrection = "Q",
    executor: Executor | None = None,
) -> bytes:
    """A PDF of `labels` on `stock`.

    Sheets: pages of exactly the stock's paper size, labels filled row by row, the first
    `skip` positions of the first sheet left empty (for a part-used sheet). Rolls: one page
    per label, the label's size. `workers` > 1 draws pages in that many processes;
    `executor` (e.g. a long-lived pool of a web app) is used instead if given.
    """
    if not labels:
        raise ValueError("no labels to print")
    if skip < 0:
        raise ValueError("skip must be 0 or more")
    if isinstance(stock, SheetStock):
        if skip >= stock.per_page:
            raise ValueError(f"skip must be less than the {stock.per_page} labels of a sheet")
        pages: list[list[tuple[int, LabelData]]] = []
        for position, label in enumerate(labels, start=skip):
            page, slot = divmod(position, stock.per_page)
            if page == len(pages):
                pages.append([])
            pages[-1].append((slot, label))
        jobs = [PageJob(stock, dpi, ec, tuple(page)) for page in pages]
    else:
        if skip:
            raise ValueError("skip applies to sheets; a roll has no used positions")
        jobs = [PageJob(stock, dpi, ec, ((0, label),)) for label in labels]
    return write_pdf(_render_pages(jobs, workers, executor))


def render_page(job: PageJob) -> PdfPage:
    """One page: each label's images at its position. Runs in worker processes."""
    stock, dpi = job.stock, job.dpi
    size = label_size_px(stock, dpi)
    images = []
    for slot, label in job.slots:
        left, top = 0, 0
        if isinstance(stock, SheetStock):
            left, top = (mm_to_px(mm, dpi) for mm in stock.slot_origin_mm(slot))
        art = artwork(label, size, dpi, job.ec)
        x, y, qr = art.qr
        images.append((left + x, top + y, _compress(qr)))
        images += [(left + x, top + y, _compress_line(line)) for x, y, line in art.lines]
    page_mm = (
        (stock.page_w_mm, stock.page_h_mm)
        if isinstance(stock, SheetStock)
        else (stock.label_w_mm, stock.label_h_mm)
    )
    return PdfPage(mm_to_pt(page_mm[0]), mm_to_pt(page_mm[1]), dpi, tuple(images))


def _compress(bitmap: Bitmap) -> PdfImage:
    # Level 1: a QR raster repeats each row module_px times, which the fastest level already
    # finds; higher levels cost more time than they save bytes.
    return PdfImage(bitmap.width, bitmap.height, zlib.compress(bitmap.data, 1))


# Lines recur (unit, common names, rooms): compress each once, and write_pdf stores it once.
_compress_line = lru_cache(maxsize=1024)(_compress)


def _render_pages(jobs: list[PageJob], workers: int, executor: Executor | None) -> list[PdfPage]:
    if executor is None and (workers <= 1 or len(jobs) == 1):
        return [render_page(job) for job in jobs]
    # Several pages per task keeps the inter-process traffic low for roll labels.
    chunk = max(1, len(jobs) // (max(workers, 2) * 8))
    if executor is not None:
        return list(executor.map(render_page, jobs, chunksize=chunk))
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        return list(pool.map(render_page, jobs, chunksize=chunk))
