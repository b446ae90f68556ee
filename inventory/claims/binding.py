"""Looking a tag up and claiming a blank one: the same rules for the API and the phone page."""

from __future__ import annotations

import asyncpg

from inventory.accounts.principal import Principal
from inventory.assets import queries as assets
from inventory.assets.writes import attach_tag, register
from inventory.claims import queries
from inventory.claims.schemas import Claim, NewAsset, TagRead
from inventory.errors import Conflict, Invalid, NotFound
from inventory.history.write import Write
from inventory.rooms import queries as rooms
from inventory.tagcodes import TagProblem, validate
from inventory.tags import queries as tags


def not_found(code: str) -> NotFound:
    """The same answer for an unknown tag and another unit's, saying so when it is a typo."""
    if validate(code) is TagProblem.TYPO:
        return NotFound(
            f"no tag {code}: its check character does not match, so it was"
            " probably mistyped or misread",
            field="code",
        )
    return NotFound(f"no tag {code}", field="code")


async def lookup(conn: asyncpg.Connection, principal: Principal, code: str) -> TagRead:
    row = await queries.lookup(conn, code, principal.unit_id)
    if row is None:
        raise not_found(code)
    return TagRead(**dict(row))


async def claim(conn: asyncpg.Connection, principal: Principal, code: str, data: Claim) -> TagRead:
    """Bind a blank tag of a unit in the caller's scope; in one transaction, or not at all."""
    async with Write(conn, principal) as write:
        blank = await tags.lock_blank(conn, code, principal.unit_id)
        if blank is None:
            raise not_found(code)
        if blank["claimed_at"] is not None:
            raise Conflict(f"tag {code} was claimed already; a tag is never reused", field="code")
        unit_id = blank["unit_id"]
        if data.asset is not None:
            asset = await _new_asset(write, unit_id, code, data.asset)
        else:
            asset = await _bound_asset(write, unit_id, code, data.asset_id)
        claimed = await tags.claim(conn, code, asset["id"], principal.user_id)
        write.record(tags.BATCH, blank["batch_id"], "claim", blank, claimed, unit_id=unit_id)
    return await lookup(conn, principal, code)


async def _new_asset(write: Write, unit_id: int, code: str, new: NewAsset) -> asyncpg.Record:
    if new.room_id is not None and not await rooms.held_by(write.conn, new.room_id, unit_id):
        raise Invalid(f"no room {new.room_id} in the tag's unit", field="asset.room_id")
    return await register(
        write,
        {
            "name": new.name,
            "category_id": new.category_id,
            "holder_unit_id": unit_id,
            "room_id": new.room_id,
            "condition": new.condition,
            "tag": code,
        },
    )


async def _bound_asset(
    write: Write, unit_id: int, code: str, asset_id: int | None
) -> asyncpg.Record:
    assert asset_id is not None  # Claim insists on one of asset and asset_id
    assert write.principal is not None
    before = await assets.fetch(write.conn, asset_id, write.principal.unit_id, lock=True)
    if before is None or not await assets.held_by(write.conn, asset_id, unit_id):
        raise Invalid(f"no asset {asset_id} in the tag's unit", field="asset_id")
    return await attach_tag(write, before, code)
