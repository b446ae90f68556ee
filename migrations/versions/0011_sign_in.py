"""Failed sign-ins, counted per login and per client address.

Revision ID: 0011_sign_in
Revises: 0010_idempotency
Create Date: 2026-12-02
"""

from alembic import op

revision = "0011_sign_in"
down_revision = "0010_idempotency"
branch_labels = None
depends_on = None

UPGRADE = [
    # `who` is "login:<login>" or "address:<ip>"; the count starts over when the window ends.
    """
    CREATE TABLE sign_in_failures (
        who text PRIMARY KEY,
        failures integer NOT NULL,
        window_ends timestamptz NOT NULL
    )
    """,
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE sign_in_failures")
