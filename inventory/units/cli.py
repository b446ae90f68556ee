"""`inventory units create`: the first units of a fresh deployment, before any admin exists."""

from __future__ import annotations

import msgspec

from inventory.db import crud
from inventory.db.pool import connect
from inventory.history.write import Write
from inventory.units.queries import BY_CODE, COLUMNS
from inventory.units.schemas import UnitCreate


async def create_unit(
    url: str,
    code: str,
    name: str,
    kind: str,
    parent_code: str | None = None,
    merged_into_code: str | None = None,
) -> int:
    conn = await connect(url)
    try:
        async with Write(conn, None) as write:

            async def unit_id(unit_code: str | None) -> int | None:
                if unit_code is None:
                    return None
                found = await conn.fetchval(BY_CODE, unit_code)
                if found is None:
                    raise SystemExit(f"no unit with code {unit_code}")
                return found

            try:  # the rules the API applies to the same fields
                data = msgspec.convert(
                    {
                        "code": code,
                        "name": name,
                        "kind": kind,
                        "parent_id": await unit_id(parent_code),
                        "merged_into_id": await unit_id(merged_into_code),
                    },
                    UnitCreate,
                )
            except msgspec.ValidationError as error:
                raise SystemExit(str(error)) from None
            if await conn.fetchval(BY_CODE, code):
                raise SystemExit(f"the unit code {code} is taken")
            new_id = await crud.insert(conn, "units", crud.given_fields(data))
            row = await conn.fetchrow(f"SELECT {COLUMNS} FROM units WHERE id = $1", new_id)
            write.record("unit", new_id, "create", None, row, unit_id=new_id)
    finally:
        await conn.close()
    print(f"created {kind} {code} {name}")
    return new_id
