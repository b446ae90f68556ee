"""SQL for notifications: each user reads and marks only their own.

Who is told: the active officers whose scope holds the giving or the receiving unit
(they may act on the handover: give, receive, sign), except the user whose action it
was. A commune's officers are so told of their former units' handovers too.

A user reads their notices of handovers still in their scope: moved to another unit,
they no longer see what they were told of the old one's.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.db.listing import ListQuery

COLUMNS = "n.id, n.kind, n.handover_id, n.context, n.created_at, n.read_at, n.email_status"
LIST = f"SELECT {COLUMNS}, {{sort_key}} AS sort_key FROM notifications n WHERE {{where}}"


def visible(unit: str) -> str:
    """Notices of handovers one of whose units is in the scope rooted at `unit`."""
    return (
        "EXISTS (SELECT 1 FROM handovers h WHERE h.id = n.handover_id AND"
        f" ({in_scope('h.giving_unit_id', unit)} OR {in_scope('h.receiving_unit_id', unit)}))"
    )


# One statement: the recipients and their notices; a repeated periodic notice (same
# `dedupe` for the user and handover) is left out.
TELL = """
WITH recipients AS (
    SELECT u.id, u.email FROM users u
    WHERE u.active AND u.role = 'officer' AND u.id IS DISTINCT FROM $3
      AND EXISTS (SELECT 1 FROM unit_scope s
                  WHERE s.ancestor_id = u.unit_id AND s.unit_id IN ($4, $5))
)
INSERT INTO notifications (user_id, kind, handover_id, context, dedupe, email_status)
SELECT r.id, $1, $2, $6::jsonb, $7,
    CASE WHEN $8 AND r.email IS NOT NULL THEN 'queued' END
FROM recipients r ORDER BY r.id
ON CONFLICT (user_id, handover_id, dedupe) WHERE dedupe IS NOT NULL DO NOTHING
RETURNING id, email_status
"""
UNREAD = f"""
SELECT count(*) FROM notifications n
WHERE n.user_id = $1 AND n.read_at IS NULL AND {visible("$2")}
"""
MARK = f"""
UPDATE notifications n SET read_at = now()
WHERE n.user_id = $1 AND n.read_at IS NULL AND (n.id = ANY($2::bigint[]) OR $3)
  AND {visible("$4")}
RETURNING n.id
"""
MINE = f"""
SELECT x.id FROM unnest($2::bigint[]) AS x(id)
WHERE NOT EXISTS (SELECT 1 FROM notifications n
                  WHERE n.id = x.id AND n.user_id = $1 AND {visible("$3")})
ORDER BY 1
"""

# --- E-mail (the worker) ---
FOR_EMAIL = """
SELECT n.id, n.kind, n.handover_id, n.context, n.email_status, u.email, u.full_name, u.login
FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = $1
"""
EMAIL_SENT = """
UPDATE notifications SET email_status = 'sent', emailed_at = now(), email_error = NULL,
    email_attempts = email_attempts + 1
WHERE id = $1
"""
EMAIL_FAILED = """
UPDATE notifications SET email_status = CASE WHEN $3 THEN 'failed' ELSE email_status END,
    email_error = $2, email_attempts = email_attempts + 1
WHERE id = $1
"""


async def tell(
    conn: asyncpg.Connection,
    kind: str,
    handover_id: int,
    actor_id: int | None,
    unit_ids: tuple[int, int],
    context: dict[str, Any],
    dedupe: str | None,
    mail: bool,
) -> list[asyncpg.Record]:
    """Notices for the parties' officers; the rows made (id, email_status)."""
    return await conn.fetch(
        TELL, kind, handover_id, actor_id, unit_ids[0], unit_ids[1], context, dedupe, mail
    )


def mine(query: ListQuery, principal: Principal) -> None:
    """Keep, in a list, the caller's notices they may still see."""
    query.add("n.user_id = {}", principal.user_id)
    query.where.append(visible(query.param(principal.unit_id)))


async def unread(conn: asyncpg.Connection, principal: Principal) -> int:
    return await conn.fetchval(UNREAD, principal.user_id, principal.unit_id)


async def not_mine(conn: asyncpg.Connection, principal: Principal, ids: list[int]) -> list[int]:
    return [r["id"] for r in await conn.fetch(MINE, principal.user_id, ids, principal.unit_id)]


async def mark(conn: asyncpg.Connection, principal: Principal, ids: list[int], every: bool) -> int:
    return len(await conn.fetch(MARK, principal.user_id, ids, every, principal.unit_id))


async def for_email(conn: asyncpg.Connection, notification_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(FOR_EMAIL, notification_id)


async def email_sent(conn: asyncpg.Connection, notification_id: int) -> None:
    await conn.execute(EMAIL_SENT, notification_id)


async def email_failed(
    conn: asyncpg.Connection, notification_id: int, error: str, final: bool
) -> None:
    await conn.execute(EMAIL_FAILED, notification_id, error, final)
