"""Handover documents: form 02's B.2 and B.4, the scanned decision, the minutes issued and
the digitally signed minutes sent back.

- `handovers.documents_handed_over` (B.2, the papers handed over with the assets) and
  `handovers.opinions` (B.4, the parties' opinions): text of the minutes, changed by the
  giving side while the list may change, and part of the content both sides sign.
- `handover_files`: the scanned decision (`decision`) and the minutes PDFs signed outside
  the app and sent back (`signed_minutes`, with the signatures found in them), as
  uploaded; a file, once kept, never changes or goes (a trigger).
- `handover_minutes_issued`: the SHA-256 and length of every minutes PDF the service
  made, so that a signed PDF sent back can be checked to begin with one of them,
  unchanged (signing adds an incremental revision after the original bytes).

Revision ID: 0015_handover_documents
Revises: 0012_room_tags
Create Date: 2026-12-03
"""

from alembic import op

revision = "0015_handover_documents"
down_revision = "0012_room_tags"
branch_labels = None
depends_on = "0008_handovers"  # the handovers table, on a branch of its own since 0007

UPGRADE = [
    "ALTER TABLE handovers ADD COLUMN documents_handed_over text NOT NULL DEFAULT ''",
    "ALTER TABLE handovers ADD COLUMN opinions text NOT NULL DEFAULT ''",
    """
    CREATE TABLE handover_files (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        handover_id bigint NOT NULL REFERENCES handovers (id),
        kind text NOT NULL CONSTRAINT handover_files_kind_check
            CHECK (kind IN ('decision', 'signed_minutes')),
        content bytea NOT NULL,
        size integer NOT NULL CONSTRAINT handover_files_size_check
            CHECK (size = octet_length(content)),
        sha256 bytea NOT NULL,
        content_hash text,
        signatures jsonb NOT NULL DEFAULT '[]',
        uploaded_by bigint REFERENCES users (id),
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT handover_files_sha256_key UNIQUE (handover_id, kind, sha256)
    )
    """,
    "CREATE INDEX handover_files_handover_idx ON handover_files (handover_id, kind, id)",
    """
    CREATE FUNCTION handover_files_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'handover file % is kept as uploaded', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'handover_files_immutable';
    END $$
    """,
    """
    CREATE TRIGGER handover_files_immutable BEFORE UPDATE OR DELETE ON handover_files
    FOR EACH ROW EXECUTE FUNCTION handover_files_immutable()
    """,
    """
    CREATE TABLE handover_minutes_issued (
        sha256 bytea PRIMARY KEY,
        handover_id bigint NOT NULL REFERENCES handovers (id),
        size integer NOT NULL,
        content_hash text NOT NULL,
        issued_by bigint REFERENCES users (id),
        issued_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX handover_minutes_issued_handover_idx ON handover_minutes_issued (handover_id)",
]

DOWNGRADE = [
    "DROP TABLE handover_minutes_issued",
    "DROP TABLE handover_files",
    "DROP FUNCTION handover_files_immutable()",
    "ALTER TABLE handovers DROP COLUMN opinions",
    "ALTER TABLE handovers DROP COLUMN documents_handed_over",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
