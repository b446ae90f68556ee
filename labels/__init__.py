"""Asset labels rendered from plain data: PNG, print-ready PDF sheets and ZPL.

Nothing here knows about the database or the web app: callers build LabelData and pick a
stock. See docs/labels.md.
"""

from labels.data import LabelData
from labels.pdf import render_pdf
from labels.png import render_image, render_png, render_png_zip
from labels.qr import ErrorCorrection, QrSymbol, make_qr
from labels.stocks import STOCKS, RollStock, SheetStock, Stock, get_stock
from labels.zpl import render_zpl

__all__ = [
    "STOCKS",
    "ErrorCorrection",
    "LabelData",
    "QrSymbol",
    "RollStock",
    "SheetStock",
    "Stock",
    "get_stock",
    "make_qr",
    "render_image",
    "render_pdf",
    "render_png",
    "render_png_zip",
    "render_zpl",
]
