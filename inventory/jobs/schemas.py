"""What the API says about a job."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Progress(msgspec.Struct):
    """How far it got: `done` of `total` (None until the job knows how much there is)."""

    done: int
    total: int | None = None


class ResultFile(msgspec.Struct):
    """The file a finished job made; GET `url` downloads it."""

    media_type: str
    file_name: str
    size: int
    url: str


class JobRead(msgspec.Struct):
    id: int
    kind: str
    status: JobStatus
    owner_id: int
    scope_unit_id: int
    params: dict[str, Any]
    progress: Progress
    attempts: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    result: ResultFile | None = None
