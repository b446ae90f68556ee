"""Norms as data, staffing per unit, and the counts that room and equipment needs read.

- `norms` gets a stable `id` (its primary key; `code` stays unique, as the handovers read
  it) and what the needs arithmetic reads: `kind` (handover, area, shared_area, room,
  equipment), `name`, the position groups a figure applies to, the equipment item or room
  purpose it is about, its basis (per person, per N staff, per office room, per unit),
  `per` (the N) and the maximum price. Seeded from domain/norms.md, each figure with its
  legal source, confidence and validity.
- `norm_items`: the equipment items of Decision 15/2025/QĐ-TTg; a category's `norm_item`
  names one of them (the category -> norm item mapping, edited on the category).
- `staffing` (one row per unit: its version) and `staff_positions` (position, norm group,
  how many hold it).
- `asset_counts`: assets and their summed quantity per holder, category, status and
  condition, kept by triggers on `assets` (inserts and deletes: one aggregated upsert per
  statement, COPY included; updates: per row, only when a counted column changes). The
  needs of a province read it instead of every asset, so their time does not grow with
  the number of assets.

Revision ID: 0020_needs
Revises: 0012_room_tags
Create Date: 2026-12-03
"""

from alembic import op

revision = "0020_needs"
down_revision = "0012_room_tags"
branch_labels = None
# The norms table is made by 0008, on a branch of its own.
depends_on = ("0008_handovers",)

GROUPS = ("secretary", "leader", "head", "staff")
ITEMS = [
    ("desk_set", "Bộ bàn ghế làm việc"),
    ("cabinet", "Tủ đựng tài liệu"),
    ("computer", "Máy vi tính (để bàn hoặc xách tay)"),
    ("printer", "Máy in"),
    ("phone", "Điện thoại cố định"),
    ("meeting_set", "Bộ bàn ghế họp, tiếp khách"),
    ("scanner", "Máy scan"),
    ("shredder", "Máy hủy tài liệu"),
    ("photocopier", "Máy photocopy"),
    ("document_shelf", "Giá để tài liệu"),
]

_AREA = (
    "Decree 155/2025/NĐ-CP (in force 1 July 2025), Appendix II: office area per position at"
    " commune level, replacing Decree 152/2017; figure from press reports of the decree"
)
_SHARED = (
    "Decree 152/2017/NĐ-CP (replaced by Decree 155/2025): shared area (meeting room,"
    " reception, archive) up to 70% of the total position area at commune headquarters;"
    " not verified for Decree 155/2025, kept as a setting"
)
_ROOMS = (
    "Decree 155/2025/NĐ-CP: the shared area of a commune headquarters holds a meeting room,"
    " a reception room and an archive; one-stop counters and citizen reception are"
    " special-use areas decided by the province or commune"
)
_EQUIPMENT = (
    "Decision 15/2025/QĐ-TTg (in force 1 July 2025), Appendix II, replacing Decision 50/2017"
)
_SHARED_VIII = _EQUIPMENT + ", shared equipment for group VIII"
_M = 1_000_000
_FROM = "2025-07-01"


def _norm(
    code: str,
    kind: str,
    name: str,
    value: float,
    unit: str,
    source: str,
    confidence: str,
    valid_from: str | None = _FROM,
    **more: object,
) -> dict[str, object]:
    """One row of `norms`: position_groups, item, purpose, basis, per, max_price in `more`."""
    return {
        "code": code,
        "kind": kind,
        "name": name,
        "value": value,
        "unit": unit,
        "legal_source": source,
        "confidence": confidence,
        "valid_from": valid_from,
        **more,
    }


def _equipment(group: str, groups: list[str], lines: list[tuple]) -> list[dict[str, object]]:
    """Per-person equipment of one group: (code, name, quantity, item, max price)."""
    return [
        _norm(
            f"equipment.{group}.{code}",
            "equipment",
            name,
            qty,
            "set/person",
            f"{_EQUIPMENT}, group {group.upper()}",
            "high",
            position_groups=groups,
            item=item,
            basis="person",
            max_price=price,
        )
        for code, name, qty, item, price in lines
    ]


NORMS = [
    _norm(
        "area.secretary",
        "area",
        "Bí thư Đảng ủy xã",
        30,
        "m2/person",
        _AREA,
        "medium",
        position_groups=["secretary"],
        basis="person",
    ),
    _norm(
        "area.leader",
        "area",
        "Phó Bí thư; Chủ tịch, Phó Chủ tịch HĐND và UBND; Chủ tịch Ủy ban MTTQ xã",
        20,
        "m2/person",
        _AREA,
        "medium",
        position_groups=["leader"],
        basis="person",
    ),
    _norm(
        "area.head",
        "area",
        "Trưởng, phó các phòng chuyên môn xã",
        18,
        "m2/person",
        _AREA + " (one report says 20)",
        "low_medium",
        position_groups=["head"],
        basis="person",
    ),
    _norm(
        "area.staff",
        "area",
        "Chuyên viên, công chức xã, người lao động hợp đồng",
        15,
        "m2/person",
        _AREA,
        "medium",
        position_groups=["staff"],
        basis="person",
    ),
    _norm(
        "area.shared_allowance",
        "shared_area",
        "Diện tích dùng chung (phòng họp, tiếp công dân, lưu trữ)",
        0.70,
        "fraction of position area",
        _SHARED,
        "low",
        None,
    ),
    _norm("room.meeting", "room", "Phòng họp", 1, "room", _ROOMS, "medium", purpose="meeting"),
    _norm(
        "room.reception",
        "room",
        "Phòng tiếp công dân / bộ phận một cửa",
        1,
        "room",
        _ROOMS,
        "medium",
        purpose="reception",
    ),
    _norm("room.archive", "room", "Kho lưu trữ", 1, "room", _ROOMS, "medium", purpose="archive"),
    # Group VI: the Party secretary (both a desktop and a laptop).
    *_equipment(
        "vi",
        ["secretary"],
        [
            ("desk_set", "Bộ bàn ghế làm việc, nhóm VI", 1, "desk_set", 13 * _M),
            ("cabinet", "Tủ đựng tài liệu, nhóm VI", 2, "cabinet", 7 * _M),
            ("computer_desktop", "Máy vi tính để bàn, nhóm VI", 1, "computer", 20 * _M),
            ("computer_laptop", "Máy vi tính xách tay, nhóm VI", 1, "computer", 25 * _M),
            ("printer", "Máy in, nhóm VI", 1, "printer", 13 * _M),
            ("phone", "Điện thoại cố định, nhóm VI", 1, "phone", 1_500_000),
            ("meeting_set", "Bộ bàn ghế họp, tiếp khách, nhóm VI", 1, "meeting_set", 15 * _M),
        ],
    ),
    # Group VII: deputy secretary, chairs and vice-chairs, Fatherland Front chair.
    *_equipment(
        "vii",
        ["leader"],
        [
            ("desk_set", "Bộ bàn ghế làm việc, nhóm VII", 1, "desk_set", 10 * _M),
            ("cabinet", "Tủ đựng tài liệu, nhóm VII", 2, "cabinet", 7 * _M),
            ("computer", "Máy vi tính để bàn hoặc xách tay, nhóm VII", 1, "computer", 20 * _M),
            ("printer", "Máy in, nhóm VII", 1, "printer", 13 * _M),
            ("phone", "Điện thoại cố định, nhóm VII", 1, "phone", 1 * _M),
            ("meeting_set", "Bộ bàn ghế họp, tiếp khách, nhóm VII", 1, "meeting_set", 13 * _M),
        ],
    ),
    # Group VIII: heads and deputies of departments, civil servants, contract staff.
    *_equipment(
        "viii",
        ["head", "staff"],
        [
            ("desk_set", "Bộ bàn ghế làm việc, nhóm VIII", 1, "desk_set", 7 * _M),
            ("cabinet", "Tủ đựng tài liệu, nhóm VIII", 1, "cabinet", 7 * _M),
            ("computer", "Máy vi tính để bàn hoặc xách tay, nhóm VIII", 1, "computer", 20 * _M),
            ("phone", "Điện thoại cố định, nhóm VIII", 1, "phone", 1 * _M),
        ],
    ),
    _norm(
        "equipment.viii.meeting_set",
        "equipment",
        "Bộ bàn ghế họp, tiếp khách, 1 bộ / phòng làm việc",
        1,
        "set/office room",
        _SHARED_VIII,
        "high",
        position_groups=["head", "staff"],
        item="meeting_set",
        basis="office_room",
        max_price=13 * _M,
    ),
    *(
        _norm(
            f"equipment.viii.{item}",
            "equipment",
            name,
            1,
            f"set/{per} staff",
            _SHARED_VIII,
            "high",
            position_groups=["head", "staff"],
            item=item,
            basis="staff",
            per=per,
            max_price=price,
        )
        for item, name, per, price in [
            ("printer", "Máy in dùng chung, 1 máy / 3 người", 3, 13 * _M),
            ("scanner", "Máy scan, 1 máy / 15 người", 15, 22 * _M),
            ("shredder", "Máy hủy tài liệu, 1 máy / 15 người", 15, 10 * _M),
            ("photocopier", "Máy photocopy, 1 máy / 15 người", 15, 110 * _M),
            ("document_shelf", "Giá để tài liệu, 1 giá / 10 người", 10, 1_500_000),
        ]
    ),
]
_COLUMNS = (
    "code",
    "kind",
    "name",
    "value",
    "unit",
    "legal_source",
    "confidence",
    "valid_from",
    "position_groups",
    "item",
    "purpose",
    "basis",
    "per",
    "max_price",
)
_DEFAULTS = {
    "position_groups": [],
    "item": None,
    "purpose": None,
    "basis": "unit",
    "per": 1,
    "max_price": None,
}


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, list):
        return "ARRAY[" + ", ".join(_literal(v) for v in value) + "]::text[]"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


_GROUP_LIST = ", ".join(f"'{g}'" for g in GROUPS)

UPGRADE = [
    # A stable id as the primary key; the code stays unique (handovers read it).
    "ALTER TABLE norms DROP CONSTRAINT norms_pkey",
    "ALTER TABLE norms ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY",
    "ALTER TABLE norms ADD CONSTRAINT norms_pkey PRIMARY KEY (id)",
    "ALTER TABLE norms ADD CONSTRAINT norms_code_key UNIQUE (code)",
    "ALTER TABLE norms ADD COLUMN kind text NOT NULL DEFAULT 'handover'"
    " CONSTRAINT norms_kind_check CHECK (kind IN ('handover', 'area', 'shared_area', 'room',"
    " 'equipment'))",
    "ALTER TABLE norms ADD COLUMN name text NOT NULL DEFAULT ''",
    f"ALTER TABLE norms ADD COLUMN position_groups text[] NOT NULL DEFAULT '{{}}'"
    f" CONSTRAINT norms_position_groups_check CHECK (position_groups <@ ARRAY[{_GROUP_LIST}])",
    "ALTER TABLE norms ADD COLUMN item text",
    "ALTER TABLE norms ADD COLUMN purpose text CONSTRAINT norms_purpose_check CHECK (purpose IN"
    " ('office', 'meeting', 'reception', 'archive', 'storage', 'server', 'other'))",
    "ALTER TABLE norms ADD COLUMN basis text NOT NULL DEFAULT 'unit'"
    " CONSTRAINT norms_basis_check CHECK (basis IN ('person', 'staff', 'office_room', 'unit'))",
    "ALTER TABLE norms ADD COLUMN per integer NOT NULL DEFAULT 1"
    " CONSTRAINT norms_per_check CHECK (per > 0)",
    "ALTER TABLE norms ADD COLUMN max_price bigint CONSTRAINT norms_max_price_check"
    " CHECK (max_price >= 0)",
    "ALTER TABLE norms ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()",
    "ALTER TABLE norms ADD CONSTRAINT norms_value_check CHECK (value >= 0)",
    "ALTER TABLE norms ADD CONSTRAINT norms_confidence_check CHECK (confidence IN"
    " ('high', 'medium_high', 'medium', 'low_medium', 'low'))",
    "UPDATE norms SET name = 'Thời hạn bàn giao, tiếp nhận sau quyết định'"
    " WHERE code = 'handover.deadline_days'",
    """
    CREATE TABLE norm_items (
        code text PRIMARY KEY,
        name text NOT NULL
    )
    """,
    "INSERT INTO norm_items (code, name) VALUES "
    + ", ".join(f"({_literal(c)}, {_literal(n)})" for c, n in ITEMS),
    # An equipment norm is about an item, a room norm about a room purpose.
    "ALTER TABLE norms ADD CONSTRAINT norms_item_fkey FOREIGN KEY (item)"
    " REFERENCES norm_items (code)",
    "ALTER TABLE norms ADD CONSTRAINT norms_item_check CHECK ("
    "(kind = 'equipment') = (item IS NOT NULL) AND (kind = 'room') = (purpose IS NOT NULL))",
    f"INSERT INTO norms ({', '.join(_COLUMNS)}) VALUES "
    + ", ".join(
        "(" + ", ".join(_literal({**_DEFAULTS, **row}[c]) for c in _COLUMNS) + ")" for row in NORMS
    ),
    # NOT VALID: a category typed before the mapping existed keeps its text until edited.
    "ALTER TABLE categories ADD CONSTRAINT categories_norm_item_fkey FOREIGN KEY (norm_item)"
    " REFERENCES norm_items (code) NOT VALID",
    """
    CREATE TABLE staffing (
        unit_id bigint PRIMARY KEY CONSTRAINT staffing_unit_id_fkey REFERENCES units (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    f"""
    CREATE TABLE staff_positions (
        unit_id bigint NOT NULL REFERENCES staffing (unit_id),
        line integer NOT NULL,
        position text NOT NULL,
        norm_group text NOT NULL CONSTRAINT staff_positions_norm_group_check
            CHECK (norm_group IN ({_GROUP_LIST})),
        holders integer NOT NULL CONSTRAINT staff_positions_holders_check
            CHECK (holders >= 0),
        PRIMARY KEY (unit_id, line),
        CONSTRAINT staff_positions_position_key UNIQUE (unit_id, position)
    )
    """,
    """
    CREATE TABLE asset_counts (
        holder_unit_id bigint NOT NULL,
        category_id bigint NOT NULL,
        status text NOT NULL,
        condition text NOT NULL,
        assets bigint NOT NULL,
        quantity bigint NOT NULL,
        PRIMARY KEY (holder_unit_id, category_id, status, condition)
    )
    """,
    # Rows are upserted in key order, so two statements touching the same keys lock them
    # in the same order.
    """
    CREATE FUNCTION asset_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO asset_counts AS c
            SELECT holder_unit_id, category_id, status, condition, count(*), sum(quantity)
            FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            ON CONFLICT (holder_unit_id, category_id, status, condition) DO UPDATE
            SET assets = c.assets + excluded.assets, quantity = c.quantity + excluded.quantity;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO asset_counts AS c
            SELECT holder_unit_id, category_id, status, condition, -count(*), -sum(quantity)
            FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            ON CONFLICT (holder_unit_id, category_id, status, condition) DO UPDATE
            SET assets = c.assets + excluded.assets, quantity = c.quantity + excluded.quantity;
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER asset_counts_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS"
    " new_rows FOR EACH STATEMENT EXECUTE FUNCTION asset_counts_track()",
    "CREATE TRIGGER asset_counts_delete AFTER DELETE ON assets REFERENCING OLD TABLE AS"
    " old_rows FOR EACH STATEMENT EXECUTE FUNCTION asset_counts_track()",
    # Changes row by row, and only of what is counted: a scan or a move costs nothing here
    # (transition tables cannot be limited to some columns).
    """
    CREATE FUNCTION asset_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO asset_counts AS c
        SELECT * FROM (VALUES
            (OLD.holder_unit_id, OLD.category_id, OLD.status, OLD.condition, -1::bigint,
             -OLD.quantity::bigint),
            (NEW.holder_unit_id, NEW.category_id, NEW.status, NEW.condition, 1, NEW.quantity)
        ) d ORDER BY 1, 2, 3, 4
        ON CONFLICT (holder_unit_id, category_id, status, condition) DO UPDATE
        SET assets = c.assets + excluded.assets, quantity = c.quantity + excluded.quantity;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER asset_counts_update AFTER UPDATE ON assets FOR EACH ROW WHEN ("
    "(OLD.holder_unit_id, OLD.category_id, OLD.status, OLD.condition, OLD.quantity)"
    " IS DISTINCT FROM"
    " (NEW.holder_unit_id, NEW.category_id, NEW.status, NEW.condition, NEW.quantity))"
    " EXECUTE FUNCTION asset_counts_change()",
    "LOCK TABLE assets IN SHARE MODE",
    "INSERT INTO asset_counts SELECT holder_unit_id, category_id, status, condition, count(*),"
    " sum(quantity) FROM assets GROUP BY 1, 2, 3, 4",
]

DOWNGRADE = [
    "DROP TRIGGER asset_counts_delete ON assets",
    "DROP TRIGGER asset_counts_update ON assets",
    "DROP TRIGGER asset_counts_insert ON assets",
    "DROP FUNCTION asset_counts_change()",
    "DROP FUNCTION asset_counts_track()",
    "DROP TABLE asset_counts",
    "DROP TABLE staff_positions",
    "DROP TABLE staffing",
    "ALTER TABLE categories DROP CONSTRAINT categories_norm_item_fkey",
    "DELETE FROM norms WHERE kind <> 'handover'",
    "ALTER TABLE norms DROP CONSTRAINT norms_item_check",
    "ALTER TABLE norms DROP CONSTRAINT norms_item_fkey",
    "DROP TABLE norm_items",
    "ALTER TABLE norms DROP CONSTRAINT norms_confidence_check",
    "ALTER TABLE norms DROP CONSTRAINT norms_value_check",
    "ALTER TABLE norms DROP COLUMN created_at",
    "ALTER TABLE norms DROP COLUMN max_price",
    "ALTER TABLE norms DROP COLUMN per",
    "ALTER TABLE norms DROP COLUMN basis",
    "ALTER TABLE norms DROP COLUMN purpose",
    "ALTER TABLE norms DROP COLUMN item",
    "ALTER TABLE norms DROP COLUMN position_groups",
    "ALTER TABLE norms DROP COLUMN name",
    "ALTER TABLE norms DROP COLUMN kind",
    "ALTER TABLE norms DROP CONSTRAINT norms_code_key",
    "ALTER TABLE norms DROP CONSTRAINT norms_pkey",
    "ALTER TABLE norms DROP COLUMN id",
    "ALTER TABLE norms ADD CONSTRAINT norms_pkey PRIMARY KEY (code)",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
