"""Room tags: a code on every room, from the deployment's tag sequence, for room labels.

Revision ID: 0012_room_tags
Revises: 0011_sign_in
Create Date: 2026-12-02

A room's code is drawn from `tag_seq` and encoded exactly like an asset's tag, so no
code is ever on two things (assets, blank tags, rooms). Existing rooms get theirs
here, encoded by `inventory.tagcodes.encode` itself rather than a PL/pgSQL copy of it:
a migration is Python, so one encoder serves both and there is no twin to keep alike
(the encoding cannot change anyway: tests/tag_vectors.json pins it, and labels are
stuck on desks). The prefix is the deployment's, read as the app reads it
(INVENTORY_TAG_PREFIX). The column stays nullable: a room written straight into the
database (not by the API, the demo loader or this migration) has no code, and
labels leave it out.
"""

import sqlalchemy as sa
from alembic import op

from inventory.settings import Settings
from inventory.tagcodes import check_prefix, encode

revision = "0012_room_tags"
down_revision = "0011_sign_in"
branch_labels = None
depends_on = None

UPGRADE = [
    "ALTER TABLE rooms ADD COLUMN tag text CONSTRAINT rooms_tag_key UNIQUE",
    """
    CREATE FUNCTION rooms_tag_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'room % keeps tag % for life', OLD.id, OLD.tag
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rooms_tag_immutable';
    END $$
    """,
    """
    CREATE TRIGGER rooms_tag_immutable BEFORE UPDATE OF tag ON rooms FOR EACH ROW
    WHEN (OLD.tag IS NOT NULL AND NEW.tag IS DISTINCT FROM OLD.tag)
    EXECUTE FUNCTION rooms_tag_immutable()
    """,
]

DOWNGRADE = [
    "DROP TRIGGER rooms_tag_immutable ON rooms",
    "DROP FUNCTION rooms_tag_immutable()",
    # The numbers drawn stay drawn (tag_seq is never rewound): no code comes round again.
    "ALTER TABLE rooms DROP COLUMN tag",
]

# The existing rooms, site by site: their codes in the order labels are stuck on.
NUMBERED = """
SELECT r.id, nextval('tag_seq') AS number FROM (
    SELECT r.id FROM rooms r JOIN sites s ON s.id = r.site_id
    WHERE r.tag IS NULL ORDER BY s.id, r.sort_name COLLATE "C", r.id
) r
"""
SET_TAGS = """
UPDATE rooms r SET tag = n.tag
FROM unnest(CAST(:ids AS bigint[]), CAST(:tags AS text[])) AS n(id, tag) WHERE r.id = n.id
"""


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)
    bind = op.get_bind()
    rows = bind.execute(sa.text(NUMBERED)).all()
    if rows:
        prefix = check_prefix(Settings.from_env().tag_prefix)
        bind.execute(
            sa.text(SET_TAGS),
            {"ids": [row.id for row in rows], "tags": [encode(row.number, prefix) for row in rows]},
        )


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
