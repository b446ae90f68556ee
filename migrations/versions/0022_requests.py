"""Equipment requests: a unit asks for the norm items it lacks, leaders decide line by line.

- `equipment_requests`: the unit asking, a title, its status (the `request_status`
  workflow with its `workflow_guard` trigger: draft -> submitted -> endorsed ->
  under_review -> approved | partly_approved | rejected -> partly_fulfilled -> fulfilled),
  and who submitted, endorsed and took it under review, when.
- `equipment_request_lines`: a norm item, the quantity and estimated unit price asked for,
  the gap it closes and the norm's maximum price as drafted (with the norm and its
  version), a justification (required above the gap or the maximum: a CHECK), and the
  province leader's decision (approved quantity, who, when, why). A decided line never
  changes again (a trigger).
- `equipment_request_arrivals`: the assets of the unit that fulfil a line, each asset once.

Revision ID: 0022_requests
Revises: 0012_room_tags
Create Date: 2026-12-03
"""

from alembic import op

revision = "0022_requests"
down_revision = "0012_room_tags"
branch_labels = None
# The norms' items and ids are made by 0020.
depends_on = ("0020_needs",)

WORKFLOW = "request_status"
STATES = [
    "draft",
    "submitted",
    "endorsed",
    "under_review",
    "approved",
    "partly_approved",
    "rejected",
    "partly_fulfilled",
    "fulfilled",
]
# As inventory/requests/rules.py declares it (tests/test_workflow.py compares them).
TRANSITIONS = [
    ("submit", "draft", "submitted"),
    ("send_back", "submitted", "draft"),
    ("endorse", "submitted", "endorsed"),
    ("review", "endorsed", "under_review"),
    ("approve", "under_review", "approved"),
    ("partly_approve", "under_review", "partly_approved"),
    ("reject", "under_review", "rejected"),
    ("arrive", "approved", "partly_fulfilled"),
    ("arrive", "partly_approved", "partly_fulfilled"),
    ("fulfil", "approved", "fulfilled"),
    ("fulfil", "partly_approved", "fulfilled"),
    ("fulfil", "partly_fulfilled", "fulfilled"),
]

UPGRADE = [
    """
    CREATE TABLE equipment_requests (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        unit_id bigint NOT NULL CONSTRAINT equipment_requests_unit_id_fkey REFERENCES units (id),
        title text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'draft',
        created_by bigint REFERENCES users (id),
        submitted_by bigint REFERENCES users (id),
        submitted_at timestamptz,
        endorsed_by bigint REFERENCES users (id),
        endorsed_at timestamptz,
        endorsement_note text NOT NULL DEFAULT '',
        reviewed_by bigint REFERENCES users (id),
        reviewed_at timestamptz,
        decided_at timestamptz,
        fulfilled_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sort_name text GENERATED ALWAYS AS (inventory_sort_key(title)) STORED
    )
    """,
    "CREATE INDEX equipment_requests_unit_idx ON equipment_requests (unit_id, id)",
    "CREATE INDEX equipment_requests_status_idx ON equipment_requests (status, id)",
    'CREATE INDEX equipment_requests_sort_idx ON equipment_requests (sort_name COLLATE "C", id)',
    """
    CREATE TABLE equipment_request_lines (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id bigint NOT NULL REFERENCES equipment_requests (id),
        item text NOT NULL CONSTRAINT equipment_request_lines_item_fkey
            REFERENCES norm_items (code),
        quantity integer NOT NULL CONSTRAINT equipment_request_lines_quantity_check
            CHECK (quantity > 0),
        unit_price bigint NOT NULL CONSTRAINT equipment_request_lines_unit_price_check
            CHECK (unit_price >= 0),
        gap integer NOT NULL DEFAULT 0 CHECK (gap >= 0),
        max_price bigint,
        norm_id bigint REFERENCES norms (id),
        norm_version integer,
        justification text NOT NULL DEFAULT '',
        decision text CONSTRAINT equipment_request_lines_decision_check
            CHECK (decision IN ('approved', 'partly_approved', 'rejected')),
        approved_quantity integer,
        decided_by bigint REFERENCES users (id),
        decided_at timestamptz,
        decision_reason text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT equipment_request_lines_justification_check CHECK (
            (quantity <= gap AND (max_price IS NULL OR unit_price <= max_price))
            OR btrim(justification) <> ''),
        CONSTRAINT equipment_request_lines_decided_check CHECK (
            (decision IS NULL) = (approved_quantity IS NULL)
            AND (decision IS NULL) = (decided_by IS NULL)
            AND (decision IS NULL OR btrim(coalesce(decision_reason, '')) <> '')),
        CONSTRAINT equipment_request_lines_approved_check CHECK (
            approved_quantity BETWEEN 0 AND quantity
            AND (decision <> 'approved' OR approved_quantity = quantity)
            AND (decision <> 'rejected' OR approved_quantity = 0)
            AND (decision <> 'partly_approved' OR approved_quantity BETWEEN 1 AND quantity - 1))
    )
    """,
    "CREATE INDEX equipment_request_lines_request_idx ON equipment_request_lines (request_id, id)",
    # A decided line is the province's decision: nothing of it changes again.
    """
    CREATE FUNCTION equipment_request_line_decided() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.decision IS NOT NULL THEN
            RAISE EXCEPTION 'request line % is decided: it does not change', OLD.id
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'equipment_request_lines_decided';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$
    """,
    "CREATE TRIGGER equipment_request_lines_decided BEFORE UPDATE OR DELETE"
    " ON equipment_request_lines FOR EACH ROW EXECUTE FUNCTION equipment_request_line_decided()",
    """
    CREATE TABLE equipment_request_arrivals (
        asset_id bigint PRIMARY KEY
            CONSTRAINT equipment_request_arrivals_asset_id_fkey REFERENCES assets (id),
        line_id bigint NOT NULL REFERENCES equipment_request_lines (id),
        quantity integer NOT NULL CHECK (quantity > 0),
        linked_by bigint REFERENCES users (id),
        linked_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX equipment_request_arrivals_line_idx ON equipment_request_arrivals (line_id)",
]

DOWNGRADE = [
    "DROP TABLE equipment_request_arrivals",
    "DROP TABLE equipment_request_lines",
    "DROP FUNCTION equipment_request_line_decided()",
    "DROP TABLE equipment_requests",
    f"DELETE FROM workflow_transitions WHERE workflow = '{WORKFLOW}'",
    f"DELETE FROM workflow_states WHERE workflow = '{WORKFLOW}'",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)
    for state in STATES:
        op.execute(
            f"INSERT INTO workflow_states (workflow, state) VALUES ('{WORKFLOW}', '{state}')"
        )
    for action, source, target in TRANSITIONS:
        op.execute(
            "INSERT INTO workflow_transitions (workflow, action, source, target)"
            f" VALUES ('{WORKFLOW}', '{action}', '{source}', '{target}')"
        )
    op.execute(
        "CREATE TRIGGER equipment_requests_status_workflow BEFORE INSERT OR UPDATE OF status"
        " ON equipment_requests FOR EACH ROW"
        f" EXECUTE FUNCTION workflow_guard('{WORKFLOW}', 'status')"
    )


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
