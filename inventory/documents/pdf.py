"""A4 documents on fpdf2: DejaVu Sans with every Vietnamese letter, page numbers, tables.

A `Document` is an FPDF with the project's conventions: A4 portrait or landscape, the print
dialog told to print at actual size (/PrintScaling /None), a footer with the caller's text
(a content hash, a history chain head) and "Trang X/Y", tables whose header row repeats on
every page, and metadata whose creation date the caller fixes, so the same data gives the
same bytes.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from importlib.resources import as_file, files
from typing import Literal

from fpdf import FPDF, FontFace, ViewerPreferences
from fpdf.enums import TableHeadingsDisplay

from inventory.documents.formats import nfc
from labels.fonts import BOLD, REGULAR
from labels.qr import make_qr

FAMILY = "DejaVu"
Align = Literal["L", "C", "R"]
BOLD_FACE = FontFace(emphasis="BOLD")
HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
XMP_NS = "urn:commune-inventory:document:1"
# fontTools logs every glyph of every subset at INFO: a few KB of log per document.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading, its share of the table's width, how its cells align
    (numbers "R")."""

    title: str
    width: float = 1.0
    align: Align = "L"


@dataclass(frozen=True, slots=True)
class Group:
    """A bold row across every column that opens a group of rows."""

    text: str


@dataclass(frozen=True, slots=True)
class Sum:
    """A subtotal or total row, in bold; one text per column like a data row."""

    cells: Sequence[str]


Row = Sequence[str] | Group | Sum


@dataclass(frozen=True, slots=True)
class Signature:
    """A signature block: the role ("Người lập"), a note, then space to sign, the name, and
    a line under it (`after`: e.g. when the person confirmed in the app)."""

    title: str
    name: str = ""
    note: str = "(Ký, ghi rõ họ tên)"
    after: str = ""


class Document(FPDF):
    """An A4 document. Draw with the methods below (or FPDF's own), then `render()`."""

    def __init__(
        self,
        *,
        title: str,
        created: datetime,
        footer: str = "",
        subject: str = "",
        content_hash: str | None = None,
        landscape: bool = False,
        header: Callable[["Document"], None] | None = None,
        margins_mm: tuple[float, float, float, float] = (25, 15, 15, 18),  # left top right bottom
        font_size: float = 11,
    ) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        left, top, right, bottom = margins_mm
        self.set_margins(left, top, right)
        self.set_auto_page_break(True, bottom)
        self._footer_text = nfc(footer)
        self._header_hook = header
        self.base_size = font_size
        # fpdf2 reads TrueType from a path; as_file gives one even from a zipped install,
        # and the font is parsed (subset later) while the path exists.
        for style, name in (("", REGULAR), ("B", BOLD)):
            with as_file(files("labels.fonts") / name) as path:
                self.add_font(FAMILY, style, path)
        self.set_font(FAMILY, size=font_size)
        self.set_title(nfc(title))
        if subject:
            self.set_subject(nfc(subject))
        self.set_lang("vi")
        self.set_creator("Commune Inventory")
        self.set_creation_date(created)
        if content_hash:
            # The Info dictionary has no custom keys in fpdf2: the hash goes in Keywords
            # (shown by viewers) and as its own property in the XMP metadata.
            self.set_keywords(f"sha256:{content_hash}")
            self.set_xmp_metadata(
                '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                f'<rdf:Description rdf:about="" xmlns:inv="{XMP_NS}"'
                f' inv:ContentSHA256="{escape(content_hash)}"/>'
                "</rdf:RDF></x:xmpmeta>"
            )
        self.viewer_preferences = ViewerPreferences(display_doc_title=True, print_scaling="None")
        self.alias_nb_pages()
        self.add_page()

    # Page furniture, called by fpdf2 on every page.

    def header(self) -> None:
        if self._header_hook is not None:
            self._header_hook(self)

    def footer(self) -> None:
        self.set_y(-self.b_margin + 4)
        self.set_font(FAMILY, size=7)
        number_w = 22
        y = self.get_y()
        self.multi_cell(self.epw - number_w, 3.2, self._footer_text, align="L")
        self.set_xy(self.l_margin + self.epw - number_w, y)
        self.cell(number_w, 3.2, f"Trang {self.page_no()}/{{nb}}", align="R")
        self.set_font(FAMILY, size=self.base_size)

    # Text.

    def heading(self, text: str, *, size: float = 13, align: Align = "C") -> None:
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, size=self.base_size)

    def paragraph(self, text: str, *, bold: bool = False, align: Align = "L") -> None:
        self.set_font(FAMILY, "B" if bold else "", self.base_size)
        self.multi_cell(
            0, self.base_size * 0.5, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT"
        )
        self.set_font(FAMILY, size=self.base_size)

    def state_heading(self, authority: Sequence[str]) -> None:
        """The top of an administrative document: the issuing body on the left (the last
        line bold: the unit itself), the national motto on the right."""
        half = self.epw / 2
        top = self.get_y()
        line = self.base_size * 0.5
        for i, text in enumerate(authority):
            self.set_font(FAMILY, "B" if i == len(authority) - 1 else "", self.base_size)
            self.multi_cell(
                half - 4, line, nfc(text).upper(), align="C", new_x="LMARGIN", new_y="NEXT"
            )
        left_bottom = self.get_y()
        self.set_xy(self.l_margin + half, top)
        self.set_font(FAMILY, "B", self.base_size)
        self.multi_cell(
            half, line, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LEFT", new_y="NEXT"
        )
        self.multi_cell(
            half, line, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT"
        )
        self.set_y(max(left_bottom, self.get_y()) + 4)
        self.set_font(FAMILY, size=self.base_size)

    # Tables.

    def tabulate(
        self,
        columns: Sequence[Column],
        rows: Iterable[Row],
        *,
        font_size: float = 9,
        width: float | None = None,
    ) -> None:
        """A table whose header row repeats on every page it spans; `Group` and `Sum` rows
        are bold. Cells are plain text (never markdown), so user text prints as typed.
        `width` in mm (the page's text width by default), from the left margin."""
        self.set_font(FAMILY, size=font_size)
        with self.table(
            col_widths=[column.width for column in columns],
            text_align=tuple(column.align for column in columns),
            headings_style=HEADINGS,
            repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
            line_height=font_size * 0.5,
            padding=(0.8, 1),
            width=width or self.epw,
            align="LEFT",
        ) as table:
            head = table.row()
            for column in columns:
                head.cell(nfc(column.title), align="C")
            for row in rows:
                if isinstance(row, Group):
                    table.row(style=BOLD_FACE).cell(nfc(row.text), colspan=len(columns), align="L")
                    continue
                cells = row.cells if isinstance(row, Sum) else row
                if len(cells) != len(columns):
                    raise ValueError(f"a row has {len(cells)} cells for {len(columns)} columns")
                line = table.row(style=BOLD_FACE if isinstance(row, Sum) else None)
                for cell in cells:
                    line.cell(nfc(cell))
        self.set_font(FAMILY, size=self.base_size)
        self.ln(2)

    # Charts.

    def bar_chart(self, bars: Sequence[tuple[str, float, str]], *, font_size: float = 8) -> None:
        """Horizontal bars (label, value, the value as written), in the order given, each
        with its label on the left and its value at its end. Drawn with fpdf2's own
        rectangles and text, so it prints sharp and in the document's font: fpdf2 draws an
        SVG's shapes but not the CSS that colours pygal's (every bar came out black)."""
        if not bars:
            return
        row = font_size * 0.55
        label_w = self.epw * 0.38
        plot_w = self.epw - label_w - 32
        top = max(value for _, value, _ in bars) or 1
        if self.will_page_break(row * len(bars) + 2):
            self.add_page()
        self.set_font(FAMILY, size=font_size)
        self.set_fill_color(43, 108, 176)
        for label, value, shown in bars:
            y = self.get_y()
            self.set_x(self.l_margin)
            self.cell(label_w - 2, row, nfc(label)[:60], align="R")
            width = plot_w * value / top
            self.rect(self.l_margin + label_w, y + row * 0.15, max(width, 0.3), row * 0.7, "F")
            self.set_xy(self.l_margin + label_w + width + 1, y)
            self.cell(30, row, nfc(shown))
            self.set_xy(self.l_margin, y + row)
        self.set_fill_color(255)
        self.set_font(FAMILY, size=self.base_size)
        self.ln(2)

    # Signatures and codes.

    def signatures(self, blocks: Sequence[Signature], *, space_mm: float = 22) -> None:
        """Signature blocks side by side, kept together on one page."""
        line = self.base_size * 0.5
        if self.will_page_break(space_mm + 4 * line):
            self.add_page()
        width = self.epw / len(blocks)
        top = self.get_y()
        bottom = top
        for i, block in enumerate(blocks):
            x = self.l_margin + i * width
            self.set_xy(x, top)
            self.set_font(FAMILY, "B", self.base_size)
            self.multi_cell(width, line, nfc(block.title), align="C", new_x="LEFT", new_y="NEXT")
            self.set_font(FAMILY, size=self.base_size - 2)
            self.multi_cell(width, line, nfc(block.note), align="C", new_x="LEFT", new_y="NEXT")
            self.set_y(self.get_y() + space_mm)
            self.set_x(x)
            self.set_font(FAMILY, "B", self.base_size)
            self.multi_cell(width, line, nfc(block.name), align="C", new_x="LEFT", new_y="NEXT")
            if block.after:
                self.set_font(FAMILY, size=self.base_size - 2)
                self.multi_cell(
                    width, line * 0.8, nfc(block.after), align="C", new_x="LEFT", new_y="NEXT"
                )
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, bottom + 2)
        self.set_font(FAMILY, size=self.base_size)

    def qr(self, data: str, *, x: float, y: float, size_mm: float) -> None:
        """A QR code drawn as vector squares (sharp at any printer resolution), with its
        four-module quiet zone inside `size_mm`."""
        symbol = make_qr(data, "M")
        module = size_mm / (symbol.size + 8)
        self.set_fill_color(0)
        for r, modules in enumerate(symbol.rows):
            c = 0
            while c < symbol.size:
                if not modules[c]:
                    c += 1
                    continue
                start = c
                while c < symbol.size and modules[c]:
                    c += 1
                self.rect(
                    x + (4 + start) * module,
                    y + (4 + r) * module,
                    (c - start) * module,
                    module,
                    style="F",
                )

    def render(self) -> bytes:
        return bytes(self.output())
