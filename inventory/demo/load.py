"""`inventory demo`: load the demo province into an empty database, fast.

Everything is written in one transaction, so a failure leaves nothing behind.
The load refuses a database that already has units (it would clash with real
data); only the deployment-wide categories are shared: existing codes are kept
as they are and only missing ones are added.

Units, sites, rooms, staffing and users go in with one statement per table (the units'
scope closure is rebuilt per statement, not per row); assets go by COPY,
chunk by chunk. History gets one event per batch (entity "import", action
"demo"): one for the reference data on the province, one per commune for its
sites, rooms and assets. They are written last, so the event chain's head row
is locked only for a moment.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal
from itertools import islice
from typing import Any

import asyncpg

from inventory.accounts.passwords import hash_password
from inventory.demo import names, premises, province, staffing
from inventory.demo.assets import COLUMNS, Generator, Holder, Room
from inventory.demo.catalog import CATEGORIES
from inventory.demo.premises import SitePlan
from inventory.demo.users import ACCOUNTS, DEMO_PASSWORD, DEMO_USERS
from inventory.history.write import Write
from inventory.settings import Settings
from inventory.staffing import queries as staff_positions
from inventory.tags import queries as tags

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "NotEmpty", "is_empty", "load"]

COPY_CHUNK = 50_000


class NotEmpty(SystemExit):
    """The database already has units. A SystemExit, so the command line prints it plainly."""


async def is_empty(url: str) -> bool:
    """True when the database has no units yet (nothing to clash with the demo)."""
    conn = await asyncpg.connect(url)
    try:
        return not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM units)")
    finally:
        await conn.close()


async def load(
    url: str,
    communes: int | None = None,
    assets_per_commune: int = 300,
    seed: int = 2025,
    progress: bool = False,
) -> None:
    """Load the demo province (all named Gia Lai units by default; more are invented
    when `communes` exceeds them). Same seed, same data (tags aside)."""
    if assets_per_commune < 0:
        raise ValueError("assets_per_commune must not be negative")
    chosen = province.communes(communes, seed)
    password_hash = hash_password(DEMO_PASSWORD)
    say = _Progress(progress)
    conn = await asyncpg.connect(url)
    try:
        async with Write(conn, None) as write:
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('inventory.demo'))")
            if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM units)"):
                raise NotEmpty(
                    "the database already has units: the demo loads only into an"
                    " empty database (use a new one)"
                )
            units = await _insert_units(conn, chosen)
            categories, added = await _insert_categories(conn)
            users = await _insert_users(conn, units, password_hash)
            events: list[tuple[int, dict[str, Any]]] = [
                (
                    units[province.PROVINCE_CODE],
                    {"units": len(units), "categories_added": added, "users": users, "seed": seed},
                )
            ]
            say(f"units {len(units)}, categories added {added}, users {len(users)}")

            plans = {c.code: _plan(c, seed) for c in chosen}
            holders, counts = await _insert_premises(conn, chosen, units, plans)
            await _insert_staffing(conn, chosen, units, plans, seed)
            say(
                f"sites {sum(c[0] for c in counts.values())},"
                f" rooms {sum(c[1] for c in counts.values())}"
            )

            events += await _insert_assets(
                conn, chosen, holders, counts, categories, assets_per_commune, seed, say
            )
            for unit_id, after in events:
                write.record("import", unit_id, "demo", None, after, unit_id=unit_id)
            await conn.execute("ANALYZE units, sites, rooms, assets")
            say("committing")
    finally:
        await conn.close()
    say(f"done: {len(chosen)} communes, {len(chosen) * assets_per_commune:,} assets")


async def _insert_assets(
    conn: asyncpg.Connection,
    chosen: list[province.Commune],
    holders: dict[str, Holder],
    counts: dict[str, tuple[int, int]],
    categories: dict[str, tuple[int, float]],
    per_commune: int,
    seed: int,
    say: _Progress,
) -> list[tuple[int, dict[str, Any]]]:
    """Each commune's assets by COPY, tagged from the sequence; one event per commune."""
    prefix = Settings.from_env().tag_prefix
    generator = Generator(categories)
    deferred = await _defer_checks(conn, "assets")
    events = []
    started, written = time.monotonic(), 0
    for done, commune in enumerate(chosen, 1):
        holder = holders[commune.code]
        issued = await tags.issue(conn, per_commune, prefix)
        rows = generator.rows(
            random.Random(f"{seed}/{commune.code}/assets"),  # noqa: S311
            holder,
            per_commune,
            (code for _, code in issued),
        )
        for _ in range(0, per_commune, COPY_CHUNK):
            await conn.copy_records_to_table(
                "assets", records=islice(rows, COPY_CHUNK), columns=COLUMNS
            )
        written += per_commune
        sites, rooms = counts[commune.code]
        events.append(
            (
                holder.unit_id,
                {
                    "commune": commune.code,
                    "sites": sites,
                    "rooms": rooms,
                    "staff": len(holder.staff),
                    "assets": per_commune,
                },
            )
        )
        rate = written / max(time.monotonic() - started, 1e-9)
        say(
            f"communes {done}/{len(chosen)}, assets {written:,} ({rate:,.0f}/s)",
            force=done == len(chosen),
        )
    if deferred:
        say(f"restoring {len(deferred)} indexes and foreign keys on assets")
        await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in deferred:
            await conn.execute(definition)
    return events


async def _defer_checks(conn: asyncpg.Connection, table: str) -> list[str]:
    """Drop an empty table's plain indexes and its foreign keys; return what restores them.

    As PostgreSQL's "Populating a Database" advises: building an index once after
    COPY is much cheaper than updating it row by row (the GIN index on
    assets.search most of all), and adding a foreign key back checks every row
    in one join instead of one lookup per row and key. Definitions come from the
    catalog, so what later migrations add comes back exactly as it was; the
    primary key and unique constraints stay. The DROPs lock the tables involved
    until commit: fine for a database that has no units yet.
    """
    if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
        return []
    indexes = await conn.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS restore"
        " FROM pg_index i WHERE i.indrelid = $1::regclass"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        " ORDER BY i.indexrelid",
        table,
    )
    foreign_keys = await conn.fetch(
        "SELECT format('%I', conname) AS name,"
        " format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,"
        " pg_get_constraintdef(oid)) AS restore"
        " FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY oid",
        table,
    )
    for row in indexes:
        await conn.execute(f"DROP INDEX {row['name']}")
    for row in foreign_keys:
        await conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {row['name']}")
    return [row["restore"] for row in [*indexes, *foreign_keys]]


class _Progress:
    """Short progress lines, at most about one a second (the last one always)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.started, self.last = enabled, time.monotonic(), 0.0

    def __call__(self, text: str, force: bool = True) -> None:
        now = time.monotonic()
        if self.enabled and (force or now - self.last >= 1.0):
            self.last = now
            print(f"[{now - self.started:6.1f}s] {text}", flush=True)


def _plan(commune: province.Commune, seed: int) -> tuple[list[SitePlan], list[str]]:
    rng = random.Random(f"{seed}/{commune.code}")  # noqa: S311 (demo data, not secrets)
    sites = premises.plan(rng, commune)
    return sites, names.people(rng, rng.randint(25, 40))


async def _insert_units(conn: asyncpg.Connection, chosen: list[province.Commune]) -> dict[str, int]:
    """Province, new units, former units: three statements. Returns code -> id."""
    ids = {
        province.PROVINCE_CODE: await conn.fetchval(
            "INSERT INTO units (code, name, kind, valid_from) VALUES ($1, $2, 'province', $3)"
            " RETURNING id",
            province.PROVINCE_CODE,
            province.PROVINCE_NAME,
            province.MERGER_DAY,
        )
    }
    rows = await conn.fetch(
        "INSERT INTO units (code, name, kind, parent_id, valid_from)"
        " SELECT code, name, kind, $4, $5 FROM unnest($1::text[], $2::text[], $3::text[])"
        " AS t(code, name, kind) RETURNING id, code",
        [c.code for c in chosen],
        [c.name for c in chosen],
        [c.kind for c in chosen],
        ids[province.PROVINCE_CODE],
        province.MERGER_DAY,
    )
    ids.update((r["code"], r["id"]) for r in rows)
    formers = [(f, ids[c.code]) for c in chosen for f in c.formers]
    rows = await conn.fetch(
        "INSERT INTO units (code, name, kind, merged_into_id, valid_to)"
        " SELECT code, name, 'former_commune', merged_into, $4"
        " FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(code, name, merged_into)"
        " RETURNING id, code",
        [f.code for f, _ in formers],
        [f.name for f, _ in formers],
        [m for _, m in formers],
        province.LAST_DAY_BEFORE,
    )
    ids.update((r["code"], r["id"]) for r in rows)
    return ids


async def _insert_categories(conn: asyncpg.Connection) -> tuple[dict[str, tuple[int, float]], int]:
    """Add the categories whose codes are missing; return code -> (id, wear rate), added."""
    added = await conn.fetch(
        "INSERT INTO categories (code, name, form_group, wear_rate, norm_item)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[])"
        " ON CONFLICT (code) DO NOTHING RETURNING id",
        [c.code for c in CATEGORIES],
        [c.name for c in CATEGORIES],
        [c.form_group for c in CATEGORIES],
        [Decimal(str(c.wear_rate)) for c in CATEGORIES],
        [c.norm_item for c in CATEGORIES],
    )
    rows = await conn.fetch(
        "SELECT id, code, wear_rate FROM categories WHERE code = ANY($1)",
        [c.code for c in CATEGORIES],
    )
    return {r["code"]: (r["id"], float(r["wear_rate"])) for r in rows}, len(added)


async def _insert_users(
    conn: asyncpg.Connection, units: dict[str, int], password_hash: str
) -> list[str]:
    """The demo accounts whose scope unit was loaded (all of them unless `communes` < 2)."""
    accounts = [a for a in ACCOUNTS if a[2] in units]
    await conn.execute(
        "INSERT INTO users (login, role, unit_id, full_name, password_hash)"
        " SELECT login, role, unit_id, full_name, $5"
        " FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])"
        " AS t(login, role, unit_id, full_name)",
        [a[0] for a in accounts],
        [a[1] for a in accounts],
        [units[a[2]] for a in accounts],
        [a[3] for a in accounts],
        password_hash,
    )
    return [a[0] for a in accounts]


async def _insert_staffing(
    conn: asyncpg.Connection,
    chosen: list[province.Commune],
    units: dict[str, int],
    plans: dict[str, tuple[list[SitePlan], list[str]]],
    seed: int,
) -> None:
    """Every commune's positions, as many people as it has staff names: two statements."""
    await staff_positions.insert_many(
        conn,
        {
            units[c.code]: staffing.positions(
                random.Random(f"{seed}/{c.code}/staffing"),  # noqa: S311
                c,
                len(plans[c.code][1]),
            )
            for c in chosen
        },
    )


async def _insert_premises(
    conn: asyncpg.Connection,
    chosen: list[province.Commune],
    units: dict[str, int],
    plans: dict[str, tuple[list[SitePlan], list[str]]],
) -> tuple[dict[str, Holder], dict[str, tuple[int, int]]]:
    """All sites in one statement, all rooms in another; then each commune's Holder."""
    sites = [(units[c.code], s) for c in chosen for s in plans[c.code][0]]
    rows = await conn.fetch(
        "INSERT INTO sites (holder_unit_id, origin_unit_id, name, address, latitude, longitude,"
        " land_area_m2, floor_area_m2, year_built, condition, role, status)"
        " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[],"
        " $5::float8[], $6::float8[], $7::numeric[], $8::numeric[], $9::int[], $10::text[],"
        " $11::text[], $12::text[]) RETURNING id, holder_unit_id, name",
        [h for h, _ in sites],
        [units[s.origin.code] if s.origin else None for _, s in sites],
        [s.name for _, s in sites],
        [s.address for _, s in sites],
        [s.latitude for _, s in sites],
        [s.longitude for _, s in sites],
        [s.land_area_m2 for _, s in sites],
        [s.floor_area_m2 for _, s in sites],
        [s.year_built for _, s in sites],
        [s.condition for _, s in sites],
        [s.role for _, s in sites],
        [s.status for _, s in sites],
    )
    site_ids = {(r["holder_unit_id"], r["name"]): r["id"] for r in rows}
    rooms = [(site_ids[h, s.name], r) for h, s in sites for r in s.rooms]
    # Each room's label code from the tag sequence, as the API issues it.
    room_tags = await tags.issue(conn, len(rooms), Settings.from_env().tag_prefix)
    rows = await conn.fetch(
        "INSERT INTO rooms (site_id, name, floor, area_m2, purpose, seats, tag)"
        " SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::numeric[], $5::text[],"
        " $6::int[], $7::text[]) RETURNING id, site_id, name",
        [s for s, _ in rooms],
        [r.name for _, r in rooms],
        [r.floor for _, r in rooms],
        [r.area_m2 for _, r in rooms],
        [r.purpose for _, r in rooms],
        [r.seats for _, r in rooms],
        [code for _, code in room_tags],
    )
    room_ids = {(r["site_id"], r["name"]): r["id"] for r in rows}

    holders, counts = {}, {}
    for commune in chosen:
        unit_id = units[commune.code]
        site_plans, staff = plans[commune.code]
        commune_rooms = []
        for site in site_plans:
            site_id = site_ids[unit_id, site.name]
            origin_id = units[site.origin.code] if site.origin else None
            commune_rooms += [
                Room(room_ids[site_id, r.name], site_id, site.role, origin_id, r.purpose, r.seats)
                for r in site.rooms
            ]
        holders[commune.code] = Holder(
            unit_id=unit_id,
            former_ids=[units[f.code] for f in commune.formers],
            main_site_id=site_ids[unit_id, site_plans[0].name],
            rooms=commune_rooms,
            staff=staff,
        )
        counts[commune.code] = (len(site_plans), len(commune_rooms))
    return holders, counts
