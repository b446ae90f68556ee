"""Core registry: units and lineage, accounts, sites, rooms, categories, assets, events.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-26
"""

from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

# Vietnamese letters with diacritics and their bare forms, both cases, so the
# fold does not depend on the server's locale (lower() under "C" is ASCII-only).
_FROM = (
    "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
    "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ"
)
_TO = (
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
)

STATEMENTS = [
    # Search that ignores diacritics and case with core PostgreSQL only (no unaccent).
    f"""
    CREATE FUNCTION inventory_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(translate(t, '{_FROM}', '{_TO}')) $$
    """,
    """
    CREATE TABLE units (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code text NOT NULL CONSTRAINT units_code_key UNIQUE,
        name text NOT NULL,
        kind text NOT NULL CONSTRAINT units_kind_check CHECK (kind IN (
            'province', 'commune', 'ward', 'special_zone',
            'former_commune', 'former_district', 'agency')),
        parent_id bigint REFERENCES units (id),
        merged_into_id bigint REFERENCES units (id),
        valid_from date,
        valid_to date,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT units_validity_check CHECK (valid_to IS NULL OR valid_from IS NULL
            OR valid_to >= valid_from),
        CONSTRAINT units_not_own_parent CHECK (parent_id <> id AND merged_into_id <> id)
    )
    """,
    "CREATE INDEX units_parent_idx ON units (parent_id)",
    "CREATE INDEX units_merged_into_idx ON units (merged_into_id)",
    "CREATE INDEX units_fold_name_idx ON units (inventory_fold(name) text_pattern_ops)",
    # Scope closure: every unit is in its own scope, its parent's, and (for a
    # former unit) the scope of the unit it was merged into. Small table, rebuilt
    # whole by a statement trigger: a province has a few hundred units.
    """
    CREATE TABLE unit_scope (
        ancestor_id bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
        unit_id bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
        PRIMARY KEY (ancestor_id, unit_id)
    )
    """,
    """
    CREATE FUNCTION unit_scope_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM unit_scope;
        INSERT INTO unit_scope (ancestor_id, unit_id)
        WITH RECURSIVE up(unit_id, ancestor_id, depth) AS (
            SELECT id, id, 0 FROM units
            UNION ALL
            SELECT up.unit_id, link.next_id, up.depth + 1
            FROM up
            JOIN LATERAL (
                SELECT u.parent_id AS next_id FROM units u
                WHERE u.id = up.ancestor_id AND u.parent_id IS NOT NULL
                UNION
                SELECT u.merged_into_id FROM units u
                WHERE u.id = up.ancestor_id AND u.merged_into_id IS NOT NULL
            ) link ON true
            WHERE up.depth < 16
        )
        SELECT DISTINCT ancestor_id, unit_id FROM up;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER units_scope_rebuild AFTER INSERT OR DELETE OR UPDATE OF parent_id,
    merged_into_id ON units FOR EACH STATEMENT EXECUTE FUNCTION unit_scope_rebuild()
    """,
    """
    CREATE TABLE users (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        login text NOT NULL,
        full_name text NOT NULL DEFAULT '',
        password_hash text NOT NULL,
        role text NOT NULL CONSTRAINT users_role_check CHECK (
            role IN ('admin', 'officer', 'auditor', 'leader')),
        unit_id bigint NOT NULL REFERENCES units (id),
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE UNIQUE INDEX users_login_key ON users (lower(login))",
    # Key-value store behind Litestar's sessions and rate limits: shared by every
    # worker and machine, so the app keeps nothing in process memory.
    """
    CREATE TABLE kv_store (
        namespace text NOT NULL,
        key text NOT NULL,
        value bytea NOT NULL,
        expires_at timestamptz,
        PRIMARY KEY (namespace, key)
    )
    """,
    "CREATE INDEX kv_store_expires_idx ON kv_store (expires_at) WHERE expires_at IS NOT NULL",
    """
    CREATE TABLE categories (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code text NOT NULL CONSTRAINT categories_code_key UNIQUE,
        name text NOT NULL,
        form_group text NOT NULL CONSTRAINT categories_form_group_check CHECK (
            form_group IN ('A', 'B', 'C', 'D')),
        wear_rate numeric(6, 4) NOT NULL DEFAULT 0 CONSTRAINT categories_wear_rate_check
            CHECK (wear_rate >= 0 AND wear_rate <= 1),
        norm_item text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE sites (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        holder_unit_id bigint NOT NULL REFERENCES units (id),
        origin_unit_id bigint REFERENCES units (id),
        name text NOT NULL,
        address text NOT NULL DEFAULT '',
        latitude double precision CONSTRAINT sites_latitude_check
            CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision CONSTRAINT sites_longitude_check
            CHECK (longitude BETWEEN -180 AND 180),
        land_area_m2 numeric(12, 2) CONSTRAINT sites_land_area_check CHECK (land_area_m2 >= 0),
        floor_area_m2 numeric(12, 2) CONSTRAINT sites_floor_area_check CHECK (floor_area_m2 >= 0),
        year_built integer,
        condition text NOT NULL DEFAULT 'good' CONSTRAINT sites_condition_check CHECK (
            condition IN ('good', 'fair', 'needs_repair', 'broken')),
        role text NOT NULL DEFAULT 'other' CONSTRAINT sites_role_check CHECK (
            role IN ('main_hq', 'secondary_hq', 'service_center', 'other')),
        status text NOT NULL DEFAULT 'in_use' CONSTRAINT sites_status_check CHECK (
            status IN ('in_use', 'idle', 'to_reassign', 'to_dispose')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX sites_holder_idx ON sites (holder_unit_id, name, id)",
    """
    CREATE TABLE rooms (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        site_id bigint NOT NULL REFERENCES sites (id),
        name text NOT NULL,
        floor integer,
        area_m2 numeric(10, 2) CONSTRAINT rooms_area_check CHECK (area_m2 >= 0),
        purpose text NOT NULL DEFAULT 'office' CONSTRAINT rooms_purpose_check CHECK (
            purpose IN ('office', 'meeting', 'reception', 'archive', 'storage', 'server',
                        'other')),
        seats integer CONSTRAINT rooms_seats_check CHECK (seats >= 0),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rooms_site_name_key UNIQUE (site_id, name)
    )
    """,
    """
    CREATE TABLE assets (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tag text CONSTRAINT assets_tag_key UNIQUE,
        name text NOT NULL,
        category_id bigint NOT NULL REFERENCES categories (id),
        model text NOT NULL DEFAULT '',
        serial text NOT NULL DEFAULT '',
        unit_of_measure text NOT NULL DEFAULT 'cái',
        quantity integer NOT NULL DEFAULT 1 CONSTRAINT assets_quantity_check CHECK (quantity > 0),
        acquisition_year integer,
        original_cost bigint NOT NULL DEFAULT 0 CONSTRAINT assets_original_cost_check
            CHECK (original_cost >= 0),
        remaining_value bigint CONSTRAINT assets_remaining_value_check
            CHECK (remaining_value >= 0),
        funding_source text NOT NULL DEFAULT '',
        condition text NOT NULL DEFAULT 'good' CONSTRAINT assets_condition_check CHECK (
            condition IN ('good', 'fair', 'needs_repair', 'broken')),
        status text NOT NULL DEFAULT 'in_use' CONSTRAINT assets_status_check CHECK (
            status IN ('in_use', 'in_storage', 'under_repair', 'lost', 'to_dispose',
                       'disposed')),
        holder_unit_id bigint NOT NULL REFERENCES units (id),
        site_id bigint REFERENCES sites (id),
        room_id bigint REFERENCES rooms (id),
        origin_unit_id bigint REFERENCES units (id),
        ownership text NOT NULL DEFAULT 'own' CONSTRAINT assets_ownership_check CHECK (
            ownership IN ('own', 'surplus', 'not_own')),
        custodian text NOT NULL DEFAULT '',
        last_seen_at timestamptz,
        last_seen_room_id bigint REFERENCES rooms (id),
        last_seen_by bigint REFERENCES users (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (to_tsvector('simple', inventory_fold(
            name || ' ' || coalesce(tag, '') || ' ' || serial || ' ' || model))) STORED
    )
    """,
    "CREATE INDEX assets_holder_name_idx ON assets (holder_unit_id, name, id)",
    "CREATE INDEX assets_name_idx ON assets (name, id)",
    "CREATE INDEX assets_room_idx ON assets (room_id)",
    "CREATE INDEX assets_site_idx ON assets (site_id)",
    "CREATE INDEX assets_category_idx ON assets (category_id)",
    "CREATE INDEX assets_search_idx ON assets USING gin (search)",
    # History: append-only and hash-chained. The head row is updated under a row
    # lock, so concurrent writers chain in commit order and see each other's hash.
    """
    CREATE TABLE events (
        id bigint PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id bigint REFERENCES users (id),
        entity text NOT NULL,
        entity_id bigint NOT NULL,
        action text NOT NULL,
        before jsonb,
        after jsonb,
        hash bytea NOT NULL
    )
    """,
    "CREATE INDEX events_entity_idx ON events (entity, entity_id, id)",
    "CREATE TABLE event_head (one boolean PRIMARY KEY DEFAULT true CHECK (one), "
    "seq bigint NOT NULL, hash bytea NOT NULL)",
    "INSERT INTO event_head (seq, hash) VALUES (0, sha256(''::bytea))",
    """
    CREATE FUNCTION events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE event_head SET seq = seq + 1,
            hash = sha256(hash || convert_to(concat_ws('|', seq + 1,
                to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), NEW.actor_id,
                NEW.entity, NEW.entity_id, NEW.action, NEW.before::text, NEW.after::text),
                'UTF8'))
        RETURNING seq, hash INTO NEW.id, NEW.hash;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER events_chain BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_chain()
    """,
    """
    CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only()
    """,
    """
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()
    """,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "events",
        "event_head",
        "assets",
        "rooms",
        "sites",
        "categories",
        "kv_store",
        "users",
        "unit_scope",
        "units",
    ):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    for function in ("events_append_only", "events_chain", "unit_scope_rebuild", "inventory_fold"):
        op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
