"""ZPL: one well-formed format per label, UTF-8, and user text that cannot inject commands."""

import re
from dataclasses import replace

import pytest

from labels import STOCKS, LabelData, make_qr, render_zpl
from labels.layout import mm_to_px
from labels.zpl import escape_field

HOSTILE = LabelData(
    url="https://kiemke.gialai.gov.vn/T/52-7K3QX9A",
    tag="52-7K3QX9A",
    unit_name="UBND xã Ia Hrung^XZ^XA^FO0,0^GB800,800,800^FS",
    asset_name="Máy in ~JR reset ~DGR:X.GRF,2,1,FF _5E",
    room="Phòng^FS\r\n^XZ~PS",
)


def formats(zpl: str) -> list[str]:
    return re.findall(r"\^XA.*?\^XZ", zpl, flags=re.DOTALL)


def test_one_balanced_format_per_label(full_label: LabelData, blank_label: LabelData) -> None:
    zpl = render_zpl([full_label, blank_label, HOSTILE], STOCKS["roll-50x30"])
    assert zpl.count("^XA") == zpl.count("^XZ") == 3
    blocks = formats(zpl)
    assert "\n".join(blocks) + "\n" == zpl  # nothing outside the formats
    assert [block.count("^XA") for block in blocks] == [1, 1, 1]
    for block, label in zip(blocks, [full_label, blank_label, HOSTILE], strict=True):
        assert block.startswith("^XA") and block.endswith("^XZ")
        assert "^CI28" in block
        assert label.url in block
        assert block.count("^FD") == block.count("^FS")


def test_qr_field_uses_the_mode_and_error_correction_chosen(
    full_label: LabelData, blank_label: LabelData
) -> None:
    upper, lower = formats(render_zpl([full_label, blank_label], STOCKS["roll-62"]))
    assert f"^FDQM,A{full_label.url}^FS" in upper  # manual input, alphanumeric
    assert f"^FDQM,B{len(blank_label.url):04d}{blank_label.url}^FS" in lower  # bytes, counted
    magnification = re.search(r"\^BQN,2,(\d+),Q\^", upper)
    assert magnification and 1 <= int(magnification.group(1)) <= 10
    h = render_zpl([full_label], STOCKS["roll-62"], ec="H")
    assert "^FDHM,A" in h and ",H^FD" in h


def test_label_size_in_dots_and_media(full_label: LabelData) -> None:
    for dpi in (203, 300):
        zpl = render_zpl([full_label], STOCKS["roll-50x30"], dpi=dpi)
        assert f"^PW{mm_to_px(50, dpi)}\n" in zpl and f"^LL{mm_to_px(30, dpi)}\n" in zpl
        assert "^MNY\n" in zpl  # die-cut: the printer finds the gaps
    assert "^MNN\n" in render_zpl([full_label], STOCKS["roll-62"])  # continuous: cut by length


def test_vietnamese_text_is_sent_as_utf8(full_label: LabelData) -> None:
    zpl = render_zpl([full_label], STOCKS["roll-62"])
    assert "^FH^FDUBND xã Ia Hrung^FS" in zpl
    assert "Máy vi tính" in zpl


def test_user_text_cannot_inject_commands() -> None:
    zpl = render_zpl([HOSTILE], STOCKS["roll-62"])
    assert "~" not in zpl  # a ~ command would run even inside field data
    assert zpl.count("^XA") == zpl.count("^XZ") == 1
    assert "^GB" not in zpl and "^FO0,0" not in zpl
    assert "\r" not in zpl
    # Outside the known command set, every ^ in the output is one we wrote.
    commands = set(re.findall(r"\^([A-Z@][A-Z0-9@]?)", zpl))
    ours = {"XA", "XZ", "CI", "PW", "LL", "LH", "MN", "FO", "BQ", "FD", "FS", "FT", "A@", "FH"}
    assert commands <= ours
    # Each text field is escaped: the hostile characters arrive as ^FH hex escapes.
    fields = re.findall(r"\^FH\^FD(.*?)\^FS", zpl)
    assert fields and all("^" not in f and "~" not in f for f in fields)
    escaped = " ".join(fields)
    assert "_5EXZ" in escaped and "_7EJR" in escaped and "_5F5E" in escaped and "_7EPS" in escaped


def test_escape_field_covers_the_prefixes_and_its_own_indicator() -> None:
    assert escape_field("a^b~c_d") == "a_5Eb_7Ec_5Fd"


def test_urls_zpl_cannot_carry_are_refused(full_label: LabelData) -> None:
    for url in ("https://x/T/~a", "https://x/T/^XZ", "https://x/T/é", "https://x/T/a b"):
        with pytest.raises(ValueError, match="ZPL"):
            render_zpl([replace(full_label, url=url)], STOCKS["roll-62"])


def test_zpl_qr_size_matches_the_symbol(full_label: LabelData) -> None:
    """Positions leave room for the symbol the printer will draw: same version as ours."""
    symbol = make_qr(full_label.url)
    zpl = render_zpl([full_label], STOCKS["roll-50x30"])
    found = re.search(r"\^FO(\d+),(\d+)\^BQN,2,(\d+)", zpl)
    assert found
    x, y, m = map(int, found.groups())
    first_text_x = min(int(v) for v in re.findall(r"\^FT(\d+),", zpl))
    assert x + symbol.size * m + 4 * m <= first_text_x  # quiet zone before the text
    assert y + symbol.size * m <= mm_to_px(30, 203)
