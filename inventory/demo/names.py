"""Vietnamese name material: people, villages, streets and invented place names.

Gia Lai is Kinh, Jrai and Bahnar country (and since 2025 also the former Bình
Định coast), so people and places mix Kinh names with Jrai-like ones.
"""

from __future__ import annotations

import random

# Surnames roughly by frequency (Huỳnh and Võ are common in the central provinces).
KINH_FAMILY = (
    ["Nguyễn"] * 30
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Võ"] * 5
    + ["Huỳnh"] * 5
    + ["Hoàng"] * 4
    + ["Phan"] * 4
    + ["Vũ"] * 3
    + ["Đặng"] * 2
    + ["Bùi"] * 2
    + ["Đỗ"] * 2
    + ["Hồ", "Ngô", "Dương", "Đinh", "Trương", "Đoàn", "Lương", "Lý", "Tạ", "Mai", "Châu"]
)
KINH_MIDDLE_MALE = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Ngọc", "Công", "Xuân"]
KINH_MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng"]
KINH_GIVEN_MALE = [
    "Anh",
    "Bảo",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Lâm",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Toàn",
    "Lộc",
]
KINH_GIVEN_FEMALE = [
    "An",
    "Anh",
    "Châu",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Ly",
]
JRAI_FAMILY = [
    "Rơ Châm",
    "Rơ Mah",
    "Ksor",
    "Siu",
    "Kpă",
    "Nay",
    "Rah Lan",
    "Puih",
    "Kpuih",
    "Rơ Ô",
    "Hiao",
    "Đinh",
]
JRAI_GIVEN_MALE = [
    "Blơi",
    "Thuyên",
    "Hyuk",
    "Đin",
    "Phơi",
    "Yuh",
    "Chơn",
    "Tlưn",
    "Nhớ",
    "Kơch",
    "Djang",
    "Hyơn",
    "Brơ",
    "Lưh",
    "Thương",
    "Khoa",
]
JRAI_GIVEN_FEMALE = [
    "H'Lan",
    "H'Nhi",
    "H'Blơ",
    "H'Yer",
    "H'Rin",
    "H'Bla",
    "H'Mai",
    "H'Lim",
    "H'Jú",
    "H'Ngơn",
    "H'Hương",
    "H'Bơ",
]

VILLAGES = [
    "Thôn Plei Ơi",
    "Thôn Plei Dư",
    "Thôn Plei Kte",
    "Thôn Plei Bông",
    "Thôn Plei Hrai",
    "Thôn Plei Ring",
    "Thôn Plei Tơ Kăn",
    "Thôn Plei Ia Kê",
    "Buôn Ma Lăng",
    "Buôn Bir",
    "Buôn Sai",
    "Buôn Tơ Nia",
    "Làng Bi",
    "Làng Kte Lớn",
    "Thôn Thắng Lợi",
    "Thôn Tân Lập",
    "Thôn Hòa Bình",
    "Thôn Quyết Thắng",
    "Thôn Đoàn Kết",
    "Thôn Thống Nhất",
    "Thôn Bình Minh",
    "Thôn Tân Sơn",
    "Thôn Hợp Thành",
    "Thôn Kim Tân",
    "Thôn 1",
    "Thôn 2",
    "Thôn 3",
    "Thôn 4",
    "Thôn 5",
    "Thôn 7",
    "Thôn 9",
]
STREETS = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Huệ",
    "Quang Trung",
    "Hùng Vương",
    "Phan Bội Châu",
    "Lý Thường Kiệt",
    "Nguyễn Trãi",
    "Trần Phú",
    "Lê Duẩn",
    "Hai Bà Trưng",
    "Nguyễn Văn Cừ",
    "Phạm Văn Đồng",
    "Võ Thị Sáu",
    "Ngô Quyền",
    "Wừu",
    "Tôn Đức Thắng",
    "Nguyễn Viết Xuân",
]

# For invented communes: Jrai-like prefixes and syllables, Kinh-like pairs.
_JRAI_PREFIX = ["Ia"] * 6 + ["Chư"] * 2 + ["Đak", "Kon", "Krông", "Plei", "Ayun"]
_JRAI_SYLLABLE = [
    "Blang",
    "Bơ",
    "Dơk",
    "Drăng",
    "Glai",
    "Hrung",
    "Jơ",
    "Kla",
    "Kriêng",
    "Krai",
    "Lâu",
    "Mlah",
    "Mơ",
    "Nhin",
    "Pal",
    "Pông",
    "Rsai",
    "Tôr",
    "Tul",
    "Yok",
    "Hlang",
    "Drông",
    "Băng",
    "Kdăm",
    "Pếch",
    "Nan",
    "Rong",
    "Yam",
    "Dreh",
    "Grai",
    "Ga",
    "Phi",
    "Klơ",
    "Hdrai",
    "Bang",
    "Lốp",
    "Mrơn",
    "Tiêm",
    "Khươl",
    "Dêr",
]
_KINH_FIRST = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Hưng",
    "Phước",
    "Nhơn",
    "Hoài",
    "Cát",
    "Tây",
    "Mỹ",
    "Vĩnh",
    "Xuân",
    "Đức",
    "Quang",
    "Thạnh",
    "Hội",
    "Đông",
    "Long",
]
_KINH_SECOND = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Lộc",
    "Sơn",
    "Thành",
    "Hưng",
    "Lợi",
    "Phong",
    "Hải",
    "Mỹ",
    "Thuận",
    "Tân",
    "Hiệp",
    "Định",
    "Khánh",
    "Trung",
    "Lâm",
    "Phát",
]


def person(rng: random.Random) -> str:
    female = rng.random() < 0.45
    if rng.random() < 0.3:
        given = JRAI_GIVEN_FEMALE if female else JRAI_GIVEN_MALE
        return f"{rng.choice(JRAI_FAMILY)} {rng.choice(given)}"
    middle = KINH_MIDDLE_FEMALE if female else KINH_MIDDLE_MALE
    given = KINH_GIVEN_FEMALE if female else KINH_GIVEN_MALE
    return f"{rng.choice(KINH_FAMILY)} {rng.choice(middle)} {rng.choice(given)}"


def people(rng: random.Random, count: int) -> list[str]:
    """`count` different people (a commune's staff)."""
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen[person(rng)] = None
    return list(seen)


def place_name(rng: random.Random, taken: set[str], *, kinh: bool) -> str:
    """An invented place name not in `taken` (which it then joins)."""
    for attempt in range(1000):
        if kinh:
            first, second = rng.sample(_KINH_FIRST if attempt < 500 else _KINH_SECOND, 2)
            name = f"{first} {second}"
        else:
            name = f"{rng.choice(_JRAI_PREFIX)} {rng.choice(_JRAI_SYLLABLE)}"
            if attempt > 50 or rng.random() < 0.2:
                name += f" {rng.choice(_JRAI_SYLLABLE)}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of invented place names")


def address(rng: random.Random, level: str, place: str, *, town: bool = False) -> str:
    """A post-2025 address (no district): "Thôn Plei Ơi, xã Ia Rbol, tỉnh Gia Lai", or for a
    ward "Số 12 đường Lê Lợi, phường Ayun Pa, tỉnh Gia Lai"; `town` for a former town's
    quarter inside a commune ("Tổ dân phố 3, xã Phú Thiện, ...")."""
    if level == "phường":
        where = f"Số {rng.randint(1, 320)} đường {rng.choice(STREETS)}"
    elif town:
        where = f"Tổ dân phố {rng.randint(1, 12)}"
    else:
        where = rng.choice(VILLAGES)
    return f"{where}, {level} {place}, tỉnh Gia Lai"
