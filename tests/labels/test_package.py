"""The labels package stands alone: standard library, Pillow and qrcode, nothing else."""

import ast
import sys
from pathlib import Path

import labels

ALLOWED = {"PIL", "qrcode", "labels"}


def test_labels_imports_no_database_no_web_nothing_of_inventory() -> None:
    root = Path(labels.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in ALLOWED or top in sys.stdlib_module_names, f"{path.name}: {name}"


def test_public_api() -> None:
    assert set(labels.__all__) >= {
        "LabelData",
        "STOCKS",
        "get_stock",
        "render_png",
        "render_png_zip",
        "render_pdf",
        "render_zpl",
    }


def test_fonts_and_licence_ship_inside_the_package() -> None:
    from importlib.resources import files

    fonts = files("labels.fonts")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert (fonts / name).is_file(), name
    assert "Bitstream" in (fonts / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
