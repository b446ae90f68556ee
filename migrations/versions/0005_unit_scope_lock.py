"""Serialize unit_scope rebuilds, so units created at the same time both commit.

Two transactions rebuilding the closure at once each delete the old rows and
insert the whole new set; the second then collides with the rows the first
committed (duplicate key). A self-conflicting table lock taken before the
DELETE makes the second wait and, being a new statement, see the first's rows.

Revision ID: 0005_unit_scope_lock
Revises: 0004_integrity
Create Date: 2026-11-26
"""

from alembic import op

revision = "0005_unit_scope_lock"
down_revision = "0004_integrity"
branch_labels = None
depends_on = None

_REBUILD = """
CREATE OR REPLACE FUNCTION unit_scope_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {lock}
    DELETE FROM unit_scope;
    INSERT INTO unit_scope (ancestor_id, unit_id)
    WITH RECURSIVE up(unit_id, ancestor_id, depth) AS (
        SELECT id, id, 0 FROM units
        UNION ALL
        SELECT up.unit_id, link.next_id, up.depth + 1
        FROM up
        JOIN LATERAL (
            SELECT u.parent_id AS next_id FROM units u
            WHERE u.id = up.ancestor_id AND u.parent_id IS NOT NULL
            UNION
            SELECT u.merged_into_id FROM units u
            WHERE u.id = up.ancestor_id AND u.merged_into_id IS NOT NULL
        ) link ON true
        WHERE up.depth < 16
    )
    SELECT DISTINCT ancestor_id, unit_id FROM up;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(_REBUILD.format(lock="LOCK TABLE unit_scope IN SHARE ROW EXCLUSIVE MODE;"))


def downgrade() -> None:
    op.execute(_REBUILD.format(lock=""))
