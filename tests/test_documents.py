"""The documents kernel: A4 PDFs read back with pdfium, XLSX with calamine, CSV with csv."""

import csv
import io
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from unicodedata import normalize

import pypdfium2 as pdfium
import zxingcpp
from python_calamine import CalamineWorkbook

from inventory.documents.formats import day, long_day, money, number
from inventory.documents.pdf import Column, Document, Group, Signature, Sum
from inventory.documents.xlsx import Column as ListColumn
from inventory.documents.xlsx import Sheet, csv_chunks, write_xlsx, xlsx_bytes

CREATED = datetime(2026, 12, 3, 8, 0, tzinfo=timezone(timedelta(hours=7)))
VIETNAMESE = (
    "Máy tính để bàn Ầ ẩ ẫ ậ Ắ ằ ẳ ẵ ặ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ý ỳ ỷ ỹ ỵ Đđ"
)
FOOTER = "Mã nội dung: " + "ab" * 32
COLUMNS = [
    Column("STT", 0.6, "R"),
    Column("Mã thẻ", 1.4),
    Column("Tên tài sản", 4),
    Column("Nguyên giá", 1.6, "R"),
]
INJECTED = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\tTab", "\rCR", "=1+1"]


def minutes(count: int, *, landscape: bool = False) -> bytes:
    document = Document(
        title="Biên bản kiểm kê tài sản",
        subject="Kiểm kê số 7",
        created=CREATED,
        footer=FOOTER,
        content_hash="ab" * 32,
        landscape=landscape,
    )
    document.state_heading(["UBND huyện Chư Prông", "UBND xã Ia Hrung"])
    document.heading("BIÊN BẢN KIỂM KÊ TÀI SẢN")
    document.paragraph(normalize("NFD", VIETNAMESE))  # as a phone may send it
    rows = [
        Group("I. Tài sản của đơn vị"),
        *(
            (str(i), f"52-{i:07d}", f"Máy vi tính số {i}", money(1_234_567))
            for i in range(1, count + 1)
        ),
        Sum(("", "", "Cộng", money(1_234_567 * count))),
    ]
    document.tabulate(COLUMNS, rows)
    document.signatures([Signature("Người lập", "Nguyễn Văn Ánh"), Signature("Thủ trưởng đơn vị")])
    return document.render()


def page_texts(pdf: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]


def test_formats_are_vietnamese() -> None:
    assert money(1_234_567) == "1.234.567"
    assert money(Decimal("-1234567.6")) == "-1.234.568"
    assert money(0) == "0" and money(None) == ""
    assert number(Decimal("1234.5"), 2) == "1.234,50"
    assert day(date(2026, 3, 7)) == "07/03/2026"
    assert long_day(date(2026, 3, 7)) == "ngày 07 tháng 03 năm 2026"


def test_pdf_prints_vietnamese_page_numbers_footer_and_repeats_the_header() -> None:
    pdf = minutes(120)
    pages = page_texts(pdf)
    assert len(pages) >= 3
    assert VIETNAMESE in pages[0].replace("\r\n", " ").replace("\n", " ")
    assert (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" in pages[0] and "Độc lập - Tự do - Hạnh phúc" in pages[0]
    )
    for number_, text in enumerate(pages, start=1):
        assert f"Trang {number_}/{len(pages)}" in text
        assert FOOTER in text
        assert "STT Mã thẻ Tên tài sản Nguyên giá" in text  # the header row on every page
    everything = "\n".join(pages)
    for i in (1, 60, 120):
        assert f"{i} 52-{i:07d} Máy vi tính số {i} 1.234.567" in everything
    assert f"Cộng {money(1_234_567 * 120)}" in everything
    assert "Người lập" in pages[-1] and "Nguyễn Văn Ánh" in pages[-1]


def test_pdf_is_a4_at_actual_size_with_metadata_and_the_same_bytes_for_the_same_data() -> None:
    pdf = minutes(5)
    assert pdf == minutes(5)
    document = pdfium.PdfDocument(pdf)
    assert tuple(round(side, 1) for side in document[0].get_size()) == (595.3, 841.9)
    meta = document.get_metadata_dict()
    assert meta["Title"] == "Biên bản kiểm kê tài sản"
    assert meta["Keywords"] == "sha256:" + "ab" * 32
    assert meta["CreationDate"].startswith("D:20261203080000+07")
    assert b"/PrintScaling /None" in pdf
    assert b'inv:ContentSHA256="' + b"ab" * 32 + b'"' in pdf
    wide = pdfium.PdfDocument(minutes(5, landscape=True))[0].get_size()
    assert tuple(round(side, 1) for side in wide) == (841.9, 595.3)


def test_pdf_qr_reads_back() -> None:
    document = Document(title="Mã QR", created=CREATED)
    document.qr("https://kiemke.gialai.gov.vn/S/7", x=30, y=30, size_mm=30)
    image = pdfium.PdfDocument(document.render())[0].render(scale=200 / 72, grayscale=True).to_pil()
    codes = [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]
    assert codes == ["https://kiemke.gialai.gov.vn/S/7"]


def test_pdf_table_refuses_a_row_of_the_wrong_width() -> None:
    document = Document(title="x", created=CREATED)
    try:
        document.tabulate(COLUMNS, [("1", "2")])
    except ValueError as error:
        assert "2 cells for 4 columns" in str(error)
    else:
        raise AssertionError("a short row was accepted")


LIST = [
    ListColumn("Mã thẻ", 14),
    ListColumn("Tên tài sản", 30),
    ListColumn("Nguyên giá", 14, "money"),
    ListColumn("Ngày kiểm", 12, "date"),
    ListColumn("Lúc", 16, "datetime"),
]


def test_xlsx_numbers_dates_and_injected_text_read_back() -> None:
    rows = [
        (
            "52-0000001",
            VIETNAMESE,
            Decimal("1234567"),
            date(2026, 12, 3),
            datetime(2026, 12, 3, 8, 30),
        ),
        *((f"52-{i:07d}", text, 0, None, None) for i, text in enumerate(INJECTED, start=2)),
    ]
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(xlsx_bytes([Sheet("Đúng vị trí", LIST, rows)]))
    )
    assert book.sheet_names == ["Đúng vị trí"]
    values = book.get_sheet_by_index(0).to_python()
    assert values[0] == [column.title for column in LIST]
    assert values[1] == [
        "52-0000001",
        VIETNAMESE,
        1234567.0,
        date(2026, 12, 3),
        datetime(2026, 12, 3, 8, 30),
    ]
    assert [row[1] for row in values[2:]] == INJECTED  # text as given, never a formula
    assert all(row[2] == 0.0 for row in values[2:])


def test_xlsx_marks_risky_text_quote_prefixed_and_writes_no_formula() -> None:
    target = io.BytesIO()
    write_xlsx(target, [Sheet("a", LIST[:2], [("=1+1", "ok"), ("safe", "@x")])])
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert 'quotePrefix="1"' in styles
    assert '<pane ySplit="1"' in sheet  # the header row is frozen


def test_sheet_names_follow_excels_rules() -> None:
    data = xlsx_bytes([Sheet("Thiếu/Thừa: [kiểm kê] rất dài hơn ba mươi mốt ký tự", LIST[:1], [])])
    (name,) = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_csv_has_a_bom_and_neutralises_only_text() -> None:
    columns = [ListColumn("Tên"), ListColumn("Giá", kind="money"), ListColumn("Ngày", kind="date")]
    rows = [(VIETNAMESE, Decimal("-5"), date(2026, 12, 3)), *((text, 1, None) for text in INJECTED)]
    data = b"".join(csv_chunks(columns, rows, chunk_size=16))
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[0] == ["Tên", "Giá", "Ngày"]
    assert read[1] == [VIETNAMESE, "-5", "2026-12-03"]  # a negative number is not text
    assert [row[0] for row in read[2:]] == ["'" + text for text in INJECTED]


STREAM_200000 = """
import resource
from datetime import date
from inventory.documents.xlsx import Column, Sheet, xlsx_chunks
columns = [Column("Mã"), Column("Tên"), Column("Giá", kind="money"), Column("Ngày", kind="date")]
rows = ((f"52-{i:07d}", f"Máy vi tính số {i}", i * 1000, date(2026, 1, 1)) for i in range(200_000))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
size = largest = 0
for chunk in xlsx_chunks([Sheet("Danh sách", columns, rows)]):
    size, largest = size + len(chunk), max(largest, len(chunk))
print(size, largest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_a_streamed_200000_row_xlsx_keeps_memory_bounded() -> None:
    # A process of its own: its peak resident size is this workbook's alone (tracemalloc
    # would slow xlsxwriter eightfold).
    out = subprocess.run(
        [sys.executable, "-c", STREAM_200000], capture_output=True, check=True, text=True
    )
    size, largest, grown_kib = map(int, out.stdout.split())
    assert size > 3_000_000  # the rows are really there (about 4.5 MB zipped)
    assert largest <= 64 * 1024
    # Measured: about 1 MB; the same rows held in memory (no constant_memory) take 190 MB.
    assert grown_kib < 40 * 1024, grown_kib
