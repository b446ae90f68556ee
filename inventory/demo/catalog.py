"""Asset categories for the form 02 groups, and the things a commune office holds.

Wear rates follow the table in domain/norms.md (low-medium confidence):
buildings by grade, cars 6.67%, other vehicles 10%, desk and meeting sets and
safes 10%, cabinets and air-conditioners 12.5%, computers, printers, scanners,
photocopiers and phones 14.29%, other machinery 20%.

`norm_item` names the equipment norm a category counts toward (Decision
15/2025/QĐ-TTg): computer, printer, phone, desk_set, cabinet, meeting_set
(meeting or reception set), scanner, shredder, photocopier, document_shelf. A
desk stands for a desk set (the desk is 60% of the set's price; the chair is
not counted on its own).

Prices are typical 2020s purchase prices in million VND, inside the norm's
maximums where there is one.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Category:
    code: str
    name: str
    form_group: str  # A buildings, B cars, C machinery and equipment, D other
    wear_rate: float
    norm_item: str | None = None


CATEGORIES = [
    Category("A-NLV1", "Nhà làm việc cấp I", "A", 0.0125),
    Category("A-NLV2", "Nhà làm việc cấp II", "A", 0.02),
    Category("A-NLV3", "Nhà làm việc cấp III", "A", 0.04),
    Category("A-NLV4", "Nhà làm việc cấp IV", "A", 0.0667),
    Category("A-HT3", "Hội trường cấp III", "A", 0.04),
    Category("A-HT4", "Hội trường cấp IV", "A", 0.0667),
    Category("A-KHO4", "Nhà kho cấp IV", "A", 0.0667),
    Category("B-OTO", "Xe ô tô phục vụ công tác chung", "B", 0.0667),
    Category("B-OTOCD", "Xe ô tô chuyên dùng", "B", 0.0667),
    Category("C-MTDB", "Máy vi tính để bàn", "C", 0.1429, "computer"),
    Category("C-MTXT", "Máy tính xách tay", "C", 0.1429, "computer"),
    Category("C-MCH", "Máy chủ", "C", 0.1429),
    Category("C-MIN", "Máy in", "C", 0.1429, "printer"),
    Category("C-PHOTO", "Máy photocopy", "C", 0.1429, "photocopier"),
    Category("C-SCAN", "Máy scan", "C", 0.1429, "scanner"),
    Category("C-DT", "Điện thoại cố định", "C", 0.1429, "phone"),
    Category("C-HUY", "Máy hủy tài liệu", "C", 0.20, "shredder"),
    Category("C-DH", "Máy điều hòa nhiệt độ", "C", 0.125),
    Category("C-MC", "Máy chiếu, màn chiếu", "C", 0.20),
    Category("C-TV", "Ti vi, màn hình hiển thị", "C", 0.20),
    Category("C-AT", "Thiết bị âm thanh", "C", 0.20),
    Category("C-TBM", "Thiết bị mạng", "C", 0.20),
    Category("C-LD", "Bộ lưu điện (UPS)", "C", 0.20),
    Category("C-CAM", "Camera giám sát", "C", 0.20),
    Category("C-MPD", "Máy phát điện", "C", 0.20),
    Category("C-XMT", "Xe mô tô", "C", 0.10),
    Category("C-KHAC", "Máy móc, thiết bị khác", "C", 0.20),
    Category("D-BLV", "Bàn làm việc", "D", 0.10, "desk_set"),
    Category("D-GHE", "Ghế làm việc", "D", 0.10),
    Category("D-BGH", "Bộ bàn ghế họp", "D", 0.10, "meeting_set"),
    Category("D-BGTK", "Bộ bàn ghế tiếp khách", "D", 0.10, "meeting_set"),
    Category("D-TU", "Tủ đựng tài liệu", "D", 0.125, "cabinet"),
    Category("D-GIA", "Giá để tài liệu", "D", 0.125, "document_shelf"),
    Category("D-KET", "Két sắt", "D", 0.10),
    Category("D-GHT", "Ghế hội trường", "D", 0.10),
    Category("D-QUAT", "Quạt điện", "D", 0.20),
    Category("D-KHAC", "Đồ gỗ, nội thất khác", "D", 0.10),
]


@dataclasses.dataclass(frozen=True)
class Item:
    """A kind of thing: its category, how its name starts, unit, and the models on sale.

    models: (name suffix, model, price in million VND); serial: prefixes of serial
    numbers (empty for furniture); lot: largest quantity of a counted lot (1: never).
    """

    category: str
    stem: str
    unit: str
    models: tuple[tuple[str, str, float], ...]
    serial: tuple[str, ...] = ()
    lot: int = 1


ITEMS: dict[str, Item] = {
    "desktop": Item(
        "C-MTDB",
        "Máy tính để bàn",
        "bộ",
        (
            ("Dell OptiPlex 3080", "OptiPlex 3080", 17.5),
            ("Dell OptiPlex 7090", "OptiPlex 7090", 19.8),
            ("HP ProDesk 400 G7", "ProDesk 400 G7", 16.8),
            ("HP 280 Pro G6", "280 Pro G6", 13.9),
            ("Lenovo ThinkCentre M70s", "ThinkCentre M70s", 15.9),
            ("FPT Elead T820", "Elead T820", 13.5),
            ("CMS X-Media", "X-Media", 12.2),
            ("Asus ExpertCenter D500", "ExpertCenter D500", 14.5),
        ),
        ("CN0", "VNC", "SGH", "PC0", "FPT"),
    ),
    "laptop": Item(
        "C-MTXT",
        "Máy tính xách tay",
        "chiếc",
        (
            ("Dell Latitude 3420", "Latitude 3420", 19.9),
            ("Dell Vostro 3510", "Vostro 3510", 16.5),
            ("HP ProBook 450 G8", "ProBook 450 G8", 18.9),
            ("Lenovo ThinkPad E14", "ThinkPad E14", 19.5),
            ("Asus ExpertBook B1", "ExpertBook B1", 15.5),
        ),
        ("5CD", "PF3", "CN0"),
    ),
    "server": Item(
        "C-MCH",
        "Máy chủ",
        "chiếc",
        (
            ("Dell PowerEdge T150", "PowerEdge T150", 48.0),
            ("HPE ProLiant ML30 Gen10", "ProLiant ML30 Gen10", 52.0),
            ("Lenovo ThinkSystem ST50", "ThinkSystem ST50", 38.0),
        ),
        ("CZ2", "J3X", "S4N"),
    ),
    "printer": Item(
        "C-MIN",
        "Máy in",
        "chiếc",
        (
            ("Canon LBP 2900", "LBP 2900", 3.9),
            ("Canon LBP 6030", "LBP 6030", 3.2),
            ("HP LaserJet Pro M404dn", "LaserJet Pro M404dn", 8.5),
            ("Brother HL-L2366DW", "HL-L2366DW", 4.2),
            ("Canon LBP 226dw", "LBP 226dw", 8.9),
            ("Epson L3150", "L3150", 4.5),
        ),
        ("KHM", "VNB", "E7Z", "X4B"),
    ),
    "photocopier": Item(
        "C-PHOTO",
        "Máy photocopy",
        "chiếc",
        (
            ("Toshiba e-Studio 2829A", "e-Studio 2829A", 45.0),
            ("Ricoh MP 3555", "MP 3555", 78.0),
            ("Canon iR 2625", "iR 2625", 62.0),
            ("Fujifilm Apeos 2560", "Apeos 2560", 70.0),
            ("Sharp AR-6023N", "AR-6023N", 55.0),
        ),
        ("CNB", "E17", "XGL", "06"),
    ),
    "scanner": Item(
        "C-SCAN",
        "Máy scan",
        "chiếc",
        (
            ("Canon DR-C230", "DR-C230", 18.0),
            ("Fujitsu fi-7160", "fi-7160", 21.5),
            ("Epson DS-530 II", "DS-530 II", 16.5),
            ("HP ScanJet Pro 3000 s4", "ScanJet Pro 3000 s4", 15.8),
        ),
        ("GH1", "A2D", "X5C"),
    ),
    "phone": Item(
        "C-DT",
        "Điện thoại cố định",
        "chiếc",
        (
            ("Panasonic KX-TS500", "KX-TS500", 0.45),
            ("Panasonic KX-TS880", "KX-TS880", 0.9),
            ("Panasonic KX-TGC310", "KX-TGC310", 1.1),
        ),
    ),
    "shredder": Item(
        "C-HUY",
        "Máy hủy tài liệu",
        "chiếc",
        (
            ("Silicon PS-2000C", "PS-2000C", 6.5),
            ("Bosser 130X", "130X", 5.2),
            ("HSM Securio B22", "Securio B22", 9.8),
            ("Ziba PC-425CD", "PC-425CD", 4.8),
        ),
        ("SN",),
    ),
    "aircon": Item(
        "C-DH",
        "Máy điều hòa",
        "bộ",
        (
            ("Daikin 12.000 BTU FTKB35WAVMV", "FTKB35WAVMV", 11.5),
            ("Panasonic 12.000 BTU CU/CS-N12ZKH-8", "CU/CS-N12ZKH-8", 10.9),
            ("LG 9.000 BTU V10WIN", "V10WIN", 9.5),
            ("Casper 12.000 BTU SC-12FS33", "SC-12FS33", 6.8),
            ("Daikin 18.000 BTU FTF50UV1V", "FTF50UV1V", 17.5),
            ("Nagakawa 12.000 BTU NS-C12R2T30", "NS-C12R2T30", 6.5),
            ("tủ đứng LG 28.000 BTU ZPNQ30GR5E0", "ZPNQ30GR5E0", 32.0),
        ),
        ("E1", "4K", "VN"),
    ),
    "projector": Item(
        "C-MC",
        "Máy chiếu",
        "chiếc",
        (
            ("Epson EB-X51", "EB-X51", 14.5),
            ("Epson EB-E01", "EB-E01", 11.0),
            ("ViewSonic PA503X", "PA503X", 9.5),
            ("Panasonic PT-LB386", "PT-LB386", 17.0),
        ),
        ("X5K", "VS8", "DA3"),
    ),
    "screen": Item(
        "C-MC",
        "Màn chiếu",
        "chiếc",
        (
            ("điện Dalite 120 inch", "Dalite 120 inch", 3.5),
            ("treo tường Apollo 100 inch", "Apollo 100 inch", 1.6),
        ),
    ),
    "tv": Item(
        "C-TV",
        "Ti vi",
        "chiếc",
        (
            ("Samsung 55 inch UA55AU7700", "UA55AU7700", 13.0),
            ("Sony 55 inch KD-55X80K", "KD-55X80K", 18.0),
            ("LG 65 inch 65UQ7550", "65UQ7550", 17.0),
            ("TCL 50 inch 50P635", "50P635", 7.5),
        ),
        ("0B8", "5A2", "TC1"),
    ),
    "sound": Item(
        "C-AT",
        "Bộ âm thanh hội trường",
        "bộ",
        (
            ("JBL", "JBL KP6012", 45.0),
            ("Bosch", "Bosch LBB 1935", 60.0),
            ("Jarguar - BMB", "Jarguar PA-506N", 25.0),
        ),
        ("AT",),
    ),
    "switch": Item(
        "C-TBM",
        "Thiết bị mạng",
        "chiếc",
        (
            ("Switch Cisco CBS250-24T", "CBS250-24T-4G", 9.5),
            ("Switch TP-Link TL-SG1024D", "TL-SG1024D", 1.8),
            ("Router DrayTek Vigor2927", "Vigor2927", 5.6),
            ("Bộ phát WiFi TP-Link EAP225", "EAP225", 1.7),
            ("Tường lửa Fortinet FortiGate 40F", "FortiGate 40F", 19.0),
            ("Tủ mạng 42U", "Rack 42U", 8.5),
        ),
        ("FOC", "221", "FGT", "TP"),
    ),
    "ups": Item(
        "C-LD",
        "Bộ lưu điện",
        "bộ",
        (
            ("Santak Blazer 1000 Pro", "Blazer 1000 Pro", 2.5),
            ("APC BX1100CI-MS", "BX1100CI-MS", 3.2),
            ("Santak C3K", "C3K", 12.0),
        ),
        ("SK", "3B"),
    ),
    "camera": Item(
        "C-CAM",
        "Camera giám sát",
        "bộ",
        (
            ("Hikvision 8 kênh", "DS-7208HGHI + 8 camera", 18.0),
            ("Dahua IPC-HFW1230S", "IPC-HFW1230S", 1.2),
            ("KBVision KX-2011S4", "KX-2011S4", 1.5),
        ),
        ("HK", "DH", "KB"),
    ),
    "generator": Item(
        "C-MPD",
        "Máy phát điện",
        "chiếc",
        (("Honda EP4000CX", "EP4000CX", 16.0), ("Kama KGE6500X", "KGE6500X", 18.5)),
        ("GC", "KM"),
    ),
    "queue": Item(
        "C-KHAC",
        "Máy lấy số thứ tự tự động",
        "bộ",
        (("Hitechvn", "QMS-01", 29.0), ("Tân Dân", "TD-Q5", 26.0)),
        ("Q",),
    ),
    "kiosk": Item(
        "C-KHAC",
        "Màn hình tra cứu thủ tục hành chính",
        "bộ",
        (("cảm ứng 43 inch", "Kiosk 43 inch", 35.0),),
        ("KS",),
    ),
    "desk": Item(
        "D-BLV",
        "Bàn làm việc",
        "cái",
        (
            ("gỗ Hòa Phát HP1600", "HP1600", 4.2),
            ("Hòa Phát AT140", "AT140", 3.1),
            ("Xuân Hòa BLV-14-00", "BLV-14-00", 3.5),
            ("lãnh đạo gỗ xoan đào", "Xoan đào 1m8", 7.8),
            ("gỗ công nghiệp Fami", "Fami SD1400", 2.6),
        ),
    ),
    "chair": Item(
        "D-GHE",
        "Ghế",
        "cái",
        (
            ("xoay Hòa Phát SG550", "SG550", 1.1),
            ("Xuân Hòa GM-05", "GM-05", 0.9),
            ("lưới Hòa Phát GL109", "GL109", 1.5),
            ("lãnh đạo da Hòa Phát SG912", "SG912", 3.6),
            ("gấp Xuân Hòa GS-02", "GS-02", 0.4),
        ),
        lot=12,
    ),
    "meeting_set": Item(
        "D-BGH",
        "Bộ bàn ghế họp",
        "bộ",
        (
            ("Hòa Phát HP3600 14 chỗ", "HP3600", 13.0),
            ("Xuân Hòa 12 chỗ", "BH-12", 12.0),
            ("gỗ xoan đào 20 chỗ", "Xoan đào 20 chỗ", 13.0),
        ),
    ),
    "reception_set": Item(
        "D-BGTK",
        "Bộ bàn ghế tiếp khách",
        "bộ",
        (("gỗ xoan đào", "Salon xoan đào", 12.5), ("Hòa Phát SF33", "SF33", 9.8)),
    ),
    "cabinet": Item(
        "D-TU",
        "Tủ đựng tài liệu",
        "cái",
        (
            ("sắt Hòa Phát TU09", "TU09", 3.2),
            ("Xuân Hòa TU-08", "TU-08", 2.9),
            ("gỗ Hòa Phát DC1850H", "DC1850H", 4.8),
            ("gỗ 3 buồng", "Tủ 3 buồng", 6.5),
        ),
    ),
    "shelf": Item(
        "D-GIA",
        "Giá để tài liệu",
        "cái",
        (
            ("sắt V lỗ 5 tầng", "V lỗ 5 tầng", 1.2),
            ("sắt Xuân Hòa GS-05", "GS-05", 1.4),
            ("di động Hòa Phát", "Compactor MCF", 1.5),
        ),
    ),
    "safe": Item(
        "D-KET", "Két sắt", "cái", (("Hòa Phát KS90", "KS90", 6.5), ("Việt Tiệp K50", "K50", 4.9))
    ),
    "hall_chairs": Item(
        "D-GHT",
        "Ghế hội trường",
        "cái",
        (("Hòa Phát TC-03", "TC-03", 1.3), ("Xuân Hòa GH-01", "GH-01", 1.1)),
        lot=100,
    ),
    "fan": Item(
        "D-QUAT",
        "Quạt",
        "cái",
        (
            ("đứng Panasonic F-409K", "F-409K", 1.9),
            ("treo tường KDK M40M", "M40M", 1.2),
            ("đứng Senko DH1600", "DH1600", 0.4),
            ("trần Panasonic F-60MZ2", "F-60MZ2", 1.6),
        ),
        lot=6,
    ),
    "podium": Item(
        "D-KHAC",
        "Bục phát biểu",
        "cái",
        (("gỗ có tượng Bác", "Bục gỗ", 4.5), ("mica", "Bục mica", 2.8)),
    ),
    "counter": Item(
        "D-KHAC",
        "Quầy giao dịch một cửa",
        "bộ",
        (("gỗ 2 chỗ", "Quầy 2 chỗ", 15.0), ("gỗ 3 chỗ", "Quầy 3 chỗ", 19.0)),
    ),
}

# Serial number prefixes by brand (the first word of a model's name suffix that is a
# brand); an item's own prefixes serve for anything else.
SERIAL_PREFIX = {
    "Dell": "CN0",
    "HP": "VNC",
    "HPE": "CZJ",
    "Lenovo": "PC0",
    "FPT": "FPT",
    "CMS": "CMS",
    "Asus": "R9N",
    "Canon": "KHM",
    "Brother": "E7Z",
    "Epson": "X4B",
    "Toshiba": "CNB",
    "Ricoh": "E17",
    "Fujifilm": "FX",
    "Sharp": "5SH",
    "Fujitsu": "A2D",
    "Daikin": "E1",
    "Panasonic": "6K",
    "LG": "LG",
    "Casper": "CSP",
    "Nagakawa": "NGK",
    "ViewSonic": "VS8",
    "Samsung": "0B8",
    "Sony": "S01",
    "TCL": "TC1",
    "Cisco": "FOC",
    "TP-Link": "TP",
    "DrayTek": "DT",
    "Fortinet": "FGT",
    "Santak": "SK",
    "APC": "3B",
    "Hikvision": "HK",
    "Dahua": "DH",
    "KBVision": "KB",
    "Honda": "GC",
    "Kama": "KM",
    "Bosch": "BS",
    "JBL": "JB",
}

# What each kind of room holds, as relative weights.
ROOM_ITEMS: dict[str, dict[str, float]] = {
    "office": {
        "desktop": 18,
        "laptop": 5,
        "printer": 7,
        "phone": 7,
        "desk": 14,
        "chair": 16,
        "cabinet": 10,
        "shelf": 3,
        "aircon": 6,
        "fan": 3,
        "ups": 3,
        "scanner": 1,
        "shredder": 1,
        "safe": 0.5,
        "reception_set": 1,
    },
    "meeting": {
        "meeting_set": 8,
        "chair": 8,
        "aircon": 8,
        "projector": 5,
        "screen": 3,
        "tv": 5,
        "sound": 4,
        "fan": 3,
        "hall_chairs": 4,
        "podium": 2,
        "camera": 1,
    },
    "reception": {
        "desktop": 14,
        "printer": 6,
        "scanner": 6,
        "chair": 10,
        "counter": 6,
        "queue": 2,
        "kiosk": 2,
        "tv": 3,
        "aircon": 5,
        "camera": 3,
        "fan": 3,
        "phone": 4,
        "hall_chairs": 3,
        "photocopier": 2,
        "shredder": 1,
    },
    "archive": {
        "shelf": 20,
        "cabinet": 14,
        "aircon": 3,
        "scanner": 2,
        "fan": 2,
        "safe": 1,
        "shredder": 1,
    },
    "storage": {
        "shelf": 6,
        "cabinet": 4,
        "chair": 8,
        "fan": 4,
        "generator": 3,
        "hall_chairs": 3,
        "desk": 4,
        "tv": 2,
        "printer": 2,
    },
    "server": {"server": 10, "switch": 14, "ups": 12, "aircon": 6, "camera": 3},
    "other": {"desk": 6, "chair": 8, "cabinet": 5, "fan": 4, "tv": 3, "desktop": 4, "aircon": 3},
}

# Vehicles, kept out of rooms: (category, name, model, price in million VND)
CARS = [
    ("B-OTO", "Xe ô tô 7 chỗ Toyota Innova", "Innova 2.0E", 750.0),
    ("B-OTO", "Xe ô tô 7 chỗ Toyota Fortuner", "Fortuner 2.4", 1050.0),
    ("B-OTO", "Xe ô tô 7 chỗ Mitsubishi Pajero Sport", "Pajero Sport", 980.0),
    ("B-OTOCD", "Xe ô tô bán tải Ford Ranger", "Ranger XLS", 690.0),
    ("B-OTOCD", "Xe ô tô bán tải Toyota Hilux", "Hilux 2.4", 780.0),
]
MOTORBIKES = [
    ("C-XMT", "Xe mô tô Honda Wave Alpha", "Wave Alpha 110", 18.5),
    ("C-XMT", "Xe mô tô Honda Future 125", "Future 125", 31.0),
    ("C-XMT", "Xe mô tô Yamaha Sirius", "Sirius 110", 21.0),
]
