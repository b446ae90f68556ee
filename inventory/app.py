"""Builds the Litestar app: the only place where the domains are wired together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Request, Response
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from inventory.accounts import queries as accounts
from inventory.accounts.guards import authentication_middleware, current_principal
from inventory.accounts.routes import auth_router, sign_in_router
from inventory.accounts.sessions import SessionConfig
from inventory.accounts.standing import Standing
from inventory.api import idempotency
from inventory.api.idempotency import Idempotency
from inventory.assets import queries as assets
from inventory.assets.fastpath import ScanLane
from inventory.assets.routes import router as assets_router
from inventory.categories import queries as categories
from inventory.categories.routes import router as categories_router
from inventory.claims.routes import router as claims_router
from inventory.compliance import queries as compliance
from inventory.compliance.routes import router as compliance_router
from inventory.db.dependencies import checked, provide_conn
from inventory.db.pool import create_pool
from inventory.db.store import PostgresStore, sweep_expired
from inventory.deployment import base_url
from inventory.errors import (
    MULTIPART_PARTS,
    Constraints,
    internal_error,
    json_bodies_only,
    one_value_each,
    options_answer,
    problem_details_plugin,
    recursion_handler,
    undecodable,
)
from inventory.handovers import queries as handovers
from inventory.handovers.files import router as handover_files_router
from inventory.handovers.routes import router as handovers_router
from inventory.history.routes import router as history_router
from inventory.imports.routes import router as imports_router
from inventory.jobs.routes import router as jobs_router
from inventory.ledger.routes import router as ledger_router
from inventory.metrics import MetricsController, RequestMetrics
from inventory.needs.routes import router as needs_router
from inventory.norms import queries as norms
from inventory.norms.routes import router as norms_router
from inventory.notifications.routes import router as notifications_router
from inventory.openapi import complete as complete_openapi
from inventory.openapi import config as openapi_config
from inventory.photos import queries as photos
from inventory.photos.routes import router as photos_router
from inventory.printing.jobs import router as label_jobs_router
from inventory.printing.render import process_pool
from inventory.printing.routes import router as labels_router
from inventory.requests import queries as equipment_requests
from inventory.requests.routes import router as requests_router
from inventory.rooms import queries as rooms
from inventory.rooms.routes import router as rooms_router
from inventory.security import Edge
from inventory.settings import Settings
from inventory.sites import queries as sites
from inventory.sites.routes import router as sites_router
from inventory.staffing import queries as staffing
from inventory.staffing.routes import router as staffing_router
from inventory.stocktakes import queries as stocktakes
from inventory.stocktakes.routes import router as stocktakes_router
from inventory.tagcodes import check_base_url, check_prefix
from inventory.tags import queries as tags
from inventory.tags.routes import router as tags_router
from inventory.units import queries as units
from inventory.units.routes import router as units_router
from inventory.users import queries as users
from inventory.users.routes import router as users_router
from inventory.web import csrf
from inventory.web.asset_actions import router as asset_pages_router
from inventory.web.asset_edit import router as desk_asset_edit_router
from inventory.web.assets import router as desk_asset_pages_router
from inventory.web.batches import router as desk_batch_pages_router
from inventory.web.compliance import router as compliance_page_router
from inventory.web.csrf import MaskedCSRFMiddleware
from inventory.web.errors import ErrorPages, no_store
from inventory.web.handover_files import router as handover_file_pages_router
from inventory.web.handover_flags import router as handover_flag_pages_router
from inventory.web.handovers import router as handover_pages_router
from inventory.web.i18n import switch_language
from inventory.web.imports import router as desk_import_pages_router
from inventory.web.jobs import router as job_pages_router
from inventory.web.labels import router as desk_label_pages_router
from inventory.web.ledger import router as ledger_pages_router
from inventory.web.needs import router as needs_page_router
from inventory.web.norms import router as norms_page_router
from inventory.web.notifications import router as notification_pages_router
from inventory.web.photos import router as photo_pages_router
from inventory.web.record_forms import router as desk_record_forms_router
from inventory.web.registry import router as desk_registry_router
from inventory.web.requests import router as request_pages_router
from inventory.web.rooms import router as room_pages_router
from inventory.web.routes import router as web_router
from inventory.web.routes import sign_in_router as sign_in_page_router
from inventory.web.scan import router as scan_pages_router
from inventory.web.stocktakes import router as stocktake_pages_router
from inventory.web.tag_lane import TagPageLane
from inventory.web.tags import router as tag_pages_router

WEB = Path(__file__).parent / "web"
POOL_CLOSE_TIMEOUT = 10.0
# Each domain's constraint names in the API's words, beside its SQL.
CONSTRAINTS: Constraints = {
    **units.CONSTRAINTS,
    **users.CONSTRAINTS,
    **categories.CONSTRAINTS,
    **sites.CONSTRAINTS,
    **rooms.CONSTRAINTS,
    **assets.CONSTRAINTS,
    **tags.CONSTRAINTS,
    **stocktakes.CONSTRAINTS,
    **handovers.CONSTRAINTS,
    **photos.CONSTRAINTS,
    **compliance.CONSTRAINTS,
    **norms.CONSTRAINTS,
    **staffing.CONSTRAINTS,
    **equipment_requests.CONSTRAINTS,
}


def _template_engine(jinja: JinjaTemplateEngine) -> None:
    jinja.engine.globals.update(switch_language=switch_language)
    # Templates ship with the package: no look at their files' times on every page.
    jinja.engine.auto_reload = False


async def _checked(request: Request) -> Response | None:
    """Every request's checks before its handler (Litestar takes one before_request)."""
    if (answer := options_answer(request)) is not None:
        return answer
    one_value_each(request)
    await json_bodies_only(request)
    return None


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    if settings.database_url is None:
        raise RuntimeError("INVENTORY_DATABASE_URL is not set (`inventory run` sets it)")
    # At start, not on the first label printed.
    check_prefix(settings.tag_prefix)
    check_base_url(settings.public_base_url)
    stores = {accounts.SESSIONS: PostgresStore(accounts.SESSIONS)}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        pool = await create_pool(
            settings.database_url, min_size=settings.pool_min, max_size=settings.pool_max
        )
        app.state.pool = pool
        app.state.public_base_url = None
        await base_url.at_start(app.state)
        # Label workers start on the first big print run, not before.
        app.state.label_pool = process_pool()
        for store in stores.values():
            store.bind(pool)
        sweeper = asyncio.create_task(
            sweep_expired(
                stores[accounts.SESSIONS], also=[accounts.SWEEP_FAILURES, idempotency.SWEEP]
            )
        )
        try:
            yield
        finally:
            sweeper.cancel()
            app.state.label_pool.shutdown(wait=False, cancel_futures=True)
            await asyncio.wait_for(pool.close(), POOL_CLOSE_TIMEOUT)

    sessions = SessionConfig(
        store=accounts.SESSIONS,
        key="inventory_session",
        max_age=settings.session_ttl_seconds,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        # The API authenticates by bearer token alone: no session round trip there.
        exclude=["^/api/", "^/static/", "^/schema", "^/metrics"],
    )
    app = Litestar(
        route_handlers=[
            sign_in_router,
            sign_in_page_router,
            auth_router,
            users_router,
            units_router,
            web_router,
            MetricsController,
            categories_router,
            sites_router,
            rooms_router,
            assets_router,
            tags_router,
            claims_router,
            stocktakes_router,
            handovers_router,
            photos_router,
            compliance_router,
            notifications_router,
            norms_router,
            staffing_router,
            needs_router,
            ledger_router,
            requests_router,
            handover_files_router,
            history_router,
            labels_router,
            label_jobs_router,
            imports_router,
            jobs_router,
            tag_pages_router,
            scan_pages_router,
            stocktake_pages_router,
            desk_asset_pages_router,
            desk_asset_edit_router,
            desk_registry_router,
            desk_record_forms_router,
            desk_batch_pages_router,
            desk_import_pages_router,
            desk_label_pages_router,
            ledger_pages_router,
            asset_pages_router,
            room_pages_router,
            job_pages_router,
            handover_file_pages_router,
            notification_pages_router,
            photo_pages_router,
            handover_pages_router,
            handover_flag_pages_router,
            compliance_page_router,
            needs_page_router,
            request_pages_router,
            norms_page_router,
            create_static_files_router(
                path="/static", directories=[WEB / "static"], include_in_schema=False
            ),
        ],
        lifespan=[lifespan],
        state=State({"settings": settings, "standing": Standing()}),
        stores=stores,
        dependencies={
            "checked": Provide(checked, sync_to_thread=False),
            "conn": Provide(provide_conn),
            "principal": Provide(current_principal, sync_to_thread=False),
        },
        middleware=[
            sessions.middleware,
            DefineMiddleware(authentication_middleware),
            Idempotency,
            # Litestar's CSRF check, with the token masked anew in every page (BREACH).
            DefineMiddleware(
                MaskedCSRFMiddleware,
                config=CSRFConfig(
                    secret=settings.secret_key,
                    exclude=["^/api/"],
                    cookie_name=csrf.COOKIE,
                    cookie_secure=settings.secure_cookies,
                    cookie_httponly=False,
                ),
            ),
        ],
        plugins=[problem_details_plugin(CONSTRAINTS), ErrorPages()],
        # Every 500 is logged with its traceback (internal_error), not only in debug mode.
        exception_handlers={
            RecursionError: recursion_handler,
            UnicodeDecodeError: undecodable,
            Exception: internal_error,
        },
        openapi_config=openapi_config(),
        template_config=TemplateConfig(
            directory=WEB / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_template_engine,
        ),
        # An answer that fits in one TCP segment (1460 bytes less headers) arrives no
        # sooner compressed: one asset, for instance, which the scan lane then answers.
        # Routes with opt skip_compression (photos: JPEG does not shrink) are sent as they are.
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1200, exclude_opt_key="skip_compression"
        ),
        request_max_body_size=settings.max_body_bytes,
        multipart_form_part_limit=MULTIPART_PARTS,
        before_request=_checked,
        after_request=no_store,
    )
    # In front of the router: the scan look-up's and the asset page's common cases, and
    # metrics, bounds and security headers for every request.
    app.asgi_handler = Edge(RequestMetrics(ScanLane(app, TagPageLane(app, app.asgi_handler))))
    # The OpenAPI document whole before it is first served, and as app.openapi_schema
    # whether or not the app has started (the contract test reads it so).
    idempotency.document(app.openapi_schema)
    complete_openapi(app)
    return app
