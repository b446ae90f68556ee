"""Idempotency keys: a POST sent again with the same key gets the first answer.

Revision ID: 0010_idempotency
Revises: 0007_jobs
Create Date: 2026-12-02
"""

from alembic import op

revision = "0010_idempotency"
down_revision = "0007_jobs"
branch_labels = None
depends_on = None

UPGRADE = [
    # One row per caller and key: in flight while `status` is null, then the answer.
    """
    CREATE TABLE idempotency_keys (
        user_id bigint NOT NULL REFERENCES users (id),
        key text NOT NULL,
        fingerprint bytea NOT NULL,
        status integer,
        headers jsonb,
        body bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
    )
    """,
    "CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE idempotency_keys")
