"""Stocktakes (kiểm kê): a count over a site or some of its rooms, the scans phones send,
and the results of closing it.

- `stocktakes`: the unit counting, the site, its status (open -> closed | cancelled, the
  `stocktake_status` workflow with its `workflow_guard` trigger), who opened and closed it.
- `stocktake_rooms`: the rooms chosen (none: the whole site).
- `stocktake_expected`: what the unit held there when the count opened, fixed then.
- `stocktake_scans`: every scan, once by the id the phone made (`scan_id`), whatever it
  turned out to be (found, another unit's asset, an unknown tag, a blank tag of the unit);
  a scan arriving after the count closed is kept and flagged `late`.
- `stocktake_results`: one line per asset or tag, computed at closing, and the decision
  taken on a misplaced asset (moved here, or left where it is recorded).

Revision ID: 0009_stocktakes
Revises: 0007_jobs
Create Date: 2026-12-02
"""

from alembic import op

revision = "0009_stocktakes"
down_revision = "0007_jobs"
branch_labels = None
depends_on = None

STATES = ["open", "closed", "cancelled"]
# As inventory/stocktakes/rules.py declares it (tests/test_workflow.py compares them).
TRANSITIONS = [("close", "open", "closed"), ("cancel", "open", "cancelled")]

UPGRADE = [
    """
    CREATE TABLE stocktakes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        unit_id bigint NOT NULL REFERENCES units (id),
        site_id bigint NOT NULL REFERENCES sites (id),
        name text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'open',
        opened_by bigint REFERENCES users (id),
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_by bigint REFERENCES users (id),
        closed_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stocktakes_closed_check CHECK ((closed_at IS NULL) = (status = 'open'))
    )
    """,
    "CREATE INDEX stocktakes_unit_idx ON stocktakes (unit_id, id)",
    "CREATE INDEX stocktakes_site_idx ON stocktakes (site_id)",
    """
    CREATE TABLE stocktake_rooms (
        stocktake_id bigint NOT NULL REFERENCES stocktakes (id),
        room_id bigint NOT NULL REFERENCES rooms (id),
        PRIMARY KEY (stocktake_id, room_id)
    )
    """,
    "CREATE INDEX stocktake_rooms_room_idx ON stocktake_rooms (room_id)",
    """
    CREATE TABLE stocktake_expected (
        stocktake_id bigint NOT NULL REFERENCES stocktakes (id),
        asset_id bigint NOT NULL REFERENCES assets (id),
        tag text,
        name text NOT NULL,
        room_id bigint REFERENCES rooms (id),
        quantity integer NOT NULL,
        ownership text NOT NULL,
        PRIMARY KEY (stocktake_id, asset_id)
    )
    """,
    "CREATE INDEX stocktake_expected_asset_idx ON stocktake_expected (asset_id)",
    """
    CREATE TABLE stocktake_scans (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        scan_id uuid NOT NULL CONSTRAINT stocktake_scans_scan_id_key UNIQUE,
        stocktake_id bigint NOT NULL REFERENCES stocktakes (id),
        tag text NOT NULL,
        kind text NOT NULL CONSTRAINT stocktake_scans_kind_check
            CHECK (kind IN ('found', 'not_ours', 'unknown', 'blank')),
        asset_id bigint REFERENCES assets (id),
        room_id bigint NOT NULL REFERENCES rooms (id),
        seen_at timestamptz NOT NULL,
        condition text CONSTRAINT stocktake_scans_condition_check CHECK (
            condition IN ('good', 'fair', 'needs_repair', 'broken')),
        quantity integer CONSTRAINT stocktake_scans_quantity_check CHECK (quantity >= 0),
        scanned_by bigint NOT NULL REFERENCES users (id),
        received_at timestamptz NOT NULL DEFAULT now(),
        late boolean NOT NULL DEFAULT false,
        CONSTRAINT stocktake_scans_asset_check CHECK ((asset_id IS NOT NULL) = (kind = 'found'))
    )
    """,
    "CREATE INDEX stocktake_scans_stocktake_idx ON stocktake_scans (stocktake_id, id)",
    "CREATE INDEX stocktake_scans_asset_idx ON stocktake_scans (stocktake_id, asset_id)"
    " WHERE asset_id IS NOT NULL",
    "CREATE INDEX stocktake_scans_room_idx ON stocktake_scans (room_id)",
    """
    CREATE TABLE stocktake_results (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stocktake_id bigint NOT NULL REFERENCES stocktakes (id),
        outcome text NOT NULL CONSTRAINT stocktake_results_outcome_check CHECK (outcome IN (
            'in_place', 'misplaced', 'missing', 'unknown', 'blank', 'not_ours')),
        asset_id bigint REFERENCES assets (id),
        tag text,
        name text NOT NULL DEFAULT '',
        ownership text,
        expected boolean NOT NULL DEFAULT false,
        quantity integer,
        counted_quantity integer,
        recorded_room_id bigint REFERENCES rooms (id),
        seen_room_id bigint REFERENCES rooms (id),
        seen_at timestamptz,
        seen_by bigint REFERENCES users (id),
        sightings integer NOT NULL DEFAULT 0,
        decision text CONSTRAINT stocktake_results_decision_check
            CHECK (decision IN ('moved', 'left')),
        decided_by bigint REFERENCES users (id),
        decided_at timestamptz,
        CONSTRAINT stocktake_results_decision_outcome_check
            CHECK (decision IS NULL OR outcome = 'misplaced'),
        CONSTRAINT stocktake_results_asset_check CHECK ((asset_id IS NOT NULL)
            = (outcome IN ('in_place', 'misplaced', 'missing')))
    )
    """,
    "CREATE UNIQUE INDEX stocktake_results_asset_key ON stocktake_results"
    " (stocktake_id, asset_id) WHERE asset_id IS NOT NULL",
    "CREATE INDEX stocktake_results_outcome_idx ON stocktake_results (stocktake_id, outcome, id)",
    "CREATE INDEX stocktake_results_asset_idx ON stocktake_results (asset_id)",
    "CREATE INDEX stocktake_results_rooms_idx ON stocktake_results (seen_room_id)",
    "CREATE INDEX stocktake_results_recorded_idx ON stocktake_results (recorded_room_id)",
]

DOWNGRADE = [
    "DROP TABLE stocktake_results",
    "DROP TABLE stocktake_scans",
    "DROP TABLE stocktake_expected",
    "DROP TABLE stocktake_rooms",
    "DROP TABLE stocktakes",
    "DELETE FROM workflow_transitions WHERE workflow = 'stocktake_status'",
    "DELETE FROM workflow_states WHERE workflow = 'stocktake_status'",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)
    for state in STATES:
        op.execute(
            f"INSERT INTO workflow_states (workflow, state) VALUES ('stocktake_status', '{state}')"
        )
    for action, source, target in TRANSITIONS:
        op.execute(
            "INSERT INTO workflow_transitions (workflow, action, source, target)"
            f" VALUES ('stocktake_status', '{action}', '{source}', '{target}')"
        )
    op.execute(
        "CREATE TRIGGER stocktakes_status_workflow BEFORE INSERT OR UPDATE OF status"
        " ON stocktakes FOR EACH ROW EXECUTE FUNCTION workflow_guard('stocktake_status', 'status')"
    )


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
