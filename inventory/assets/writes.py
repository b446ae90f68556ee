"""Asset writes shared by the asset routes and the tag claim: registering and tagging.

Each runs inside the caller's write step and records its event there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from inventory.accounts.principal import Principal
from inventory.accounts.scope import require_unit
from inventory.assets import queries, rules
from inventory.categories import queries as categories
from inventory.db import crud
from inventory.errors import Conflict, Invalid
from inventory.history.write import Write
from inventory.photos import writes as photos
from inventory.photos.rules import Encoded
from inventory.rooms import queries as rooms
from inventory.sites import queries as sites

ENTITY = "asset"
# What a new asset's values are checked against: no holder yet, nowhere placed.
_NEW: Mapping[str, Any] = {
    "original_cost": 0,
    "holder_unit_id": None,
    "site_id": None,
    "room_id": None,
}


async def check_references(
    conn: asyncpg.Connection,
    principal: Principal,
    values: dict[str, Any],
    current: Mapping[str, Any] | None,
) -> None:
    """Refuse a remaining value above the cost, and units, category, site or room the
    caller cannot use; place the asset in a site of its holder.

    `values` are the columns being written (all of them on create); a room named
    without a site brings its site into `values`, and a new holder named without
    either leaves the asset unplaced.
    """
    for field in ("holder_unit_id", "origin_unit_id"):
        await require_unit(conn, principal, values.get(field), field)
    await categories.require(conn, values.get("category_id"), "category_id")
    creating = current is None
    current = current or _NEW
    # A cost lowered alone below the remaining value is left to the database's check.
    if "remaining_value" in values:
        cost = values.get("original_cost", current["original_cost"])
        rules.check_remaining_value(values["remaining_value"], cost)
    site_given = values.get("site_id") is not None if creating else "site_id" in values
    room_given = values.get("room_id") is not None if creating else "room_id" in values
    holder_id = values.get("holder_unit_id", current["holder_unit_id"])
    if not (site_given or room_given):
        if not creating and holder_id != current["holder_unit_id"]:
            # The old holder's site and room are not the new holder's to place it in.
            values["site_id"] = values["room_id"] = None
        return
    site_id = values["site_id"] if site_given else current["site_id"]
    if site_given:
        await sites.require(conn, principal, site_id, "site_id")
    room_id = values["room_id"] if room_given else current["room_id"]
    if room_id is None:
        room_site_id = None
    elif room_given:
        room_site_id = await rooms.require(conn, principal, room_id, "room_id")
    else:  # the room stays, and the database keeps a room in its asset's site
        room_site_id = current["site_id"]
    values["site_id"] = rules.placed_site(
        site_id, room_site_id, site_given=site_given, room_given=room_given
    )
    if values["site_id"] is not None:
        field = "site_id" if site_given else "room_id"
        await sites.require_held(conn, values["site_id"], holder_id, field)


async def register(write: Write, values: dict[str, Any]) -> asyncpg.Record:
    """Insert an asset held in the caller's scope; the new row as the asset routes read it."""
    conn, principal = write.conn, _caller(write)
    await check_references(conn, principal, values, None)
    asset_id = await crud.insert(conn, "assets", values)
    row = await queries.fetch(conn, asset_id, principal.unit_id)
    assert row is not None
    write.record(ENTITY, asset_id, "create", None, row, unit_id=row["holder_unit_id"])
    return row


def require_untagged(asset: asyncpg.Record) -> None:
    if asset["tag"] is not None:
        raise Conflict(
            f"asset {asset['id']} already has tag {asset['tag']}; a tag is for life", field="tag"
        )


async def attach_tag(write: Write, before: asyncpg.Record, tag: str) -> asyncpg.Record:
    """Give an untagged asset (`before`, read with its lock) its tag, for life."""
    require_untagged(before)
    await queries.set_tag(write.conn, before["id"], tag)
    after = await queries.fetch(write.conn, before["id"], _caller(write).unit_id)
    assert after is not None
    write.record(ENTITY, before["id"], "tag", before, after, unit_id=after["holder_unit_id"])
    return after


def _caller(write: Write) -> Principal:
    assert write.principal is not None, "asset writes are made by a signed-in caller"
    return write.principal


async def move(
    write: Write, before: asyncpg.Record, site_id: int | None, room_id: int | None
) -> asyncpg.Record:
    """Move an asset (`before`, read with its lock) to a room, or to a site and no room,
    of its holder; the asset as it is now (unchanged if it already stands there)."""
    conn, principal = write.conn, _caller(write)
    if room_id is not None:
        room_site_id = await rooms.require(conn, principal, room_id, "room_id")
        if site_id is not None and site_id != room_site_id:
            raise Invalid(
                f"room {room_id} is in site {room_site_id}, not site {site_id}", field="site_id"
            )
        site_id, field = room_site_id, "room_id"
    elif site_id is not None:
        await sites.require(conn, principal, site_id, "site_id")
        field = "site_id"
    else:
        raise Invalid("name the room (room_id) or the site (site_id) to move to", field="room_id")
    await sites.require_held(conn, site_id, before["holder_unit_id"], field)
    if (before["site_id"], before["room_id"]) == (site_id, room_id):
        return before
    await queries.move(conn, before["id"], site_id, room_id)
    after = await queries.fetch(conn, before["id"], principal.unit_id)
    assert after is not None
    write.record(ENTITY, before["id"], "move", before, after, unit_id=after["holder_unit_id"])
    return after


async def report(
    write: Write,
    before: asyncpg.Record,
    condition: str,
    note: str,
    photo: Encoded | None = None,
) -> asyncpg.Record:
    """Record a problem seen on an asset (`before`, read with its lock): its condition now,
    the note, kept in the event of the report, and the photo taken of it, if any (kept,
    and named in the report's event)."""
    conn, principal = write.conn, _caller(write)
    seen: dict[str, Any] = {"note": note}
    if photo is not None:
        seen["photo_id"] = (await photos.add(write, before, photo))["id"]
    await queries.set_condition(conn, before["id"], condition)
    after = await queries.fetch(conn, before["id"], principal.unit_id)
    assert after is not None
    write.record(
        ENTITY,
        before["id"],
        "report",
        before,
        {**dict(after), **seen},
        unit_id=after["holder_unit_id"],
    )
    return after
