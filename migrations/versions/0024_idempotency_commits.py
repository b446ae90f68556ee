"""Idempotency keys know whether their write committed, and how long their claim holds.

Revision ID: 0024_idempotency_commits
Revises: 0023_merge_heads
Create Date: 2026-12-04

`claim` names the sending that holds the key. `committed_at` is set by the write step
in the write's own transaction, only by the claim's holder: a key whose answer was never
stored (the process died, or the database went away, after COMMIT) is still known to
have made its change, and is never run again. `claimed_until` bounds how long a claim
without an answer counts as "still running": past it, a retry of a key that committed
nothing runs again instead of waiting a day for the key to expire.
"""

from alembic import op

revision = "0024_idempotency_commits"
down_revision = "0023_merge_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE idempotency_keys ADD COLUMN claim text,"
        " ADD COLUMN committed_at timestamptz, ADD COLUMN claimed_until timestamptz"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE idempotency_keys DROP COLUMN claim, DROP COLUMN committed_at,"
        " DROP COLUMN claimed_until"
    )
