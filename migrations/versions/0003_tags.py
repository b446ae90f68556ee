"""Tags: the deployment's tag sequence, blank batches, and a tag bound to its asset for life.

Revision ID: 0003_tags
Revises: 0002_registry
Create Date: 2026-11-28
"""

from alembic import op

revision = "0003_tags"
down_revision = "0002_registry"
branch_labels = None
depends_on = None

UPGRADE = [
    # Every tag number is drawn from here (the demo loader makes it too if missing).
    # A sequence never hands a number out twice, even across rollbacks: never reused.
    "CREATE SEQUENCE IF NOT EXISTS tag_seq START 1",
    """
    CREATE TABLE tag_batches (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        unit_id bigint NOT NULL REFERENCES units (id),
        size integer NOT NULL CONSTRAINT tag_batches_size_check CHECK (size > 0),
        created_by bigint REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX tag_batches_unit_idx ON tag_batches (unit_id, id)",
    # Blank tags, printed ahead and claimed by scanning. A claimed tag keeps its
    # claim even when its asset is deleted (asset_id goes null, claimed_at stays),
    # so it can never be claimed again.
    """
    CREATE TABLE tags (
        code text PRIMARY KEY,
        number bigint NOT NULL,
        batch_id bigint NOT NULL REFERENCES tag_batches (id),
        unit_id bigint NOT NULL REFERENCES units (id),
        asset_id bigint CONSTRAINT tags_asset_id_key UNIQUE
            REFERENCES assets (id) ON DELETE SET NULL,
        claimed_at timestamptz,
        claimed_by bigint REFERENCES users (id),
        CONSTRAINT tags_claim_check CHECK (asset_id IS NULL OR claimed_at IS NOT NULL)
    )
    """,
    "CREATE INDEX tags_batch_idx ON tags (batch_id, number)",
    "CREATE INDEX tags_unit_idx ON tags (unit_id) WHERE claimed_at IS NULL",
    # The claim form lists a unit's untagged assets: few among many tagged ones.
    "CREATE INDEX assets_untagged_idx ON assets (holder_unit_id, name, id) WHERE tag IS NULL",
    """
    CREATE FUNCTION assets_tag_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'asset % keeps tag % for life', OLD.id, OLD.tag
            USING ERRCODE = 'check_violation', CONSTRAINT = 'assets_tag_immutable';
    END $$
    """,
    """
    CREATE TRIGGER assets_tag_immutable BEFORE UPDATE OF tag ON assets FOR EACH ROW
    WHEN (OLD.tag IS NOT NULL AND NEW.tag IS DISTINCT FROM OLD.tag)
    EXECUTE FUNCTION assets_tag_immutable()
    """,
]

DOWNGRADE = [
    "DROP TRIGGER assets_tag_immutable ON assets",
    "DROP FUNCTION assets_tag_immutable()",
    "DROP INDEX assets_untagged_idx",
    "DROP TABLE tags",
    "DROP TABLE tag_batches",
    # tag_seq stays: numbers already printed must not come round again after an upgrade.
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
