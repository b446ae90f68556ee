"""A commune's assets as rows for COPY: what its rooms hold, bought over the years.

Rooms get things in proportion to their use (an office of four gets more than
the archive), the kinds of things their purpose calls for, and a custodian.
Older things are more often worn or broken; broken ones are mostly waiting for
disposal or in storage. Vehicles stand at the main headquarters, in no room.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator, Sequence
from itertools import accumulate

from inventory.demo.catalog import CARS, ITEMS, MOTORBIKES, ROOM_ITEMS, SERIAL_PREFIX

COLUMNS = (
    "tag",
    "name",
    "category_id",
    "model",
    "serial",
    "unit_of_measure",
    "quantity",
    "acquisition_year",
    "original_cost",
    "remaining_value",
    "funding_source",
    "condition",
    "status",
    "holder_unit_id",
    "site_id",
    "room_id",
    "origin_unit_id",
    "ownership",
    "custodian",
)

FUNDING = [
    "Ngân sách nhà nước",
    "Ngân sách xã",
    "Chương trình MTQG xây dựng nông thôn mới",
    "Nguồn viện trợ, tài trợ",
    "Quỹ phát triển hoạt động sự nghiệp",
]
_FUNDING_CUM = list(accumulate([70, 14, 9, 4, 3]))
_LAST_YEAR = 2025
# How often a thing in a site came from the unit the site came from.
_KEEPS_ORIGIN = {"secondary_hq": 0.85, "main_hq": 0.5, "service_center": 0.3}


@dataclasses.dataclass(frozen=True)
class Room:
    id: int
    site_id: int
    site_role: str
    site_origin_id: int | None
    purpose: str
    seats: int


@dataclasses.dataclass(frozen=True)
class Holder:
    """Everything about one commune the rows need: ids from the database, and its staff."""

    unit_id: int
    former_ids: Sequence[int]
    main_site_id: int
    rooms: Sequence[Room]
    staff: Sequence[str]


@dataclasses.dataclass(frozen=True)
class _Model:
    category_id: int
    wear_rate: float
    name: str
    model: str
    price: int  # VND
    unit: str
    serial: tuple[str, ...]
    lot: int


def _room_weight(room: Room) -> float:
    return {
        "office": 2 + 3 * room.seats,
        "meeting": 6 + room.seats / 10,
        "reception": 4 + room.seats,
        "archive": 5,
        "storage": 4,
        "server": 6,
    }.get(room.purpose, 3)


class Generator:
    """Compiled once per load from the category ids; then `rows()` per commune."""

    def __init__(self, categories: dict[str, tuple[int, float]]) -> None:
        self.categories = categories
        self.by_purpose: dict[str, tuple[list[list[_Model]], list[float]]] = {}
        for purpose, weights in ROOM_ITEMS.items():
            choices = [self._models(key) for key in weights]
            self.by_purpose[purpose] = (choices, list(accumulate(weights.values())))

    def _models(self, key: str) -> list[_Model]:
        item = ITEMS[key]
        category_id, rate = self.categories[item.category]
        out = []
        for suffix, model, price in item.models:
            brands = [SERIAL_PREFIX[w] for w in suffix.split() if w in SERIAL_PREFIX]
            serial = tuple(brands[:1]) or item.serial
            # Only cheap things come in counted lots (chairs, fans), never a director's chair.
            lot = item.lot if price < 2 else 1
            out.append(
                _Model(
                    category_id,
                    rate,
                    f"{item.stem} {suffix}",
                    model,
                    int(price * 1_000_000),
                    item.unit,
                    serial,
                    lot,
                )
            )
        return out

    def rows(
        self, rng: random.Random, holder: Holder, count: int, tags: Iterator[str]
    ) -> Iterator[tuple]:
        """`count` rows in COLUMNS order, each taking the next tag."""
        vehicles = list(self._vehicles(rng, holder, count, tags))
        yield from vehicles
        rooms = holder.rooms
        room_cum = list(accumulate(_room_weight(r) for r in rooms))
        formers = holder.former_ids
        staff = holder.staff
        custodians = [rng.choice(staff) for _ in rooms]
        choices, randint, random_ = rng.choices, rng.randint, rng.random
        by_purpose, unit_id = self.by_purpose, holder.unit_id
        for _ in range(count - len(vehicles)):
            index = choices(range(len(rooms)), cum_weights=room_cum)[0]
            room = rooms[index]
            models, cum = by_purpose[room.purpose]
            model = rng.choice(choices(models, cum_weights=cum)[0])
            year = _LAST_YEAR - int(rng.triangular(0, 17.99, 3))
            age = _LAST_YEAR - year
            quantity = 1
            if model.lot > 1 and (model.lot >= 50 or random_() < 0.35):
                quantity = randint(max(2, model.lot // 5), model.lot)
            cost = quantity * int(model.price * rng.uniform(0.9, 1.1)) // 1000 * 1000
            condition, status = _state(random_, age, room.purpose)
            ownership = "own"
            r = random_()
            if r > 0.95:
                ownership = "surplus" if r < 0.98 else "not_own"
            funding = (
                ""
                if ownership == "not_own"
                else FUNDING[choices(range(5), cum_weights=_FUNDING_CUM)[0]]
            )
            if year == _LAST_YEAR and random_() < 0.5:
                origin = unit_id  # bought by the new unit itself
            elif room.site_origin_id and random_() < _KEEPS_ORIGIN[room.site_role]:
                origin = room.site_origin_id
            else:
                origin = rng.choice(formers) if formers else None
            remaining = None
            if random_() < 0.05:  # the giver's declared value; usually the app derives it
                remaining = max(0, int(cost * (1 - model.wear_rate * age))) // 1000 * 1000
            serial = f"{rng.choice(model.serial)}{rng.getrandbits(32):08X}" if model.serial else ""
            yield (
                next(tags),
                model.name,
                model.category_id,
                model.model,
                serial,
                model.unit,
                quantity,
                year,
                cost,
                remaining,
                funding,
                condition,
                status,
                unit_id,
                room.site_id,
                room.id,
                origin,
                ownership,
                custodians[index] if random_() < 0.85 else rng.choice(staff),
            )

    def _vehicles(
        self, rng: random.Random, holder: Holder, count: int, tags: Iterator[str]
    ) -> Iterator[tuple]:
        if count < 100:
            return
        cars = rng.choices([0, 1, 2], [3, 5, 2])[0]
        bikes = rng.randint(0, 3)
        for kind, n in ((CARS, cars), (MOTORBIKES, bikes)):
            for _ in range(n):
                code, name, model, price = rng.choice(kind)
                category_id = self.categories[code][0]
                year = rng.randint(2010, 2022)
                cost = int(price * 1_000_000 * rng.uniform(0.95, 1.05)) // 1_000_000 * 1_000_000
                province = "81" if rng.random() < 0.8 else "77"  # Gia Lai, former Bình Định
                plate = (
                    f"{province}A-{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}"
                    if kind is CARS
                    else f"{province}-B1 {rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}"
                )
                serial = "RL" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPRSTUVWXYZ", k=15))
                condition, status = _state(rng.random, 2025 - year, "")
                origin = rng.choice(holder.former_ids) if holder.former_ids else None
                yield (
                    next(tags),
                    name,
                    category_id,
                    f"{model}, BKS {plate}",
                    serial,
                    "chiếc",
                    1,
                    year,
                    cost,
                    None,
                    FUNDING[0],
                    condition,
                    status,
                    holder.unit_id,
                    holder.main_site_id,
                    None,
                    origin,
                    "own",
                    rng.choice(holder.staff),
                )


def _state(random_, age: int, purpose: str) -> tuple[str, str]:
    """Condition and status: worse with age; broken things mostly await disposal."""
    worn = min(0.45, age * 0.025)
    r = random_()
    if r < worn * 0.3:
        return "broken", ("to_dispose", "to_dispose", "in_storage", "under_repair", "in_use")[
            int(random_() * 5)
        ]
    if r < worn:
        return "needs_repair", "under_repair" if random_() < 0.3 else "in_use"
    condition = "fair" if r < worn + 0.15 + age * 0.02 else "good"
    s = random_()
    if purpose == "storage":
        return condition, "in_storage" if s < 0.6 else "in_use"
    return condition, "lost" if s < 0.003 else "in_storage" if s < 0.04 else "in_use"
