"""The demo province: Gia Lai's units from domain/norms.md, and synthetic ones for scale.

Codes of the new units are the official ones (commune code list of 25 June
2025); their merger sources follow Resolution 1664/NQ-UBTVQH15. The former
units' official codes are not in our sources, so they get a synthetic, stable
code `F{new code}-{n}` (n = position in the "formed from" list, from 1), which
can never be mistaken for an official 5-digit code.

Past the 14 named units, benchmark communes are invented: codes 90001 upwards
(no official commune code starts with 9), Jrai-like or Kinh-like names, each
formed from 2-4 invented former units coded the same way.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date

from inventory.demo import names

PROVINCE_CODE = "52"
PROVINCE_NAME = "Tỉnh Gia Lai"
MERGER_DAY = date(2025, 7, 1)
LAST_DAY_BEFORE = date(2025, 6, 30)
SYNTHETIC_FIRST_CODE = 90001


@dataclasses.dataclass(frozen=True)
class Former:
    """A commune-level unit that existed until 30 June 2025 (commune, ward or town)."""

    code: str
    name: str  # "Xã Chư Băh (cũ)"
    place: str  # "Chư Băh"
    level: str  # "xã", "phường", "thị trấn"


@dataclasses.dataclass(frozen=True)
class Commune:
    """A commune or ward of the new province, with the former units it was formed from."""

    code: str
    name: str  # "Xã Ia Rbol"
    kind: str  # commune | ward
    formers: tuple[Former, ...]
    latitude: float
    longitude: float

    @property
    def place(self) -> str:
        return self.name.split(" ", 1)[1]

    @property
    def level(self) -> str:
        """ "xã" or "phường", as written inside an address or a site name."""
        return "phường" if self.kind == "ward" else "xã"


_LEVELS = {"Xã": "xã", "Phường": "phường", "Thị trấn": "thị trấn"}

# code, new unit, formed from ("level place"), approximate centre (lat, lon)
_NAMED: list[tuple[str, str, list[str], tuple[float, float]]] = [
    ("24065", "Xã Ia Rbol", ["Xã Chư Băh", "Xã Ia Rbol"], (13.42, 108.40)),
    ("24073", "Xã Ia Sao", ["Xã Ia Sao", "Xã Ia Rtô"], (13.33, 108.47)),
    (
        "24043",
        "Xã Phú Thiện",
        ["Thị trấn Phú Thiện", "Xã Ia Sol", "Xã Ia Piar", "Xã Ia Yeng"],
        (13.53, 108.30),
    ),
    ("24049", "Xã Chư A Thai", ["Xã Ayun Hạ", "Xã Ia Ake", "Xã Chư A Thai"], (13.60, 108.24)),
    ("24061", "Xã Ia Hiao", ["Xã Chrôh Pơnan", "Xã Ia Peng", "Xã Ia Hiao"], (13.49, 108.33)),
    ("24013", "Xã Pờ Tó", ["Xã Chư Răng", "Xã Pờ Tó"], (13.57, 108.55)),
    (
        "24044",
        "Phường Ayun Pa",
        ["Phường Đoàn Kết", "Phường Sông Bờ", "Phường Cheo Reo", "Phường Hòa Bình"],
        (13.39, 108.44),
    ),
    # "Others" in norms.md: merger sources not in our sources, so none are invented.
    ("23575", "Phường Pleiku", [], (13.98, 108.00)),
    ("21583", "Phường Quy Nhơn", [], (13.77, 109.22)),
    ("24022", "Xã Ia Pa", [], (13.52, 108.50)),
    ("24076", "Xã Phú Túc", [], (13.21, 108.68)),
    ("23941", "Xã Chư Sê", [], (13.70, 108.09)),
    ("23677", "Xã Đak Đoa", [], (14.00, 108.11)),
    ("23638", "Xã Kbang", [], (14.13, 108.52)),
]


def _split(name: str) -> tuple[str, str]:
    for prefix in ("Thị trấn", "Phường", "Xã"):
        if name.startswith(prefix + " "):
            return _LEVELS[prefix], name[len(prefix) + 1 :]
    raise ValueError(f"unit name without a level: {name}")


def _former(new_code: str, n: int, full_name: str) -> Former:
    level, place = _split(full_name)
    return Former(code=f"F{new_code}-{n}", name=f"{full_name} (cũ)", place=place, level=level)


def _named() -> list[Commune]:
    out = []
    for code, name, sources, (lat, lon) in _NAMED:
        out.append(
            Commune(
                code=code,
                name=name,
                kind="ward" if name.startswith("Phường") else "commune",
                formers=tuple(_former(code, i, s) for i, s in enumerate(sources, 1)),
                latitude=lat,
                longitude=lon,
            )
        )
    return out


NAMED = _named()


def communes(count: int | None, seed: int) -> list[Commune]:
    """The first `count` named units, then invented ones; all named ones when None.

    The same seed gives the same communes, and commune k is the same whatever
    `count` is, so a small run is a prefix of a large one.
    """
    if count is None:
        return list(NAMED)
    if count < 1:
        raise ValueError("communes must be at least 1")
    chosen = NAMED[:count]
    rng = random.Random(f"{seed}/province")  # noqa: S311 (demo data, not secrets)
    taken = {c.place for c in NAMED} | {f.place for c in NAMED for f in c.formers}
    code = SYNTHETIC_FIRST_CODE
    while len(chosen) < count:
        chosen.append(_synthetic(rng, str(code), taken))
        code += 1
    return chosen


def _synthetic(rng: random.Random, code: str, taken: set[str]) -> Commune:
    # Gia Lai has 110 communes and 25 wards.
    ward = rng.random() < 25 / 135
    place = names.place_name(rng, taken, kinh=ward or rng.random() < 0.4)
    formers = []
    for i in range(1, rng.choice((2, 3, 3, 4)) + 1):
        kinh = ward or rng.random() < 0.3
        former_place = (
            place if i == 1 and rng.random() < 0.6 else names.place_name(rng, taken, kinh=kinh)
        )
        if ward:
            level = "Phường" if rng.random() < 0.7 else "Xã"
        else:
            level = "Thị trấn" if i == 1 and rng.random() < 0.15 else "Xã"
        formers.append(_former(code, i, f"{level} {former_place}"))
    return Commune(
        code=code,
        name=f"{'Phường' if ward else 'Xã'} {place}",
        kind="ward" if ward else "commune",
        formers=tuple(formers),
        latitude=round(rng.uniform(13.1, 14.5), 5),
        longitude=round(rng.uniform(107.7, 109.2), 5),
    )
