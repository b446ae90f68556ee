"""The register's create and edit forms (`web.forms`): units and users for admins, sites
and rooms for those who change the register (admins, officers), each within the scope,
each through the API's own create and update."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import asyncpg
from litestar import Request, Response, Router

from inventory.accounts.guards import WRITERS
from inventory.accounts.principal import Principal, Role
from inventory.rooms import queries as room_queries
from inventory.rooms import routes as rooms
from inventory.rooms.schemas import RoomCreate, RoomPatch, RoomPurpose
from inventory.sites import queries as site_queries
from inventory.sites import routes as sites
from inventory.sites.schemas import Condition, SiteCreate, SitePatch, SiteRole, SiteStatus
from inventory.units import queries as unit_queries
from inventory.units import routes as units
from inventory.units.schemas import UnitCreate, UnitKind, UnitPatch
from inventory.users import queries as user_queries
from inventory.users import routes as users
from inventory.users.schemas import UserCreate, UserPatch
from inventory.web.forms import Field, Spec, form_routes


def _options(kind: type[Any]) -> tuple[str, ...]:
    return tuple(k.value for k in kind)


async def _units(conn: asyncpg.Connection, principal: Principal) -> dict[str, list[Any]]:
    return {"unit": await unit_queries.choices(conn, principal.unit_id)}


async def _sites(conn: asyncpg.Connection, principal: Principal) -> dict[str, list[Any]]:
    return {"site": await site_queries.choices(conn, principal.unit_id)}


async def _create_unit(request: Request, conn: asyncpg.Connection, body: Any) -> Response:
    return await units.create(conn, request.user, body)


async def _create_site(request: Request, conn: asyncpg.Connection, body: Any) -> Response:
    return await sites.create(conn, request.user, body)


async def _create_room(request: Request, conn: asyncpg.Connection, body: Any) -> Response:
    return await rooms.create(conn, request.user, request.app.state.settings.tag_prefix, body)


async def _create_user(request: Request, conn: asyncpg.Connection, body: Any) -> Response:
    return await users.create(conn, request.user, body)


UNIT_FORM = Spec(
    plural="units",
    records=units.UNITS,
    fields=(
        Field("code", "dk_code"),
        Field("name", "dk_unit_name"),
        Field("kind", "dk_kind", "choice", _options(UnitKind), "dk_kind_", default="commune"),
        Field("parent_id", "fm_parent", "unit", blank_is_none=True),
        Field("merged_into_id", "dk_merged_into", "unit", blank_is_none=True),
        Field("valid_from", "fm_valid_from", "date", blank_is_none=True),
        Field("valid_to", "fm_valid_to", "date", blank_is_none=True),
    ),
    create_schema=UnitCreate,
    patch_schema=UnitPatch,
    create=_create_unit,
    update=units.update,
    roles=(Role.ADMIN,),
    constraints=unit_queries.CONSTRAINTS,
    choices=_units,
    saved=lambda unit: f"/units/{unit.id}",
    title_new="fm_new_unit",
    title_edit="fm_edit_unit",
)

SITE_FORM = Spec(
    plural="sites",
    records=sites.SITES,
    fields=(
        # A new holder, once a site has history, is a handover: not this form's.
        Field("holder_unit_id", "holder_unit", "unit", on_edit=False),
        Field("name", "fm_site_name"),
        Field("address", "dk_address"),
        Field("origin_unit_id", "fm_origin_unit", "unit", blank_is_none=True),
        Field(
            "role", "dk_site_role", "choice", _options(SiteRole), "dk_site_role_", default="other"
        ),
        Field("status", "fm_site_status", "choice", _options(SiteStatus), "fm_site_status_"),
        Field("condition", "condition", "choice", _options(Condition), "condition_"),
        Field("land_area_m2", "fm_land_area", "number", blank_is_none=True),
        Field("floor_area_m2", "dk_floor_area", "number", blank_is_none=True),
        Field("year_built", "fm_year_built", "number", blank_is_none=True),
        Field("latitude", "fm_latitude", "number", blank_is_none=True),
        Field("longitude", "fm_longitude", "number", blank_is_none=True),
    ),
    create_schema=SiteCreate,
    patch_schema=SitePatch,
    create=_create_site,
    update=sites.update,
    roles=WRITERS,
    constraints=site_queries.CONSTRAINTS,
    choices=_units,
    saved=lambda site: f"/sites?holder_unit_id={site.holder_unit_id}",
    title_new="fm_new_site",
    title_edit="fm_edit_site",
)

ROOM_FORM = Spec(
    plural="rooms",
    records=rooms.ROOMS,
    fields=(
        Field("site_id", "site", "site"),
        Field("name", "fm_room_name"),
        Field("purpose", "dk_purpose", "choice", _options(RoomPurpose), "dk_purpose_"),
        Field("floor", "dk_floor", "number", blank_is_none=True),
        Field("area_m2", "dk_area", "number", blank_is_none=True),
        Field("seats", "dk_seats", "number", blank_is_none=True),
    ),
    create_schema=RoomCreate,
    patch_schema=RoomPatch,
    create=_create_room,
    update=rooms.update,
    roles=WRITERS,
    constraints=room_queries.CONSTRAINTS,
    choices=_sites,
    saved=lambda room: f"/rooms?site_id={room.site_id}",
    title_new="fm_new_room",
    title_edit="fm_edit_room",
    default_field="site_id",  # a room that holds assets stays on its site
)

USER_FORM = Spec(
    plural="users",
    records=users.USERS,
    fields=(
        Field("login", "login", on_edit=False),
        Field("full_name", "dk_full_name"),
        Field("email", "fm_email", blank_is_none=True),
        Field("role", "dk_role", "choice", _options(Role), "dk_role_", default="officer"),
        Field("unit_id", "fm_user_unit", "unit"),
        Field("active", "fm_active", "yesno", on_create=False),
        Field("password", "password", "password", on_edit=False, hint="fm_password_hint"),
        # Reset by the admin; the account's hash is never shown, nor drawn back.
        Field(
            "password",
            "fm_new_password",
            "password",
            blank_keeps=True,
            on_create=False,
            hint="fm_new_password_hint",
        ),
    ),
    create_schema=UserCreate,
    patch_schema=UserPatch,
    create=_create_user,
    update=users.update,
    roles=(Role.ADMIN,),
    constraints=user_queries.CONSTRAINTS,
    choices=_units,
    saved=lambda user: f"/users?{urlencode({'q': user.login})}",
    title_new="fm_new_user",
    title_edit="fm_edit_user",
    default_field="login",
)

router = Router(
    path="/",
    route_handlers=[
        *form_routes(UNIT_FORM),
        *form_routes(SITE_FORM),
        *form_routes(ROOM_FORM),
        *form_routes(USER_FORM),
    ],
)
