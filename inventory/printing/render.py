"""Printing labels: registry rows to `labels.LabelData`, and one file out of them.

Shared by the label API and `inventory labels`. Rendering is CPU work (a QR
matrix per label): callers run `render` off the event loop, and hand it a
process pool so that big PDF and ZPL runs use every core.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

import asyncpg

from inventory.errors import Invalid
from inventory.tagcodes import room_url, url
from labels import (
    LabelData,
    SheetStock,
    Stock,
    get_stock,
    render_pdf,
    render_png,
    render_png_zip,
    render_zpl,
)

DEFAULT_STOCK = "a4-3x7"  # also the command line's default (tags/cli.py)
MAX_LABELS = 5000  # per API request: ~240 A4 sheets; the command line has no limit
PARALLEL_FROM = 64  # fewer labels render faster here than a worker round trip
ZPL_CHUNK = 100

Progress = Callable[[int, int], None]
"""Called with (done, total) as work completes; the unit is the renderer's (pages, labels)."""


class LabelFormat(StrEnum):  # values repeated in tags/cli.py
    PDF = "pdf"  # print-ready sheets at 100% scale, or one page per roll label
    PNG = "png"  # one PNG, or a zip of one PNG per label
    ZPL = "zpl"  # Zebra label printers


@dataclass(frozen=True, slots=True)
class Options:
    """What to print on; made by `options()`, which checks them."""

    format: LabelFormat
    stock_name: str  # the name, not the Stock: a union of dataclasses fails route signatures
    skip: int = 0

    @property
    def stock(self) -> Stock:
        return get_stock(self.stock_name)


@dataclass(frozen=True, slots=True)
class Output:
    content: bytes
    media_type: str
    extension: str


def options(format: LabelFormat, stock: str, skip: int) -> Options:
    """Checked options: a stock of the `labels` registry, and a skip that fits it."""
    try:
        chosen = get_stock(stock)
    except KeyError as exc:
        raise Invalid(exc.args[0], field="stock") from None
    if skip and (format is not LabelFormat.PDF or not isinstance(chosen, SheetStock)):
        raise Invalid(
            "skip applies to PDF sheets: a roll, a PNG or ZPL has no used positions", field="skip"
        )
    if isinstance(chosen, SheetStock) and not 0 <= skip < chosen.per_page:
        raise Invalid(f"skip must be 0 to {chosen.per_page - 1} on {chosen.name}", field="skip")
    return Options(format, chosen.name, skip)


def label(row: asyncpg.Record, base_url: str) -> LabelData:
    """A label from a row with `tag`, `unit_name`, `asset_name` and `room_name` (None if blank)."""
    return LabelData(
        url=url(base_url, row["tag"]),
        tag=row["tag"],
        unit_name=row["unit_name"],
        asset_name=row["asset_name"],
        room=row["room_name"],
    )


def room_label(row: asyncpg.Record, base_url: str) -> LabelData:
    """A room's label from a row of `queries.room_labels`: its QR opens /R/CODE, the room's
    name stands where an asset's would and the site where the room would."""
    return LabelData(
        url=room_url(base_url, row["tag"]),
        tag=row["tag"],
        unit_name=row["unit_name"],
        asset_name=row["asset_name"],
        room=row["room_name"],
    )


def process_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """Workers for big runs. Spawned, not forked: forking a process that runs an event loop
    and threads copies their locks mid-use; a spawned worker imports only `labels`."""
    return ProcessPoolExecutor(
        max_workers=workers or min(4, os.cpu_count() or 1),
        mp_context=multiprocessing.get_context("spawn"),
    )


def render(
    labels: Sequence[LabelData],
    chosen: Options,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Output:
    """The labels as one file. Blocking: run it in a thread from async code."""
    if not labels:
        raise ValueError("no labels to print")
    pool = executor if executor is not None and len(labels) >= PARALLEL_FROM else None
    stock = chosen.stock
    if chosen.format is LabelFormat.PDF:
        pages = (
            math.ceil((chosen.skip + len(labels)) / stock.per_page)
            if isinstance(stock, SheetStock)
            else len(labels)
        )
        if pool is not None and progress is not None:
            pool = _Reporting(pool, pages, progress)
        return Output(
            render_pdf(labels, stock, skip=chosen.skip, executor=pool), "application/pdf", "pdf"
        )
    if chosen.format is LabelFormat.ZPL:
        chunks = [labels[i : i + ZPL_CHUNK] for i in range(0, len(labels), ZPL_CHUNK)]
        parts = (
            pool.map(partial(render_zpl, stock=stock), chunks)
            if pool is not None
            else map(partial(render_zpl, stock=stock), chunks)
        )
        text = "".join(_counted(parts, len(chunks), progress))
        return Output(text.encode(), "text/plain; charset=utf-8", "zpl")
    if len(labels) == 1:
        return Output(render_png(labels[0], stock), "image/png", "png")
    return Output(
        render_png_zip(_counted(labels, len(labels), progress), stock), "application/zip", "zip"
    )


def _counted(items: Iterable[Any], total: int, progress: Progress | None) -> Iterator[Any]:
    for done, item in enumerate(items, 1):
        yield item
        if progress is not None:
            progress(done, total)


class _Reporting(Executor):
    """An executor passing work to another and reporting each result of `map` as it arrives."""

    def __init__(self, inner: Executor, total: int, progress: Progress) -> None:
        self._inner, self._total, self._progress = inner, total, progress

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return self._inner.submit(fn, *args, **kwargs)

    def map(
        self,
        fn: Callable[..., Any],
        *iterables: Iterable[Any],
        timeout: float | None = None,
        chunksize: int = 1,
    ) -> Iterator[Any]:
        results = self._inner.map(fn, *iterables, timeout=timeout, chunksize=chunksize)
        return _counted(results, self._total, self._progress)
