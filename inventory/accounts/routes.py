"""Authentication routes: bearer tokens for API clients, and who the caller is."""

from __future__ import annotations

from litestar import Request, Router, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from inventory.accounts import throttle, tokens
from inventory.accounts.guards import READERS, Me, allow
from inventory.accounts.principal import Principal
from inventory.accounts.schemas import TokenRead, TokenRequest
from inventory.openapi import BEARER, errors


@post("/token", responses=errors(429), security=[], status_code=200)
async def issue_token(request: Request, state: State, data: JSONBody[TokenRequest]) -> TokenRead:
    """Exchange a login and password for a bearer token. Failed attempts are limited per
    login and per address (429 with Retry-After)."""
    # No `conn`: the route holds no connection while the password is checked.
    settings = state.settings
    address = request.client.host if request.client else None
    principal = await throttle.authenticate(
        state.pool, data.login, data.password, address, settings.sign_in_failures
    )
    if principal is None:
        raise NotAuthorizedException("wrong login or password")
    token, expires = tokens.issue(principal, settings.secret_key, settings.token_ttl_seconds)
    return TokenRead(access_token=token, token_type="Bearer", expires_at=expires)


@get("/me", guards=[allow(*READERS)], responses=errors(), security=BEARER)
async def whoami(principal: Me) -> Principal:
    """The signed-in caller, as the token names them."""
    return principal


auth_router = Router(path="/api/v1/auth", route_handlers=[whoami], tags=["auth"])
sign_in_router = Router(path="/api/v1/auth", route_handlers=[issue_token], tags=["auth"])
