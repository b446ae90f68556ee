"""Telling a handover's parties: the one function the handover write paths call, inside
their `Write`, so a notice exists if and only if the event that causes it commits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg

from inventory.jobs.kinds import enqueue_task
from inventory.notifications import mail, queries
from inventory.notifications.schemas import NoticeKind
from inventory.settings import Settings


async def tell_parties(
    conn: asyncpg.Connection,
    settings: Settings,
    kind: NoticeKind,
    handover: Mapping[str, Any],
    actor_id: int | None,
    *,
    detail: str = "",
    extra: Mapping[str, Any] | None = None,
    dedupe: str | None = None,
) -> int:
    """Notices of `kind` for the officers of the handover's two units (not `actor_id`),
    each e-mailed (queued) where its user has an address and SMTP is configured. With
    `dedupe`, a user already told so of this handover is not told again. How many."""
    due: date | None = handover.get("due_date")
    context = {
        "decision_number": handover["decision_number"],
        "giving_unit_name": handover["giving_unit_name"],
        "receiving_unit_name": handover["receiving_unit_name"],
        "status": handover["status"],
        "due_date": due.isoformat() if due is not None else None,
        "detail": detail,
        **(extra or {}),
    }
    rows = await queries.tell(
        conn,
        kind.value,
        handover["id"],
        actor_id,
        (handover["giving_unit_id"], handover["receiving_unit_id"]),
        context,
        dedupe,
        settings.smtp is not None,
    )
    for row in rows:
        if row["email_status"] == "queued":
            await enqueue_task(conn, mail.TASK, str(row["id"]))
    return len(rows)
