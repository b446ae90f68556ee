"""Large label runs as background jobs: `POST /api/v1/labels/jobs`, and the job kind.

The same selection as `GET /api/v1/labels/assets` (ids and the asset list filters) and
the same options, up to JOB_MAX_LABELS labels rather than the synchronous route's
MAX_LABELS. The job reads the caller's scope only: its scope unit is the caller's, and
the worker selects the rows again within it when it runs, so an asset that left the
scope meanwhile is left out. The file is the job's result, downloaded from
`/api/v1/jobs/{id}/result`.

An account has at most JOBS_PER_ACCOUNT label jobs queued or running at once; one more is
429 until one of them is done or failed. The count and the new job are one transaction,
serialised per account (`jobs.queries.live`), so requests sent at once cannot all pass it.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response, Router, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.scope import in_scope
from inventory.assets.filters import ASSETS
from inventory.assets.schemas import AssetStatus, Ownership
from inventory.db.dependencies import Conn
from inventory.db.listing import ListParams, ListQuery
from inventory.db.types import BigInt
from inventory.deployment import base_url as deployment
from inventory.errors import Invalid, NotFound, TooMany
from inventory.history.write import Write
from inventory.jobs import queries as jobs
from inventory.jobs.kinds import Context, Result, enqueue, register
from inventory.jobs.routes import job_url, read
from inventory.jobs.schemas import JobRead
from inventory.openapi import BEARER, errors
from inventory.printing import queries
from inventory.printing import render as printing
from inventory.printing.render import DEFAULT_STOCK, LabelFormat
from inventory.sites.schemas import Condition

KIND = "labels"
JOB_MAX_LABELS = 50_000  # ~2,400 A4 sheets; the synchronous route stops at MAX_LABELS
JOBS_PER_ACCOUNT = 3
"""Label jobs one account may have queued or running at once. Every worker renders two jobs
at a time (`worker.JOBS_AT_ONCE`) in one process pool, first come first served: without a
cap one account could queue hours of rendering ahead of everyone else's. Three lets a user
queue the next runs while one prints."""
JOBS_RETRY_AFTER = "30"  # seconds: a run of some thousand labels takes about that

COUNT = """
SELECT count(*) FROM (SELECT 1 FROM assets a WHERE a.tag IS NOT NULL AND {where} LIMIT {limit}) s
"""


class LabelJobCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Which tagged assets of your scope (as GET /api/v1/labels/assets selects them), and how
    to print them."""

    ids: list[BigInt] | None = None
    holder_unit_id: BigInt | None = None
    site_id: BigInt | None = None
    room_id: BigInt | None = None
    category_id: BigInt | None = None
    origin_unit_id: BigInt | None = None
    status: AssetStatus | None = None
    condition: Condition | None = None
    ownership: Ownership | None = None
    q: str | None = None
    format: LabelFormat = LabelFormat.PDF
    stock: str = DEFAULT_STOCK
    skip: int = 0

    def selection(self) -> ListParams:
        """The asset list's filters and search, as the GET route takes them."""
        names = {f.name for f in ASSETS.filters} | {"q"}
        return ASSETS.choices(**{name: getattr(self, name) for name in names})


def _selection(scope_unit_id: int, spec: LabelJobCreate) -> ListQuery:
    """The WHERE of `printing.queries.asset_labels`, for counting."""
    query = ListQuery()
    query.add(in_scope("a.holder_unit_id", "{}"), scope_unit_id)
    spec.selection().apply(query)
    if spec.ids is not None:
        query.add("a.id = ANY({}::bigint[])", spec.ids)
    return query


async def count(conn: asyncpg.Connection, scope_unit_id: int, spec: LabelJobCreate) -> int:
    """How many labels a selection prints (counted up to one more than a job takes)."""
    query = _selection(scope_unit_id, spec)
    sql = COUNT.format(where=query.where_sql(), limit=query.param(JOB_MAX_LABELS + 1))
    return await conn.fetchval(sql, *query.params)


@post(
    "/jobs",
    guards=[allow(*READERS)],
    status_code=HTTP_202_ACCEPTED,
    responses=errors(404, 413, 422, 429),
)
async def label_job(
    request: Request, conn: Conn, principal: Me, data: JSONBody[LabelJobCreate]
) -> Response[JobRead]:
    """Print a large selection in the background (up to 50,000 labels): 202 with the job,
    whose `Location` to follow; its result is the file. 429 while you have 3 label jobs
    queued or running: wait for one to finish."""
    job_id = await start(request, conn, principal, data)
    row = await jobs.fetch(conn, principal, job_id)
    return Response(read(row), status_code=HTTP_202_ACCEPTED, headers={"Location": job_url(job_id)})


async def start(
    request: Request, conn: asyncpg.Connection, principal: Principal, data: LabelJobCreate
) -> int:
    """Queue the job printing a selection (the API's and the label page's); its id."""
    printing.options(data.format, data.stock, data.skip)  # 422 now rather than a failed job
    labels = await count(conn, principal.unit_id, data)
    if labels == 0:
        raise NotFound("no tagged asset in your scope matches")
    if labels > JOB_MAX_LABELS:
        raise Invalid(f"more than {JOB_MAX_LABELS} labels: narrow the selection")
    params: dict[str, Any] = {
        **msgspec.to_builtins(data),
        # The address printed in the QR codes: the server's, whatever the worker's settings.
        "base_url": await deployment.of_app(request.app.state),
        "count": labels,
    }
    async with Write(conn, principal):  # a disabled account queues nothing
        mine = await jobs.live(conn, KIND, principal.user_id)
        if len(mine) >= JOBS_PER_ACCOUNT:
            raise TooMany(
                f"you have {len(mine)} label jobs queued or running"
                f" ({', '.join(map(str, mine))}), as many as an account may: wait for one to"
                f" finish (GET {job_url(mine[0])}), then start this one",
                headers={"Retry-After": JOBS_RETRY_AFTER},
            )
        return await enqueue(conn, KIND, principal, principal.unit_id, params)


@register(KIND, files=("application/pdf", "image/png", "application/zip", "text/plain"))
async def print_labels(ctx: Context, params: dict[str, Any]) -> Result:
    """The job: select the rows within the job's scope, render off the event loop."""
    base_url = params.pop("base_url")
    params.pop("count", None)
    spec = msgspec.convert(params, LabelJobCreate)
    chosen = printing.options(spec.format, spec.stock, spec.skip)
    rows = await queries.asset_labels(
        ctx.conn, ctx.scope_unit_id, spec.selection(), spec.ids, JOB_MAX_LABELS + 1
    )
    if not rows:
        raise ValueError("no tagged asset in the job's scope matches any more")
    if len(rows) > JOB_MAX_LABELS:
        raise ValueError(f"more than {JOB_MAX_LABELS} labels match now: narrow the selection")
    labels = [printing.label(row, base_url) for row in rows]
    ctx.progress(0, None)
    output = await asyncio.to_thread(
        partial(printing.render, labels, chosen, executor=ctx.executor, progress=ctx.progress)
    )
    return Result(output.content, output.media_type, f"labels-{ctx.job_id}.{output.extension}")


router = Router(path="/api/v1/labels", route_handlers=[label_job], tags=["labels"], security=BEARER)
