"""Benchmark: the minutes of an 8,000-item handover (form 02/TSC-BBGN) as PDF and as DOCX.

Run: python bench/bench_minutes.py [--items N] [--rounds R]

Times what the minutes job does after reading the handover: `minutes.build` from the rows
(as `minutes.read` gets them from PostgreSQL) and the two renderers, interleaved, --rounds
rounds (default 2). Prints seconds, items per second and pages per second, by the wall
clock and by this process's CPU time (the machine may be shared: the CPU figure is what
one core gives when it is free). A DOCX has no
pages until a word processor lays it out, so its pages per second counts the pages of the
PDF of the same minutes (the same table at the same column widths); its items per second
is its own measure. Names, tags and notes vary like a commune's real inventory, across
the four groups, with received, damaged and missing items.
"""

import argparse
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdfium2

from inventory.handovers import minutes_docx, minutes_pdf
from inventory.handovers.minutes import Minutes, build
from inventory.handovers.schemas import Tally

NAMES = [
    ("C", "Máy vi tính để bàn Dell OptiPlex 3090", "bộ", 18_500_000),
    ("C", "Máy in laser Canon LBP 2900", "cái", 4_200_000),
    ("C", "Điều hòa Daikin 12.000 BTU", "cái", 11_900_000),
    ("C", "Máy photocopy Ricoh MP 2014", "cái", 38_000_000),
    ("D", "Bàn làm việc gỗ 1m4", "cái", 3_100_000),
    ("D", "Ghế xoay văn phòng", "chiếc", 950_000),
    ("D", "Tủ đựng hồ sơ sắt 4 ngăn", "cái", 4_800_000),
    ("D", "Bộ bàn ghế họp 12 chỗ", "bộ", 22_000_000),
    ("B", "Xe ô tô Toyota Innova 7 chỗ", "chiếc", 780_000_000),
    ("A", "Trụ sở UBND xã (cũ), thôn 3", "cơ sở", 0),
]
STATUSES = ["received"] * 17 + ["received_damaged", "missing", "received"]


def handover(count: int) -> tuple[dict, list[dict]]:
    row = {
        "id": 8000,
        "kind": "merger",
        "corrects_id": None,
        "decision_number": "1234/QĐ-UBND",
        "decision_date": date(2025, 7, 1),
        "decision_issuer": "UBND tỉnh Gia Lai",
        "giving_unit_id": 14,
        "receiving_unit_id": 3,
        "giving_unit_name": "Xã Chư Băh (cũ)",
        "receiving_unit_name": "Xã Ia Rbol",
        "place": "Trụ sở UBND xã Ia Rbol",
        "handover_date": date(2025, 7, 20),
        "giver_parties": [{"name": "Nguyễn Văn A", "position": "Chủ tịch UBND xã (cũ)"}],
        "receiver_parties": [{"name": "Trần Thị B", "position": "Chủ tịch UBND xã"}],
        "witness": {"name": "Lê Văn C", "position": "Sở Tài chính"},
        "notes": "",
        "documents_handed_over": "Sổ theo dõi tài sản; hồ sơ đăng ký xe ô tô.",
        "opinions": "",
        "status": "completed",
        "giver_signed_at": datetime(2025, 7, 20, 9, 30, tzinfo=UTC),
        "giver_signer_name": "Nguyễn Văn A",
        "giver_signer_position": "Chủ tịch UBND xã (cũ)",
        "receiver_signed_at": datetime(2025, 7, 20, 10, 0, tzinfo=UTC),
        "receiver_signer_name": "Trần Thị B",
        "receiver_signer_position": "Chủ tịch UBND xã",
    }
    items = []
    for i in range(1, count + 1):
        group, name, unit, cost = NAMES[i % len(NAMES)]
        status = STATUSES[i % len(STATUSES)]
        items.append(
            {
                "id": i,
                "kind": "site" if group == "A" else "asset",
                "site_id": None,
                "room_id": None,
                "asset_id": i,
                "tag": f"52-{i:07d}",
                "name": f"{name} số {i}",
                "form_group": group,
                "unit_of_measure": unit,
                "quantity": 1 if i % 7 else 12,
                "original_cost": cost + i,
                "remaining_value": (cost + i) // 2 if i % 5 else None,
                "condition": "good",
                "notes": "Phòng Kế toán" if i % 3 else "",
                "transfer_status": status,
                "received_condition": "broken" if status == "received_damaged" else None,
                "receipt_note": "Màn hình vỡ" if status == "received_damaged" else "",
            }
        )
    return row, items


def tallies(items: list[dict]) -> tuple[dict[str, Tally], Tally]:
    def tally(rows: list[dict]) -> Tally:
        return Tally(
            len(rows),
            sum(r["quantity"] for r in rows),
            sum(r["original_cost"] for r in rows),
            sum(r["remaining_value"] or 0 for r in rows),
        )

    by_group = {g: tally([r for r in items if r["form_group"] == g]) for g in "ABCD"}
    return by_group, tally(items)


def minutes(count: int) -> Minutes:
    row, items = handover(count)
    by_group, total = tallies(items)
    return build(row, items, by_group, total, "https://taisan.gialai.gov.vn", 8123, "ab" * 32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(
        f"minutes of {args.items} items, {args.rounds} rounds; Python {platform.python_version()},"
        f" fpdf2 {version('fpdf2')}, python-docx {version('python-docx')}"
    )
    times: dict[str, list[float]] = {"build": [], "pdf": [], "docx": []}
    cpu: dict[str, list[float]] = {"build": [], "pdf": [], "docx": []}
    pages = 0
    for round_ in range(args.rounds):
        order = ("pdf", "docx") if round_ % 2 == 0 else ("docx", "pdf")
        start, used = time.perf_counter(), time.process_time()
        data = minutes(args.items)
        times["build"].append(time.perf_counter() - start)
        cpu["build"].append(time.process_time() - used)
        for kind in order:
            start, used = time.perf_counter(), time.process_time()
            renderer = minutes_pdf if kind == "pdf" else minutes_docx
            content = renderer.render(data)
            times[kind].append(time.perf_counter() - start)
            cpu[kind].append(time.process_time() - used)
            if kind == "pdf":
                pages = len(pypdfium2.PdfDocument(content))
            print(
                f"  round {round_ + 1} {kind}: {times[kind][-1]:.2f} s wall,"
                f" {cpu[kind][-1]:.2f} s CPU, {len(content):,} bytes"
            )
    print(f"pages (PDF, A4): {pages}")
    for kind, label in (("build", "data"), ("pdf", "PDF"), ("docx", "DOCX")):
        for clock, measured in (("wall", times[kind]), ("CPU", cpu[kind])):
            median = statistics.median(measured)
            line = f"{label:5} {clock:4} median {median:6.2f} s {args.items / median:8.0f} items/s"
            if kind != "build":
                line += f" {pages / median:6.1f} pages/s"
            print(line)


if __name__ == "__main__":
    main()
