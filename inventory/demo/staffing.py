"""A commune's staffing: the positions of the commune's Party committee, council, people's
committee and departments (Decree 150/2025), with their norm groups, for `total` people.

Leaders and department heads come first (about 2 deputies per department); the rest are
specialists and civil servants spread over the departments, and a few contract staff.
"""

from __future__ import annotations

import random

from inventory.demo.province import Commune
from inventory.staffing.schemas import StaffPosition


def positions(rng: random.Random, commune: Commune, total: int) -> list[StaffPosition]:
    economic = "Kinh tế, Hạ tầng và Đô thị" if commune.kind == "ward" else "Kinh tế"
    lines: list[tuple[str, str, int]] = [
        ("Bí thư Đảng ủy", "secretary", 1),
        ("Phó Bí thư Thường trực Đảng ủy", "leader", 1),
        ("Chủ tịch HĐND", "leader", rng.choices([0, 1], [2, 3])[0]),  # else the secretary's
        ("Phó Chủ tịch HĐND", "leader", 1),
        ("Chủ tịch UBND", "leader", 1),
        ("Phó Chủ tịch UBND", "leader", rng.choices([2, 3], [4, 1])[0]),
        ("Chủ tịch Ủy ban MTTQ Việt Nam", "leader", 1),
        ("Chánh Văn phòng HĐND và UBND", "head", 1),
        ("Phó Chánh Văn phòng HĐND và UBND", "head", rng.randint(1, 2)),
        (f"Trưởng phòng {economic}", "head", 1),
        (f"Phó Trưởng phòng {economic}", "head", rng.randint(1, 2)),
        ("Trưởng phòng Văn hóa - Xã hội", "head", 1),
        ("Phó Trưởng phòng Văn hóa - Xã hội", "head", rng.randint(1, 2)),
        ("Giám đốc Trung tâm Phục vụ hành chính công", "head", 1),
        ("Phó Giám đốc Trung tâm Phục vụ hành chính công", "head", rng.randint(0, 1)),
    ]
    contract = rng.randint(0, 3)
    rest = max(4, total - sum(n for _, _, n in lines) - contract)
    desks = [
        "Chuyên viên Văn phòng HĐND và UBND",
        f"Chuyên viên phòng {economic}",
        "Chuyên viên phòng Văn hóa - Xã hội",
        "Công chức Trung tâm Phục vụ hành chính công",
    ]
    weights = [rng.uniform(0.8, 1.4) for _ in desks]
    shares = [int(rest * w / sum(weights)) for w in weights]
    shares[0] += rest - sum(shares)
    lines += [(desk, "staff", n) for desk, n in zip(desks, shares, strict=True)]
    lines.append(("Nhân viên hợp đồng", "staff", contract))
    return [StaffPosition(name, group, n) for name, group, n in lines if n]
