"""Handovers (biên bản bàn giao, form 02/TSC-BBGN) and the norms table.

- `norms`: figures the law sets, as data with their source (the handover deadline first;
  equipment and area norms join it later): code, value, unit, legal source, confidence,
  validity, version.
- `handovers`: a batch of sites, rooms and assets passing from the giving unit to the
  receiving unit, executing a decision; its parties, status (the `handover_status`
  workflow with its `workflow_guard` trigger) and the two signatures.
- `handover_items`: what the giver lists, copied when listed (name, form 02 group,
  unit of measure, quantity, cost, remaining value, condition, notes), and the transfer
  status the receiver records.
- `handover_open_items`: the key of every site, room and asset in a handover not yet
  completed or cancelled; its primary key lets an item be in one open handover only,
  whoever builds at the same time. Completing or cancelling frees them (a trigger).
- A completed handover and its items never change again (a trigger); a correction is a
  supplementary handover linked to it.

Revision ID: 0008_handovers
Revises: 0007_jobs
Create Date: 2026-12-02
"""

from alembic import op

revision = "0008_handovers"
down_revision = "0007_jobs"
branch_labels = None
depends_on = None

STATES = [
    "draft",
    "submitted",
    "verifying",
    "signed_by_giver",
    "signed_by_receiver",
    "completed",
    "disputed",
    "cancelled",
]
# As inventory/handovers/rules.py declares it (tests/test_workflow.py compares them).
TRANSITIONS = [
    ("submit", "draft", "submitted"),
    ("cancel", "draft", "cancelled"),
    ("cancel", "disputed", "cancelled"),
    ("receive", "submitted", "verifying"),
    ("void", "signed_by_giver", "verifying"),
    ("void", "signed_by_receiver", "verifying"),
    ("dispute", "submitted", "disputed"),
    ("dispute", "verifying", "disputed"),
    ("dispute", "signed_by_giver", "disputed"),
    ("dispute", "signed_by_receiver", "disputed"),
    ("resume", "disputed", "verifying"),
    ("giver_signs", "verifying", "signed_by_giver"),
    ("giver_signs", "signed_by_receiver", "completed"),
    ("receiver_signs", "verifying", "signed_by_receiver"),
    ("receiver_signs", "signed_by_giver", "completed"),
]

UPGRADE = [
    """
    CREATE TABLE norms (
        code text PRIMARY KEY,
        value numeric NOT NULL,
        unit text NOT NULL,
        legal_source text NOT NULL,
        confidence text NOT NULL,
        valid_from date,
        valid_to date,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT norms_validity_check CHECK (valid_to IS NULL OR valid_from IS NULL
            OR valid_to >= valid_from)
    )
    """,
    """
    INSERT INTO norms (code, value, unit, legal_source, confidence, valid_from, valid_to)
    VALUES ('handover.deadline_days', 30, 'days',
        'Decree 186/2025/NĐ-CP: hand over and receive within 30 days of the transfer decision',
        'high', '2025-07-01', NULL)
    """,
    """
    CREATE TABLE handovers (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CONSTRAINT handovers_kind_check
            CHECK (kind IN ('merger', 'reallocation', 'supplementary')),
        corrects_id bigint CONSTRAINT handovers_corrects_id_fkey REFERENCES handovers (id),
        decision_number text NOT NULL,
        decision_date date NOT NULL,
        decision_issuer text NOT NULL,
        giving_unit_id bigint NOT NULL CONSTRAINT handovers_giving_unit_id_fkey
            REFERENCES units (id),
        receiving_unit_id bigint NOT NULL CONSTRAINT handovers_receiving_unit_id_fkey
            REFERENCES units (id),
        place text NOT NULL DEFAULT '',
        handover_date date,
        giver_parties jsonb NOT NULL DEFAULT '[]',
        receiver_parties jsonb NOT NULL DEFAULT '[]',
        witness jsonb,
        notes text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'draft',
        dispute_reason text,
        disputed_by text,
        giver_signed_by bigint REFERENCES users (id),
        giver_signer_name text,
        giver_signer_position text,
        giver_signed_at timestamptz,
        giver_signed_hash text,
        receiver_signed_by bigint REFERENCES users (id),
        receiver_signer_name text,
        receiver_signer_position text,
        receiver_signed_at timestamptz,
        receiver_signed_hash text,
        completed_at timestamptz,
        created_by bigint REFERENCES users (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT handovers_units_check CHECK (giving_unit_id <> receiving_unit_id),
        CONSTRAINT handovers_corrects_check
            CHECK ((kind = 'supplementary') = (corrects_id IS NOT NULL)),
        CONSTRAINT handovers_completed_check
            CHECK ((completed_at IS NOT NULL) = (status = 'completed'))
    )
    """,
    "CREATE INDEX handovers_giving_idx ON handovers (giving_unit_id, id)",
    "CREATE INDEX handovers_receiving_idx ON handovers (receiving_unit_id, id)",
    "CREATE INDEX handovers_corrects_idx ON handovers (corrects_id)",
    """
    CREATE TABLE handover_items (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        handover_id bigint NOT NULL REFERENCES handovers (id),
        kind text NOT NULL CONSTRAINT handover_items_kind_check
            CHECK (kind IN ('site', 'room', 'asset', 'surplus')),
        site_id bigint REFERENCES sites (id),
        room_id bigint REFERENCES rooms (id),
        asset_id bigint REFERENCES assets (id),
        tag text,
        name text NOT NULL,
        form_group text NOT NULL CONSTRAINT handover_items_form_group_check
            CHECK (form_group IN ('A', 'B', 'C', 'D')),
        unit_of_measure text NOT NULL,
        quantity integer NOT NULL CONSTRAINT handover_items_quantity_check CHECK (quantity > 0),
        original_cost bigint NOT NULL DEFAULT 0,
        remaining_value bigint,
        condition text NOT NULL CONSTRAINT handover_items_condition_check CHECK (
            condition IN ('good', 'fair', 'needs_repair', 'broken')),
        notes text NOT NULL DEFAULT '',
        transfer_status text NOT NULL DEFAULT 'listed'
            CONSTRAINT handover_items_transfer_status_check CHECK (transfer_status IN (
                'listed', 'received', 'received_damaged', 'missing', 'surplus')),
        received_condition text CONSTRAINT handover_items_received_condition_check CHECK (
            received_condition IN ('good', 'fair', 'needs_repair', 'broken')),
        receipt_note text NOT NULL DEFAULT '',
        recorded_by bigint REFERENCES users (id),
        recorded_at timestamptz,
        CONSTRAINT handover_items_entity_check CHECK (
            (kind = 'site' AND site_id IS NOT NULL AND room_id IS NULL AND asset_id IS NULL)
            OR (kind = 'room' AND room_id IS NOT NULL AND site_id IS NOT NULL
                AND asset_id IS NULL)
            OR (kind = 'asset' AND asset_id IS NOT NULL)
            OR (kind = 'surplus' AND site_id IS NULL AND room_id IS NULL AND asset_id IS NULL)),
        CONSTRAINT handover_items_surplus_check
            CHECK ((kind = 'surplus') = (transfer_status = 'surplus')),
        CONSTRAINT handover_items_damaged_check
            CHECK (transfer_status <> 'received_damaged' OR received_condition IS NOT NULL)
    )
    """,
    "CREATE INDEX handover_items_handover_idx ON handover_items (handover_id, id)",
    "CREATE INDEX handover_items_status_idx ON handover_items (handover_id, transfer_status)",
    "CREATE INDEX handover_items_asset_idx ON handover_items (asset_id)",
    "CREATE INDEX handover_items_site_idx ON handover_items (site_id)",
    "CREATE INDEX handover_items_room_idx ON handover_items (room_id)",
    """
    CREATE TABLE handover_open_items (
        entity text NOT NULL,
        entity_id bigint NOT NULL,
        handover_id bigint NOT NULL REFERENCES handovers (id),
        item_id bigint NOT NULL REFERENCES handover_items (id) ON DELETE CASCADE,
        CONSTRAINT handover_open_items_pkey PRIMARY KEY (entity, entity_id)
    )
    """,
    "CREATE INDEX handover_open_items_handover_idx ON handover_open_items (handover_id)",
    "CREATE INDEX handover_open_items_item_idx ON handover_open_items (item_id)",
    # A handover completed or cancelled frees its items for another, whoever changes it.
    """
    CREATE FUNCTION handovers_release_items() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM handover_open_items WHERE handover_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER handovers_release_items AFTER UPDATE OF status ON handovers
    FOR EACH ROW WHEN (NEW.status IN ('completed', 'cancelled'))
    EXECUTE FUNCTION handovers_release_items()
    """,
    # A completed handover is the minutes both sides signed: nothing of it changes again.
    """
    CREATE FUNCTION handovers_completed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'handovers' THEN
            IF OLD.status = 'completed' THEN
                RAISE EXCEPTION 'handover % is completed: it never changes (a correction is'
                    ' a supplementary handover)', OLD.id
                    USING ERRCODE = 'check_violation',
                          CONSTRAINT = 'handovers_completed_immutable';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        IF EXISTS (SELECT 1 FROM handovers h WHERE h.status = 'completed' AND h.id IN (
                CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.handover_id END,
                CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.handover_id END)) THEN
            RAISE EXCEPTION 'the items of a completed handover never change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'handovers_completed_immutable';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER handovers_completed_immutable BEFORE UPDATE OR DELETE ON handovers
    FOR EACH ROW EXECUTE FUNCTION handovers_completed_immutable()
    """,
    """
    CREATE TRIGGER handover_items_completed_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON handover_items
    FOR EACH ROW EXECUTE FUNCTION handovers_completed_immutable()
    """,
]

DOWNGRADE = [
    "DROP TABLE handover_open_items",
    "DROP TABLE handover_items",
    "DROP TABLE handovers",
    "DROP FUNCTION handovers_completed_immutable()",
    "DROP FUNCTION handovers_release_items()",
    "DELETE FROM workflow_transitions WHERE workflow = 'handover_status'",
    "DELETE FROM workflow_states WHERE workflow = 'handover_status'",
    "DROP TABLE norms",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)
    for state in STATES:
        op.execute(
            f"INSERT INTO workflow_states (workflow, state) VALUES ('handover_status', '{state}')"
        )
    for action, source, target in TRANSITIONS:
        op.execute(
            "INSERT INTO workflow_transitions (workflow, action, source, target)"
            f" VALUES ('handover_status', '{action}', '{source}', '{target}')"
        )
    op.execute(
        "CREATE TRIGGER handovers_status_workflow BEFORE INSERT OR UPDATE OF status"
        " ON handovers FOR EACH ROW EXECUTE FUNCTION workflow_guard('handover_status', 'status')"
    )


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
