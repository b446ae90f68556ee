"""Time as the communes keep it: Vietnam is UTC+7 all year (no daylight saving)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))


def this_year() -> int:
    """The current year in Vietnam (it turns at 17:00 UTC on 31 December)."""
    return datetime.now(UTC).astimezone(VIETNAM).year
