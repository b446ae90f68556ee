"""Platform: history chained per unit, statuses as data, Vietnamese order, one search style.

- History: one hash chain per unit (`events.chain`, the unit whose records changed; 0
  for deployment-wide records such as categories), so writers of different units never
  wait on each other. Every event carries its predecessor's hash and its own; the
  database checks each event's own hash as it is written and refuses to change it.
  Events written before this revision are re-chained here, after checking the old
  global chain: a history already altered stops the upgrade.
- Registered sites, rooms and assets with history beyond their creation are never
  deleted (a trigger refuses it).
- Workflows: states and transitions as rows, checked by a trigger on each table that
  has a status; the asset status is the first.
- `inventory_sort_key(text)`: Vietnamese alphabetical order without ICU; sort columns
  and search vectors on every listed table; the deployment's own settings.

Revision ID: 0006_platform
Revises: 0005_unit_scope_lock
Create Date: 2026-12-02
"""

from alembic import op

revision = "0006_platform"
down_revision = "0005_unit_scope_lock"
branch_labels = None
depends_on = None

# --- Vietnamese order (inventory/collation.py computes the same key in Python) ---
_UPPER = "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ"
_LOWER = _UPPER.lower()
_VOWELS = [
    "aàảãáạ",
    "ăằẳẵắặ",
    "âầẩẫấậ",
    "eèẻẽéẹ",
    "êềểễếệ",
    "iìỉĩíị",
    "oòỏõóọ",
    "ôồổỗốộ",
    "ơờởỡớợ",
    "uùủũúụ",
    "ưừửữứự",
    "yỳỷỹýỵ",
]
_TONED = "".join(forms[1:] for forms in _VOWELS)
_TONED_BASE = "".join(forms[0] * 5 for forms in _VOWELS)
_TONE_DIGITS = "12345" * len(_VOWELS)
_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_WEIGHTS = "".join(chr(0x41 + i) for i in range(len(_LETTERS)))
_PUNCTUATION = "[\\]^_`"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


SORT_KEY = f"""
CREATE FUNCTION inventory_sort_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT translate(translate(l, {_quote(_TONED)}, {_quote(_TONED_BASE)}),
                     {_quote(_LETTERS + _PUNCTUATION)},
                     {_quote(_WEIGHTS + " " * len(_PUNCTUATION))})
        || chr(1)
        || translate(regexp_replace(l, {_quote("[^" + _TONED + "]")}, '0', 'g'),
                     {_quote(_TONED)}, {_quote(_TONE_DIGITS)})
    FROM (SELECT lower(translate(t, {_quote(_UPPER)}, {_quote(_LOWER)})) AS l) folded
$$
"""


def _search(expression: str) -> str:
    """The words of `expression`, folded and split on all but letters and digits, as
    the asset search does (0002) and `listing.tsquery` queries them."""
    return (
        "to_tsvector('simple', regexp_replace(inventory_fold("
        f"{expression}), '[^a-z0-9]+', ' ', 'g'))"
    )


# Table -> (name column, search expression).
_LISTED = {
    "units": ("name", "name || ' ' || code"),
    "sites": ("name", "name || ' ' || address"),
    "rooms": ("name", "name"),
    "categories": ("name", "name || ' ' || code"),
    "users": ("full_name", "login || ' ' || full_name"),
}

# --- History ---
EVENT_HASH = """
CREATE FUNCTION inventory_event_hash(
    prev bytea, chain bigint, seq bigint, at timestamptz, actor bigint,
    entity text, entity_id bigint, action text, before json, after json
) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT sha256($1 || convert_to(format('[%s,%s,%s,%s,"%s",%s,"%s",%s,%s]',
        $2, $3, (extract(epoch FROM $4) * 1000000)::bigint, coalesce($5::text, 'null'),
        $6, $7, $8, coalesce($9::text, 'null'), coalesce($10::text, 'null')), 'UTF8'))
$$
"""
HISTORY = [
    EVENT_HASH,
    # The old global chain, as its trigger computed it: checked before it is replaced.
    """
    DO $$
    DECLARE bad bigint;
    BEGIN
        WITH RECURSIVE chain(id, hash) AS (
            SELECT 0::bigint, sha256(''::bytea)
            UNION ALL
            SELECT e.id, sha256(c.hash || convert_to(concat_ws('|', e.id,
                to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), e.actor_id,
                e.entity, e.entity_id, e.action, e.before::text, e.after::text), 'UTF8'))
            FROM chain c JOIN events e ON e.id = c.id + 1
        )
        SELECT min(e.id) INTO bad FROM events e LEFT JOIN chain c USING (id)
        WHERE c.hash IS DISTINCT FROM e.hash;
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'history event % does not match its chain: the history was'
                ' altered; restore it from a backup before upgrading', bad;
        END IF;
    END $$
    """,
    "DROP TRIGGER events_chain ON events",
    "DROP FUNCTION events_chain()",
    "DROP TABLE event_head",
    "ALTER TABLE events DISABLE TRIGGER events_no_update",
    "ALTER TABLE events ALTER COLUMN before TYPE json USING before::text::json",
    "ALTER TABLE events ALTER COLUMN after TYPE json USING after::text::json",
    "ALTER TABLE events ADD COLUMN chain bigint",
    "ALTER TABLE events ADD COLUMN seq bigint",
    "ALTER TABLE events ADD COLUMN prev_hash bytea",
    # Each old event goes to the chain of the unit whose record it describes.
    """
    UPDATE events SET chain = coalesce(CASE entity
        WHEN 'unit' THEN entity_id
        WHEN 'category' THEN 0
        WHEN 'import' THEN entity_id
        WHEN 'user' THEN (coalesce(after, before)::jsonb ->> 'unit_id')::bigint
        WHEN 'tag_batch' THEN (coalesce(after, before)::jsonb ->> 'unit_id')::bigint
        ELSE (coalesce(after, before)::jsonb ->> 'holder_unit_id')::bigint
    END, 0)
    """,
    """
    DO $$
    DECLARE r record; head bytea; last_chain bigint; n bigint;
    BEGIN
        FOR r IN SELECT * FROM events ORDER BY chain, id LOOP
            IF last_chain IS DISTINCT FROM r.chain THEN
                head := sha256(''::bytea); n := 0; last_chain := r.chain;
            END IF;
            n := n + 1;
            UPDATE events SET seq = n, prev_hash = head,
                hash = inventory_event_hash(head, r.chain, n, r.at, r.actor_id, r.entity,
                    r.entity_id, r.action, r.before, r.after)
            WHERE id = r.id RETURNING hash INTO head;
        END LOOP;
    END $$
    """,
    "ALTER TABLE events ENABLE TRIGGER events_no_update",
    "ALTER TABLE events ALTER COLUMN chain SET NOT NULL",
    "ALTER TABLE events ALTER COLUMN seq SET NOT NULL",
    "ALTER TABLE events ALTER COLUMN prev_hash SET NOT NULL",
    "ALTER TABLE events ALTER COLUMN at DROP DEFAULT",
    "ALTER TABLE events ADD CONSTRAINT events_chain_seq_key UNIQUE (chain, seq)",
    "CREATE SEQUENCE events_id_seq OWNED BY events.id",
    "SELECT setval('events_id_seq', coalesce((SELECT max(id) FROM events), 0) + 1, false)",
    "ALTER TABLE events ALTER COLUMN id SET DEFAULT nextval('events_id_seq')",
    # The head of each chain: the one row a writer of that unit locks, just before commit.
    """
    CREATE TABLE event_heads (
        chain bigint PRIMARY KEY,
        seq bigint NOT NULL,
        hash bytea NOT NULL
    )
    """,
    """
    INSERT INTO event_heads (chain, seq, hash)
    SELECT DISTINCT ON (chain) chain, seq, hash FROM events ORDER BY chain, seq DESC
    """,
    # The database checks the hash an event is written with; the write step chains them.
    """
    CREATE FUNCTION events_check_hash() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.hash IS DISTINCT FROM inventory_event_hash(NEW.prev_hash, NEW.chain, NEW.seq,
                NEW.at, NEW.actor_id, NEW.entity, NEW.entity_id, NEW.action, NEW.before,
                NEW.after) THEN
            RAISE EXCEPTION 'event % of chain % does not carry its own hash', NEW.seq, NEW.chain
                USING ERRCODE = 'check_violation', CONSTRAINT = 'events_hash_check';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER events_check_hash BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_check_hash()
    """,
    "CREATE INDEX events_at_idx ON events (at)",
]

# --- Nothing registered disappears ---
DELETE_GUARD = """
CREATE FUNCTION registry_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM events WHERE entity = TG_ARGV[0] AND entity_id = OLD.id
               AND action <> 'create') THEN
        RAISE EXCEPTION '% % has history: it is never deleted (use its status)',
            TG_ARGV[0], OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_keep_history';
    END IF;
    RETURN OLD;
END $$
"""

# --- Workflows ---
WORKFLOWS = [
    """
    CREATE TABLE workflow_states (
        workflow text NOT NULL,
        state text NOT NULL,
        PRIMARY KEY (workflow, state)
    )
    """,
    """
    CREATE TABLE workflow_transitions (
        workflow text NOT NULL,
        action text NOT NULL,
        source text NOT NULL,
        target text NOT NULL,
        PRIMARY KEY (workflow, action, source),
        FOREIGN KEY (workflow, source) REFERENCES workflow_states (workflow, state),
        FOREIGN KEY (workflow, target) REFERENCES workflow_states (workflow, state)
    )
    """,
    # TG_ARGV: the workflow and the status column. A state outside the workflow, or a
    # change of state that no transition declares, is refused whoever writes it.
    """
    CREATE FUNCTION workflow_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        new_state text := to_jsonb(NEW) ->> TG_ARGV[1];
        old_state text;
    BEGIN
        IF new_state IS NULL OR NOT EXISTS (SELECT 1 FROM workflow_states
                       WHERE workflow = TG_ARGV[0] AND state = new_state) THEN
            RAISE EXCEPTION '% is not a state of %', new_state, TG_ARGV[0]
                USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0] || '_state_check';
        END IF;
        IF TG_OP = 'UPDATE' THEN
            old_state := to_jsonb(OLD) ->> TG_ARGV[1];
            IF old_state IS DISTINCT FROM new_state AND NOT EXISTS (
                SELECT 1 FROM workflow_transitions
                WHERE workflow = TG_ARGV[0] AND source = old_state AND target = new_state
            ) THEN
                RAISE EXCEPTION '% may not go from % to %', TG_ARGV[0], old_state, new_state
                    USING ERRCODE = 'check_violation',
                          CONSTRAINT = TG_ARGV[0] || '_transition_check';
            END IF;
        END IF;
        RETURN NEW;
    END $$
    """,
]
# The asset status workflow as inventory/assets/rules.py declares it (tests compare them).
ASSET_STATES = ["in_use", "in_storage", "under_repair", "lost", "to_dispose", "disposed"]
ASSET_TRANSITIONS = [
    ("store", "in_use", "in_storage"),
    ("use", "in_storage", "in_use"),
    ("use", "under_repair", "in_use"),
    ("use", "lost", "in_use"),
    ("use", "to_dispose", "in_use"),
    ("repair", "in_use", "under_repair"),
    ("repair", "in_storage", "under_repair"),
    ("lose", "in_use", "lost"),
    ("lose", "in_storage", "lost"),
    ("lose", "under_repair", "lost"),
    ("propose_disposal", "in_use", "to_dispose"),
    ("propose_disposal", "in_storage", "to_dispose"),
    ("propose_disposal", "under_repair", "to_dispose"),
    ("propose_disposal", "lost", "to_dispose"),
    ("dispose", "to_dispose", "disposed"),
]


def _seed_workflow(name: str, states: list[str], transitions: list[tuple[str, str, str]]) -> None:
    for state in states:
        op.execute(
            "INSERT INTO workflow_states (workflow, state)"
            f" VALUES ({_quote(name)}, {_quote(state)})"
        )
    for action, source, target in transitions:
        op.execute(
            "INSERT INTO workflow_transitions (workflow, action, source, target) VALUES"
            f" ({_quote(name)}, {_quote(action)}, {_quote(source)}, {_quote(target)})"
        )


def upgrade() -> None:
    op.execute(SORT_KEY)
    for table, (name, words) in _LISTED.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN sort_name text"
            f" GENERATED ALWAYS AS (inventory_sort_key({name})) STORED"
        )
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search tsvector"
            f" GENERATED ALWAYS AS ({_search(words)}) STORED"
        )
        op.execute(f"CREATE INDEX {table}_search_idx ON {table} USING gin (search)")
        op.execute(f'CREATE INDEX {table}_sort_name_idx ON {table} (sort_name COLLATE "C", id)')
    op.execute(
        "ALTER TABLE assets ADD COLUMN sort_name text"
        " GENERATED ALWAYS AS (inventory_sort_key(name)) STORED"
    )
    op.execute("DROP INDEX assets_holder_name_idx")
    op.execute("DROP INDEX assets_name_idx")
    op.execute(
        'CREATE INDEX assets_holder_sort_idx ON assets (holder_unit_id, sort_name COLLATE "C", id)'
    )
    op.execute('CREATE INDEX assets_sort_idx ON assets (sort_name COLLATE "C", id)')

    for statement in HISTORY:
        op.execute(statement)

    op.execute(DELETE_GUARD)
    for table, entity in (("sites", "site"), ("rooms", "room"), ("assets", "asset")):
        op.execute(
            f"CREATE TRIGGER {table}_keep_history BEFORE DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION registry_keep_history({_quote(entity)})"
        )

    for statement in WORKFLOWS:
        op.execute(statement)
    _seed_workflow("asset_status", ASSET_STATES, ASSET_TRANSITIONS)
    op.execute(
        # Updates only: the CHECK constraint already refuses an unknown state on insert,
        # and bulk loads of new assets need no per-row trigger.
        "CREATE TRIGGER assets_status_workflow BEFORE UPDATE OF status ON assets"
        " FOR EACH ROW EXECUTE FUNCTION workflow_guard('asset_status', 'status')"
    )

    # The deployment's own settings, such as the public base URL printed in labels:
    # the server and the command line read the same value.
    op.execute(
        "CREATE TABLE deployment_settings (key text PRIMARY KEY, value text NOT NULL,"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    )


def downgrade() -> None:
    raise NotImplementedError("0006 re-chains the history: restore a backup to go back")
