"""Imports of asset lists: the uploaded file a job reads, and the key each imported asset
was matched by, so that importing the same file again adds nothing twice.

- `import_files`: the upload of an import job (CSV or XLSX as sent, bounded by the
  route), deleted with its job.
- `asset_import_keys`: per holder unit, the key of a row that had neither tag nor serial
  (a digest of its content and its occurrence in the file), and the asset it made.

Revision ID: 0021_imports
Revises: 0012_room_tags
Create Date: 2026-12-03
"""

from alembic import op

revision = "0021_imports"
down_revision = "0012_room_tags"
branch_labels = None
depends_on = None

STATEMENTS = (
    """
    CREATE TABLE import_files (
        job_id bigint PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        file_name text NOT NULL DEFAULT '',
        content bytea NOT NULL
    )
    """,
    """
    CREATE TABLE asset_import_keys (
        holder_unit_id bigint NOT NULL REFERENCES units (id),
        key text NOT NULL,
        asset_id bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
        PRIMARY KEY (holder_unit_id, key)
    )
    """,
    "CREATE INDEX asset_import_keys_asset_idx ON asset_import_keys (asset_id)",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE asset_import_keys")
    op.execute("DROP TABLE import_files")
