"""A small province for tests: known units, sites, rooms, categories, assets and users."""

from __future__ import annotations

import dataclasses
from typing import Any

import asyncpg
import httpx
from litestar.testing import TestClient

from inventory.accounts.passwords import hash_password

PASSWORD = "test-password-1"
USERS = {
    # login: (role, unit key)
    "admin": ("admin", "P"),
    "admin_a": ("admin", "A"),  # an admin of one commune: its scope only, nothing shared
    "auditor": ("auditor", "P"),
    "leader": ("leader", "P"),
    "officer_a": ("officer", "A"),
    "leader_a": ("leader", "A"),
    "officer_b": ("officer", "B"),
}


@dataclasses.dataclass
class Caller:
    """A signed-in API client: `api.officer_a.get("/api/v1/assets")`."""

    client: TestClient
    token: str

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.post(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.patch(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.delete(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.put(path, headers=self._headers(kw.pop("headers", None)), **kw)


@dataclasses.dataclass
class World:
    units: dict[str, int]
    users: dict[str, int]
    callers: dict[str, Caller]
    sites: dict[str, int]
    rooms: dict[str, int]
    categories: dict[str, int]
    assets: dict[str, int]

    def __getattr__(self, login: str) -> Caller:
        try:
            return self.callers[login]
        except KeyError:
            raise AttributeError(login) from None

    def create(self, path: str, **fields: Any) -> dict[str, Any]:
        """Set-up for a test: create a record as admin through the API and return it."""
        response = self.callers["admin"].post(path, json=fields)
        assert response.status_code == 201, response.text
        return response.json()


async def seed_world(database_url: str, client: TestClient) -> World:
    conn = await asyncpg.connect(database_url)
    try:
        units: dict[str, int] = {}

        async def unit(
            key: str,
            code: str,
            name: str,
            kind: str,
            parent: str | None = None,
            merged_into: str | None = None,
        ) -> None:
            units[key] = await conn.fetchval(
                "INSERT INTO units (code, name, kind, parent_id, merged_into_id)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                code,
                name,
                kind,
                units.get(parent or ""),
                units.get(merged_into or ""),
            )

        await unit("P", "T52", "Tỉnh Thử Nghiệm", "province")
        await unit("A", "T24065", "Xã Ia Rbol", "commune", "P")
        await unit("B", "T24073", "Xã Ia Sao", "commune", "P")
        await unit("A1", "T90001", "Xã Chư Băh (cũ)", "former_commune", None, "A")
        await unit("A2", "T90002", "Xã Ia Rbol (cũ)", "former_commune", None, "A")
        await unit("B1", "T90003", "Xã Ia Rtô (cũ)", "former_commune", None, "B")

        users: dict[str, int] = {}
        password_hash = hash_password(PASSWORD)
        for login, (role, unit_key) in USERS.items():
            users[login] = await conn.fetchval(
                "INSERT INTO users (login, password_hash, role, unit_id, full_name)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                login,
                password_hash,
                role,
                units[unit_key],
                login.replace("_", " ").title(),
            )

        categories = {}
        for code, name, group, rate in [
            ("MT", "Máy tính", "C", 0.1429),
            ("BG", "Bàn ghế", "D", 0.10),
            ("OTO", "Xe ô tô", "B", 0.0667),
        ]:
            categories[code] = await conn.fetchval(
                "INSERT INTO categories (code, name, form_group, wear_rate)"
                " VALUES ($1, $2, $3, $4) RETURNING id",
                code,
                name,
                group,
                rate,
            )

        sites, rooms, assets = {}, {}, {}
        for key in ("A", "B"):
            sites[key] = await conn.fetchval(
                "INSERT INTO sites (holder_unit_id, origin_unit_id, name, address, role)"
                " VALUES ($1, $2, $3, $4, 'main_hq') RETURNING id",
                units[key],
                units[f"{key}1"],
                f"Trụ sở UBND {key}",
                f"Thôn 1, xã {key}",
            )
            rooms[key] = await conn.fetchval(
                "INSERT INTO rooms (site_id, name, floor, area_m2, purpose, seats)"
                " VALUES ($1, 'Phòng Văn hóa - Xã hội', 1, 24.5, 'office', 4) RETURNING id",
                sites[key],
            )
            assets[key] = await conn.fetchval(
                "INSERT INTO assets (tag, name, category_id, serial, quantity, acquisition_year,"
                " original_cost, holder_unit_id, site_id, room_id, origin_unit_id)"
                " VALUES ($1, $2, $3, $4, 1, 2021, 18500000, $5, $6, $7, $8) RETURNING id",
                f"T{key}-TEST",
                "Máy tính để bàn Điện Quang",
                categories["MT"],
                f"SN-{key}-001",
                units[key],
                sites[key],
                rooms[key],
                units[f"{key}1"],
            )
    finally:
        await conn.close()

    callers = {}
    for login in USERS:
        response = client.post("/api/v1/auth/token", json={"login": login, "password": PASSWORD})
        response.raise_for_status()
        callers[login] = Caller(client, response.json()["access_token"])
    return World(
        units=units,
        users=users,
        callers=callers,
        sites=sites,
        rooms=rooms,
        categories=categories,
        assets=assets,
    )
