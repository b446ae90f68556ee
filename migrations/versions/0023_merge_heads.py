"""One head again: the revisions written side by side on 2026-12-03 meet here.

Revision ID: 0023_merge_heads
Revises: 0009_stocktakes, 0013_photos, 0014_flags_notifications, 0015_handover_documents,
    0021_imports, 0022_requests
Create Date: 2026-12-03

Nothing changes in the database. The next revision has a single parent (this one), so
`alembic upgrade head` and a plain `down_revision` work again.
"""

revision = "0023_merge_heads"
down_revision = (
    "0009_stocktakes",
    "0013_photos",
    "0014_flags_notifications",
    "0015_handover_documents",
    "0021_imports",
    "0022_requests",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
