"""Authentication routes: bearer tokens for API clients, and who the caller is."""

from __future__ import annotations

from litestar import Router, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from inventory.accounts import queries, tokens
from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.schemas import TokenRead, TokenRequest
from inventory.db.dependencies import Conn
from inventory.openapi import BEARER, errors


@post("/token", responses=errors(), security=[], status_code=200)
async def issue_token(conn: Conn, state: State, data: JSONBody[TokenRequest]) -> TokenRead:
    """Exchange a login and password for a bearer token."""
    principal = await queries.authenticate(conn, data.login, data.password)
    if principal is None:
        raise NotAuthorizedException("wrong login or password")
    settings = state.settings
    token, expires = tokens.issue(principal, settings.secret_key, settings.token_ttl_seconds)
    return TokenRead(access_token=token, token_type="Bearer", expires_at=expires)


@get("/me", guards=[allow(*READERS)], responses=errors(), security=BEARER)
async def whoami(principal: Me) -> Principal:
    """The signed-in caller, as the token names them."""
    return principal


auth_router = Router(path="/api/v1/auth", route_handlers=[whoami], tags=["auth"])
# Throttled by the app (accounts.throttle), which wraps this router.
sign_in_router = Router(path="/api/v1/auth", route_handlers=[issue_token], tags=["auth"])
