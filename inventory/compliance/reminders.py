"""Due-soon reminders: every hour the worker (pgqueuer's scheduler, once across all
workers) tells the parties of each open handover due within DUE_SOON_DAYS.

Each threshold is told once per user and handover (the notices' `dedupe` key), however
often the check runs or how many workers run it: a handover 4 days from its due date is
told "due soon" once; the same handover told again at 1 day left. A handover first
seen at 1 day left is told once, at the tighter threshold.
"""

from __future__ import annotations

import asyncpg

from inventory.compliance import queries
from inventory.jobs.kinds import TaskContext, register_schedule
from inventory.notifications.notify import tell_parties
from inventory.notifications.schemas import NoticeKind
from inventory.settings import Settings

SCHEDULE = "handovers.due_soon"
CRON = "7 * * * *"  # every hour, at minute 7 (UTC)
DUE_SOON_DAYS = (5, 1)
"""Days left at which the parties are told, largest first."""


def threshold(days_left: int) -> int:
    """The tightest threshold `days_left` is within (days_left <= the largest)."""
    return min(t for t in DUE_SOON_DAYS if days_left <= t)


async def remind(conn: asyncpg.Connection, settings: Settings) -> int:
    """Tell the parties of every handover due soon, not told so yet; how many notices."""
    told = 0
    for handover in await queries.due_soon(conn, max(DUE_SOON_DAYS)):
        days = handover["days_left"]
        async with conn.transaction():
            told += await tell_parties(
                conn,
                settings,
                NoticeKind.DUE_SOON,
                handover,
                None,
                extra={"days_left": days},
                dedupe=f"due_soon:{threshold(days)}",
            )
    return told


@register_schedule(SCHEDULE, CRON)
async def due_soon(ctx: TaskContext) -> None:
    async with ctx.pool.acquire() as conn:
        await remind(conn, ctx.settings)
