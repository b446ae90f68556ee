"""The import job kind: the upload kept with its job, imported by the worker with
progress, its report the job's result (JSON)."""

from __future__ import annotations

from typing import Any

import msgspec

from inventory.accounts.principal import Principal
from inventory.imports import queries
from inventory.imports.run import run_import
from inventory.jobs.kinds import Context, Result, register

KIND = "imports.assets"


@register(KIND, files=("application/json",))
async def import_assets(ctx: Context, params: dict[str, Any]) -> Result:
    """Import the job's file as its owner (re-checked by the write step, as a request is)."""
    owner = await queries.owner(ctx.conn, ctx.owner_id)
    if owner is None:
        raise ValueError("the account that started the import no longer exists")
    content = await queries.upload(ctx.conn, ctx.job_id)
    if content is None:
        raise ValueError("the uploaded file is gone")
    principal = Principal(owner["id"], owner["login"], owner["role"], owner["unit_id"])
    report = await run_import(
        ctx.conn,
        principal,
        ctx.scope_unit_id,
        params["unit_id"],
        content,
        dry_run=params["dry_run"],
        prefix=params["prefix"],
        category_id=params.get("category_id"),
        progress=ctx.progress,
    )
    return Result(msgspec.json.encode(report), "application/json", f"import-{ctx.job_id}.json")
