"""Auditors' flags on handovers, notifications, and users' e-mail addresses.

- `handover_flags`: an auditor's (or admin's) flag on a handover, with a comment, until
  cleared (who, when, why). Flags live beside the handover, not in it: flagging neither
  changes its status nor touches a completed handover, which never changes.
- `notifications`: what one user is told (a handover submitted, disputed, signed,
  flagged, due soon), written in the transaction of the event that causes it, with what
  the message names (`context`) as it was then; read or not; and whether it went by
  e-mail. `dedupe` makes a periodic notice (due within N days) once per user, handover
  and threshold, whoever runs the check and however often.
- `users.email`: optional; a user without one is told in the app only.

Revision ID: 0014_flags_notifications
Revises: 0012_room_tags (and needs 0008_handovers)
Create Date: 2026-12-03
"""

from alembic import op

revision = "0014_flags_notifications"
down_revision = "0012_room_tags"
branch_labels = None
depends_on = "0008_handovers"  # the handovers it flags and tells of

UPGRADE = [
    """
    ALTER TABLE users ADD COLUMN email text CONSTRAINT users_email_check CHECK (
        email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254)
    """,
    """
    CREATE TABLE handover_flags (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        handover_id bigint NOT NULL REFERENCES handovers (id),
        comment text NOT NULL CONSTRAINT handover_flags_comment_check CHECK (
            length(comment) BETWEEN 1 AND 4000),
        flagged_by bigint NOT NULL REFERENCES users (id),
        flagged_at timestamptz NOT NULL DEFAULT now(),
        cleared_by bigint REFERENCES users (id),
        cleared_at timestamptz,
        clear_comment text NOT NULL DEFAULT '',
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT handover_flags_cleared_check CHECK (
            (cleared_by IS NULL) = (cleared_at IS NULL))
    )
    """,
    "CREATE INDEX handover_flags_handover_idx ON handover_flags (handover_id)",
    """
    CREATE INDEX handover_flags_open_idx ON handover_flags (handover_id)
    WHERE cleared_at IS NULL
    """,
    """
    CREATE TABLE notifications (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id),
        kind text NOT NULL CONSTRAINT notifications_kind_check CHECK (
            kind IN ('submitted', 'disputed', 'signed', 'completed', 'flagged', 'due_soon')),
        handover_id bigint NOT NULL REFERENCES handovers (id),
        context jsonb NOT NULL DEFAULT '{}',
        dedupe text,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        email_status text CONSTRAINT notifications_email_status_check CHECK (
            email_status IN ('queued', 'sent', 'failed')),
        email_attempts integer NOT NULL DEFAULT 0,
        email_error text,
        emailed_at timestamptz
    )
    """,
    # Mine, unread first, newest first: the list's one index.
    """
    CREATE INDEX notifications_user_idx ON notifications (
        user_id, (read_at IS NULL) DESC, id DESC)
    """,
    """
    CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (user_id, handover_id, dedupe)
    WHERE dedupe IS NOT NULL
    """,
]

DOWNGRADE = [
    "DROP TABLE notifications",
    "DROP TABLE handover_flags",
    "ALTER TABLE users DROP COLUMN email",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
