"""Row locks: the lock a change takes leaves foreign-key checks on the row free.

An admin editing a user locks the user's row; that user's own write checks the
foreign key of its event (actor_id) with a KEY SHARE lock on the same row, after
locking the history head the admin's event then waits for. With FOR UPDATE the
two deadlock; FOR NO KEY UPDATE does not block KEY SHARE.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from inventory.api.records import Records
from inventory.assets.routes import ASSETS
from inventory.categories.routes import CATEGORIES
from inventory.rooms.routes import ROOMS
from inventory.sites.routes import SITES
from inventory.units.routes import UNITS
from inventory.users.routes import USERS
from tests.world import World

# What appending the user's own event does to the user's row: its actor_id key check.
EVENT = "SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE"


async def _referenced_while_locked(
    database_url: str, records: Records, row_id: int, scope: int, reference: str, *args: object
) -> None:
    """Lock the row as a change does, then run `reference` from another connection."""
    changing = await asyncpg.connect(database_url)
    referencing = await asyncpg.connect(database_url)
    try:
        change = changing.transaction()
        await change.start()
        args_for_select = (row_id, scope) if records.scoped else (row_id,)
        assert await changing.fetchrow(records.select_for_update, *args_for_select)
        other = referencing.transaction()
        await other.start()
        # Before the fix this waited for the change to end: that is the deadlock's half.
        await referencing.execute("SET LOCAL lock_timeout = '1s'")
        await referencing.execute(reference, *args)
        await other.rollback()
        await change.rollback()
    finally:
        await changing.close()
        await referencing.close()


def test_a_users_own_write_is_not_blocked_by_an_admin_editing_the_user(
    database_url: str, world: World
) -> None:
    user = world.users["officer_b"]
    asyncio.run(_referenced_while_locked(database_url, USERS, user, world.units["P"], EVENT, user))


@pytest.mark.parametrize(
    ("records", "table", "key"),
    [
        pytest.param(UNITS, "units", "A", id="unit"),
        pytest.param(SITES, "sites", "A", id="site"),
        pytest.param(ROOMS, "rooms", "A", id="room"),
        pytest.param(CATEGORIES, "categories", "MT", id="category"),
        pytest.param(ASSETS, "assets", "A", id="asset"),
    ],
)
def test_a_row_being_changed_can_still_be_referenced(
    database_url: str, world: World, records: Records, table: str, key: str
) -> None:
    row_id = getattr(world, table)[key]
    # The lock a foreign key check takes on the row it refers to.
    key_share = f"SELECT 1 FROM {table} WHERE id = $1 FOR KEY SHARE"
    asyncio.run(
        _referenced_while_locked(database_url, records, row_id, world.units["P"], key_share, row_id)
    )
