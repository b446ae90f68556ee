"""The demo accounts: one per role for the province, and officers and a leader in communes.

They all share one password, printed by `inventory run`.
"""

from __future__ import annotations

DEMO_PASSWORD = "demo-2025"

# login, role, scope unit code, full name
ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("admin", "admin", "52", "Trần Quốc Huy"),
    ("kiemtoan", "auditor", "52", "Lê Thị Thu Hà"),
    ("lanhdao", "leader", "52", "Phạm Văn Long"),
    ("canbo.iarbol", "officer", "24065", "Rơ Mah Thuyên"),
    ("lanhdao.iarbol", "leader", "24065", "Nguyễn Văn Thắng"),
    ("canbo.iasao", "officer", "24073", "Siu H'Blơ"),
]

DEMO_USERS: list[str] = [login for login, *_ in ACCOUNTS]
