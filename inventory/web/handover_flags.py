"""An auditor's flag on a handover from its page: `POST /handovers/{id}/flags` (with a
comment; the parties are told) and `POST /handovers/{id}/flags/{flag}/clear`, the API's
own routes (`compliance.routes`) called with the session's principal. A refusal comes
back as the handover's page with the problem beside the form."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Router, post
from litestar.response import Redirect, Template

from inventory.accounts.guards import allow
from inventory.compliance import routes as api
from inventory.compliance.schemas import FlagClear, FlagCreate
from inventory.db.dependencies import Conn
from inventory.db.types import PathId
from inventory.web.handovers import act, form_of


@post("/handovers/{handover_id:int}/flags", include_in_schema=False, guards=[allow(*api.FLAGGERS)])
async def flag_page(request: Request, conn: Conn, handover_id: PathId) -> Template | Redirect:
    typed = form_of(await request.form())

    async def call() -> Any:
        data = msgspec.convert({"comment": typed.get("comment", "").strip()}, FlagCreate)
        return await api.flag_handover.fn(
            conn=conn,
            principal=request.user,
            state=request.app.state,
            handover_id=handover_id,
            data=data,
        )

    return await act(request, conn, handover_id, "flag", call(), typed)


@post(
    "/handovers/{handover_id:int}/flags/{flag_id:int}/clear",
    include_in_schema=False,
    guards=[allow(*api.FLAGGERS)],
)
async def clear_flag_page(
    request: Request, conn: Conn, handover_id: PathId, flag_id: PathId
) -> Template | Redirect:
    typed = form_of(await request.form())

    async def call() -> Any:
        data = msgspec.convert({"comment": typed.get("comment", "").strip()}, FlagClear)
        return await api.clear_flag.fn(
            conn=conn, principal=request.user, handover_id=handover_id, flag_id=flag_id, data=data
        )

    return await act(request, conn, handover_id, "clear_flag", call(), typed)


router = Router(path="/", route_handlers=[flag_page, clear_flag_page])
