"""A commune's headquarters and their rooms, as plain data ready to insert.

Each commune has its main headquarters (inherited from one of its former units),
often the old headquarters of another former unit kept as a secondary one, and
often a public administration service center. Rooms follow the commune
departments of Decree 150/2025 (Office of the People's Council and Committee,
Economic, Culture-Social) plus meeting rooms, one-stop counters, archives and
server rooms; a building's floor area is its rooms plus corridors, stairs and
toilets.
"""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from inventory.demo import names
from inventory.demo.province import Commune, Former

# name, purpose, area range (m²), seats range
RoomKind = tuple[str, str, tuple[int, int], tuple[int, int]]

_MAIN_REQUIRED: list[RoomKind] = [
    ("Phòng Bí thư Đảng ủy", "office", (24, 30), (1, 1)),
    ("Phòng Chủ tịch HĐND", "office", (18, 20), (1, 1)),
    ("Phòng Chủ tịch UBND", "office", (18, 20), (1, 1)),
    ("Phòng Phó Chủ tịch UBND phụ trách kinh tế", "office", (16, 20), (1, 1)),
    ("Phòng Phó Chủ tịch UBND phụ trách văn hóa - xã hội", "office", (16, 20), (1, 1)),
    ("Văn phòng HĐND và UBND", "office", (36, 60), (4, 8)),
    ("Phòng Kinh tế", "office", (30, 54), (4, 7)),
    ("Phòng Văn hóa - Xã hội", "office", (30, 54), (4, 7)),
    ("Phòng họp", "meeting", (40, 80), (20, 40)),
    ("Kho lưu trữ", "archive", (15, 40), (0, 0)),
]
_MAIN_OPTIONAL: list[RoomKind] = [
    ("Phòng Phó Bí thư Đảng ủy", "office", (16, 20), (1, 1)),
    ("Phòng Phó Chủ tịch HĐND", "office", (16, 20), (1, 1)),
    ("Phòng Chủ tịch Ủy ban MTTQ Việt Nam", "office", (16, 20), (1, 1)),
    ("Văn phòng Đảng ủy", "office", (24, 40), (3, 5)),
    ("Ủy ban Kiểm tra Đảng ủy", "office", (18, 30), (2, 3)),
    ("Ban Xây dựng Đảng", "office", (18, 30), (2, 4)),
    ("Ủy ban MTTQ Việt Nam và các đoàn thể", "office", (24, 40), (3, 6)),
    ("Ban Chỉ huy Quân sự", "office", (18, 30), (2, 4)),
    ("Phòng họp nhỏ", "meeting", (20, 36), (8, 14)),
    ("Hội trường", "meeting", (100, 120), (80, 120)),
    ("Phòng tiếp công dân", "reception", (15, 30), (2, 6)),
    ("Phòng máy chủ", "server", (12, 16), (0, 0)),
    ("Kho vật tư", "storage", (12, 30), (0, 0)),
    ("Phòng truyền thống", "other", (24, 48), (0, 10)),
    ("Phòng trực", "other", (12, 18), (1, 2)),
]
_WARD_ECONOMIC = "Phòng Kinh tế, Hạ tầng và Đô thị"
_ONE_STOP: RoomKind = ("Bộ phận tiếp nhận và trả kết quả", "reception", (30, 60), (3, 6))

_CENTER_REQUIRED: list[RoomKind] = [
    ("Bộ phận một cửa", "reception", (60, 120), (6, 12)),
    ("Khu vực chờ", "reception", (30, 60), (10, 30)),
    ("Phòng Giám đốc Trung tâm", "office", (16, 20), (1, 1)),
    ("Phòng Phó Giám đốc Trung tâm", "office", (14, 18), (1, 1)),
    ("Kho lưu trữ hồ sơ", "archive", (15, 36), (0, 0)),
    ("Phòng máy chủ", "server", (12, 16), (0, 0)),
]
_CENTER_OPTIONAL: list[RoomKind] = [
    ("Phòng số hóa hồ sơ", "office", (18, 30), (2, 4)),
    ("Phòng trả kết quả", "reception", (18, 30), (2, 3)),
    ("Phòng họp", "meeting", (24, 40), (10, 16)),
    ("Kho vật tư", "storage", (12, 20), (0, 0)),
    ("Phòng chuyên viên", "office", (20, 36), (3, 5)),
    ("Phòng hỗ trợ dịch vụ công trực tuyến", "reception", (15, 24), (2, 4)),
]

_FORMER_REQUIRED: list[RoomKind] = [
    ("Phòng họp", "meeting", (36, 72), (15, 30)),
    ("Kho lưu trữ", "archive", (12, 30), (0, 0)),
]
_FORMER_OPTIONAL: list[RoomKind] = [
    ("Phòng Công chức Địa chính - Xây dựng", "office", (18, 30), (2, 3)),
    ("Phòng Công chức Tư pháp - Hộ tịch", "office", (18, 30), (2, 3)),
    ("Phòng Công chức Văn hóa - Xã hội", "office", (18, 30), (2, 3)),
    ("Phòng Kế toán - Ngân sách", "office", (18, 24), (1, 2)),
    ("Phòng Văn phòng - Thống kê", "office", (18, 30), (2, 3)),
    ("Phòng tiếp công dân", "reception", (15, 24), (2, 4)),
    ("Bộ phận một cửa", "reception", (24, 48), (3, 5)),
    ("Kho vật tư", "storage", (12, 24), (0, 0)),
    ("Phòng làm việc số 1", "office", (15, 24), (1, 3)),
    ("Phòng làm việc số 2", "office", (15, 24), (1, 3)),
    ("Phòng làm việc số 3", "office", (15, 24), (1, 3)),
    ("Hội trường", "meeting", (80, 120), (60, 100)),
    ("Phòng trực", "other", (12, 18), (1, 2)),
]


@dataclasses.dataclass
class RoomPlan:
    name: str
    purpose: str
    floor: int
    area_m2: Decimal
    seats: int


@dataclasses.dataclass
class SitePlan:
    name: str
    role: str  # main_hq | secondary_hq | service_center
    status: str
    condition: str
    origin: Former | None
    address: str
    latitude: float
    longitude: float
    land_area_m2: Decimal
    floor_area_m2: Decimal
    year_built: int
    rooms: list[RoomPlan]


def plan(rng: random.Random, commune: Commune) -> list[SitePlan]:
    """One to three sites for a commune, each with 6-20 rooms."""
    formers = list(commune.formers)
    # The main headquarters was the namesake former unit's, else the first one's.
    main_origin = next(
        (f for f in formers if f.place == commune.place), formers[0] if formers else None
    )
    others = [f for f in formers if f is not main_origin]
    has_old_hq = bool(others) and rng.random() < 0.75
    has_center = rng.random() < 0.6
    level, place = commune.level, commune.place

    main_rooms = list(_MAIN_REQUIRED)
    if commune.kind == "ward":  # a ward's economic department also runs its streets
        main_rooms = [
            (_WARD_ECONOMIC, *kind[1:]) if kind[0] == "Phòng Kinh tế" else kind
            for kind in main_rooms
        ]
    if not has_center:
        main_rooms.append(_ONE_STOP)
    sites = [
        _site(
            rng,
            commune,
            f"Trụ sở UBND {level} {place}",
            "main_hq",
            main_origin,
            main_rooms,
            _MAIN_OPTIONAL,
            (12, 20),
            floors=(2, 3),
        )
    ]
    if has_old_hq:
        old = rng.choice(others)
        sites.append(
            _site(
                rng,
                commune,
                f"Trụ sở HĐND - UBND {old.level} {old.place} (cũ)",
                "secondary_hq",
                old,
                _FORMER_REQUIRED,
                _FORMER_OPTIONAL,
                (6, 12),
                floors=(1, 2),
                town=old.level == "thị trấn",
            )
        )
    if has_center:
        sites.append(
            _site(
                rng,
                commune,
                f"Trung tâm Phục vụ hành chính công {level} {place}",
                "service_center",
                rng.choice(formers) if formers else None,
                _CENTER_REQUIRED,
                _CENTER_OPTIONAL,
                (6, 10),
                floors=(1, 2),
            )
        )
    return sites


def _site(
    rng: random.Random,
    commune: Commune,
    name: str,
    role: str,
    origin: Former | None,
    required: list[RoomKind],
    optional: list[RoomKind],
    count: tuple[int, int],
    floors: tuple[int, int],
    town: bool = False,
) -> SitePlan:
    n_floors = rng.randint(*floors)
    wanted = max(len(required), rng.randint(*count))
    kinds = required + rng.sample(optional, min(len(optional), wanted - len(required)))
    rooms = []
    for room_name, purpose, (lo, hi), (s_lo, s_hi) in kinds:
        # Counters, archives and stores on the ground floor; the rest anywhere.
        ground = purpose in ("reception", "archive", "storage") or room_name == "Hội trường"
        rooms.append(
            RoomPlan(
                name=room_name,
                purpose=purpose,
                floor=1 if ground else rng.randint(1, n_floors),
                area_m2=Decimal(f"{rng.uniform(lo, hi):.1f}"),
                seats=rng.randint(s_lo, s_hi),
            )
        )
    rooms_area = sum(r.area_m2 for r in rooms)
    floor_area = rooms_area * Decimal(f"{rng.uniform(1.25, 1.6):.2f}")
    land_area = floor_area / n_floors * Decimal(rng.randint(3, 9))
    if role == "secondary_hq":
        status = rng.choices(["in_use", "idle", "to_reassign"], [6, 2, 2])[0]
    else:
        status = "in_use"
    year_built = rng.randint(1996, 2012) if role == "secondary_hq" else rng.randint(2000, 2023)
    age = 2025 - year_built
    # Only an old headquarters left behind is ever in ruins.
    condition = rng.choices(
        ["good", "fair", "needs_repair", "broken"],
        [max(1, 20 - age), 8, age / 3, age / 20 if role == "secondary_hq" else 0],
    )[0]
    return SitePlan(
        name=name,
        role=role,
        status=status,
        condition=condition,
        origin=origin,
        address=names.address(rng, commune.level, commune.place, town=town),
        latitude=round(commune.latitude + rng.uniform(-0.03, 0.03), 6),
        longitude=round(commune.longitude + rng.uniform(-0.03, 0.03), 6),
        land_area_m2=land_area.quantize(Decimal("1")),
        floor_area_m2=floor_area.quantize(Decimal("0.1")),
        year_built=year_built,
        rooms=rooms,
    )
