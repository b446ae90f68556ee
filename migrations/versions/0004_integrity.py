"""Integrity: an asset's remaining value never exceeds what it cost.

Revision ID: 0004_integrity
Revises: 0003_tags
Create Date: 2026-11-30
"""

from alembic import op

revision = "0004_integrity"
down_revision = "0003_tags"
branch_labels = None
depends_on = None

UPGRADE = [
    # Validated at once: an upgrade stops on rows that break it, for someone to correct
    # them, rather than guessing which of the two figures is wrong.
    """
    ALTER TABLE assets ADD CONSTRAINT assets_remaining_value_cost_check
        CHECK (remaining_value IS NULL OR remaining_value <= original_cost)
    """,
]

DOWNGRADE = [
    "ALTER TABLE assets DROP CONSTRAINT assets_remaining_value_cost_check",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
