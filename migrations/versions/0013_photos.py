"""Photos of assets: the JPEG the server re-encoded and its thumbnail, kept in PostgreSQL.

Revision ID: 0013_photos
Revises: 0012_room_tags
Create Date: 2026-12-03

The app is stateless, so the bytes live here (bytea, TOAST-compressed out of line),
bounded by checks that hold whatever writes them. A photo is never changed or removed:
adding one is in the asset's history, so the asset itself is never deleted either
(`assets_keep_history`), and the rows refuse UPDATE, DELETE and TRUNCATE.
`assets.latest_photo_id`, kept by a trigger on insert, lets the asset's phone page name
its latest photo in the query it already makes.
"""

from alembic import op

revision = "0013_photos"
down_revision = "0012_room_tags"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE asset_photos (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        asset_id bigint NOT NULL CONSTRAINT asset_photos_asset_id_fkey REFERENCES assets (id),
        image bytea NOT NULL,
        thumbnail bytea NOT NULL,
        width integer NOT NULL CONSTRAINT asset_photos_width_check CHECK (width BETWEEN 1 AND 4096),
        height integer NOT NULL
            CONSTRAINT asset_photos_height_check CHECK (height BETWEEN 1 AND 4096),
        sha256 bytea NOT NULL
            CONSTRAINT asset_photos_sha256_check CHECK (octet_length(sha256) = 32),
        added_by bigint CONSTRAINT asset_photos_added_by_fkey REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT asset_photos_image_check CHECK (octet_length(image) <= 2097152),
        CONSTRAINT asset_photos_thumbnail_check CHECK (octet_length(thumbnail) <= 65536)
    )
    """,
    "CREATE INDEX asset_photos_asset_idx ON asset_photos (asset_id, id DESC)",
    """
    CREATE FUNCTION asset_photos_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'a photo of an asset is never changed or removed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'asset_photos_keep';
    END $$
    """,
    """
    CREATE TRIGGER asset_photos_keep BEFORE UPDATE OR DELETE ON asset_photos
    FOR EACH ROW EXECUTE FUNCTION asset_photos_keep()
    """,
    """
    CREATE TRIGGER asset_photos_keep_all BEFORE TRUNCATE ON asset_photos
    FOR EACH STATEMENT EXECUTE FUNCTION asset_photos_keep()
    """,
    """
    ALTER TABLE assets ADD COLUMN latest_photo_id bigint
        CONSTRAINT assets_latest_photo_id_fkey REFERENCES asset_photos (id)
    """,
    # Kept by the database, as a generated column would be: no writer can forget it.
    """
    CREATE FUNCTION asset_photos_latest() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE assets SET latest_photo_id = NEW.id WHERE id = NEW.asset_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER asset_photos_latest AFTER INSERT ON asset_photos
    FOR EACH ROW EXECUTE FUNCTION asset_photos_latest()
    """,
]

DOWNGRADE = [
    "ALTER TABLE assets DROP COLUMN latest_photo_id",
    "DROP TABLE asset_photos",
    "DROP FUNCTION asset_photos_latest()",
    "DROP FUNCTION asset_photos_keep()",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
