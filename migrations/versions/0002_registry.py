"""Registry: asset search that finds tags and serials, rooms tied to their site.

Revision ID: 0002_registry
Revises: 0001_core
Create Date: 2026-11-27
"""

from alembic import op

revision = "0002_registry"
down_revision = "0001_core"
branch_labels = None
depends_on = None

# The default parser keeps "52-7k3qx9m" as '52', '-7', 'k3qx9m' and "abc/123" as one
# file token, so a typed tag or serial missed its asset. Splitting the folded text
# on everything but letters and digits gives the same words listing.tsquery() makes.
_SEARCH = """
    to_tsvector('simple', regexp_replace(inventory_fold(
        name || ' ' || coalesce(tag, '') || ' ' || serial || ' ' || model),
        '[^a-z0-9]+', ' ', 'g'))
"""

UPGRADE = [
    "DROP INDEX assets_search_idx",
    "ALTER TABLE assets DROP COLUMN search",
    f"ALTER TABLE assets ADD COLUMN search tsvector GENERATED ALWAYS AS ({_SEARCH}) STORED",
    "CREATE INDEX assets_search_idx ON assets USING gin (search)",
    # Deleting a room checks this foreign key; without an index that is a full scan.
    "CREATE INDEX assets_last_seen_room_idx ON assets (last_seen_room_id)"
    " WHERE last_seen_room_id IS NOT NULL",
    # An asset's room must be in the asset's site: the API checks it, this holds it.
    "ALTER TABLE rooms ADD CONSTRAINT rooms_id_site_key UNIQUE (id, site_id)",
    "ALTER TABLE assets ADD CONSTRAINT assets_room_site_fkey FOREIGN KEY (room_id, site_id)"
    " REFERENCES rooms (id, site_id)",
    "ALTER TABLE assets ADD CONSTRAINT assets_room_needs_site_check"
    " CHECK (room_id IS NULL OR site_id IS NOT NULL)",
]

DOWNGRADE = [
    "ALTER TABLE assets DROP CONSTRAINT assets_room_needs_site_check",
    "ALTER TABLE assets DROP CONSTRAINT assets_room_site_fkey",
    "ALTER TABLE rooms DROP CONSTRAINT rooms_id_site_key",
    "DROP INDEX assets_last_seen_room_idx",
    "DROP INDEX assets_search_idx",
    "ALTER TABLE assets DROP COLUMN search",
    "ALTER TABLE assets ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple',"
    " inventory_fold(name || ' ' || coalesce(tag, '') || ' ' || serial || ' ' || model))) STORED",
    "CREATE INDEX assets_search_idx ON assets USING gin (search)",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
