"""Domain errors and their RFC 9457 problem-details form.

Routes raise these (or let asyncpg's constraint errors through); the plugin
configured in `problem_details_plugin` turns each into application/problem+json.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    ClientException,
    HTTPException,
    SerializationException,
    ValidationException,
)
from litestar.params import BodyKwarg
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.routes import HTTPRoute
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_412_PRECONDITION_FAILED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_428_PRECONDITION_REQUIRED,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"


class Problem(ProblemDetailsException):
    """A problem with a fixed status and title; `field` names the input at fault."""

    status: int = HTTP_400_BAD_REQUEST
    default_title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        extra = {"field": field} if field else None
        super().__init__(
            detail=detail,
            status_code=self.status,
            title=title or self.default_title,
            extra=extra,
            headers=headers,
        )


class NotFound(Problem):
    status = HTTP_404_NOT_FOUND
    default_title = "Not found"


class Unauthorized(Problem):
    status = 401
    default_title = "Unauthorized"


class Forbidden(Problem):
    """The role may do this, but not from where the caller stands (a unit below the top)."""

    status = 403
    default_title = "Forbidden"


class Invalid(Problem):
    """Well-formed input that breaks a rule or names a record the caller cannot use."""

    status = HTTP_422_UNPROCESSABLE_ENTITY
    default_title = "Invalid input"


class Conflict(Problem):
    status = HTTP_409_CONFLICT
    default_title = "Conflict"


class TooLarge(Problem):
    """A part of the body larger than its bound (a photo), the body itself within its own."""

    status = HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_title = "Too large"


class UnsupportedMediaType(Problem):
    status = HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_title = "Unsupported media type"


def _json_data(request: Request) -> Any:
    """The type of the route's `data` where it is decoded from a JSON body (Litestar's
    default), else None."""
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return None
    body = data.kwarg_definition
    media = body.media_type if isinstance(body, BodyKwarg) else RequestEncodingType.JSON
    return data.annotation if media == RequestEncodingType.JSON else None


async def json_bodies_only(request: Request) -> None:
    """`before_request`: a route that reads JSON takes a JSON body of exactly its types.

    Litestar decodes the body as JSON whatever its Content-Type, so a cross-site form
    (text/plain, which needs no CORS preflight) could carry JSON to it: that is a 415.
    It then converts the body leniently (`strict=False`: "5" for 5, "true" for true);
    the body is checked strictly first, so a string is never taken for a number.
    """
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    wanted = _json_data(request)
    if wanted is None:
        return
    require_json(request)
    if not await request.body():
        return
    try:
        # Litestar keeps the decoded body: the route's own conversion does not decode again.
        given = await request.json()
    except SerializationException as exc:  # as Litestar answers it in the route
        raise ClientException(str(exc)) from exc
    try:
        msgspec.convert(given, wanted, strict=True)
    except msgspec.ValidationError as exc:
        found = re.search(r"`\$\.(\w+)", str(exc))
        key = found.group(1) if found else ""
        raise ValidationException(str(exc), extra=[{"key": key, "message": str(exc)}]) from None


def require_json(request: Request) -> None:
    """415 unless the request says its body is JSON (`application/json` or `...+json`)."""
    media = request.content_type[0]
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(
            f"send the body as JSON, with Content-Type: application/json (not {media!r})"
        )


class InUse(Conflict):
    """A delete (or move) refused because other records still point at this one."""

    def __init__(self, detail: str, *, constraint: str) -> None:
        super().__init__(detail)
        self.extra = {"constraint": constraint}


class TooMany(Problem):
    """429: the caller has used their share for now; `Retry-After` says when to ask again."""

    status = HTTP_429_TOO_MANY_REQUESTS
    default_title = "Too many requests"


class PreconditionRequired(Problem):
    status = HTTP_428_PRECONDITION_REQUIRED
    default_title = "Precondition required"


class PreconditionFailed(Problem):
    status = HTTP_412_PRECONDITION_FAILED
    default_title = "Precondition failed"


Constraints = Mapping[str, tuple[str, str]]
"""Constraint name -> (field, message): each domain declares its own beside its SQL (the
database is the last line of defence, and its errors must read like the API's own)."""


class DatabaseUnavailable(Exception):
    """No connection to the database could be had: it is down, refusing, or every pooled
    connection stayed busy (raised where a connection is acquired)."""


def _database_problem(
    exc: asyncpg.PostgresError, constraints: Constraints
) -> ProblemDetailsException:
    constraint = getattr(exc, "constraint_name", None) or ""
    field, message = constraints.get(constraint, (None, None))
    extra: dict[str, Any] = {"constraint": constraint} if constraint else {}
    if field:
        extra["field"] = field
    if isinstance(exc, asyncpg.UniqueViolationError):
        return ProblemDetailsException(
            status_code=HTTP_409_CONFLICT,
            title="Conflict",
            detail=message or "duplicate value",
            extra=extra,
        )
    if isinstance(
        exc,
        asyncpg.ForeignKeyViolationError
        | asyncpg.CheckViolationError
        | asyncpg.NotNullViolationError,
    ):
        return ProblemDetailsException(
            status_code=HTTP_422_UNPROCESSABLE_ENTITY,
            title="Invalid input",
            detail=message or f"violates {constraint or 'a rule'}",
            extra=extra,
        )
    if isinstance(exc, asyncpg.DataError):
        return ProblemDetailsException(
            status_code=HTTP_400_BAD_REQUEST,
            title="Bad request",
            detail="a value is out of range",
            extra=extra,
        )
    raise exc


def _validation_problem(exc: ValidationException) -> ProblemDetailsException:
    extra: dict[str, Any] = {}
    errors = exc.extra if isinstance(exc.extra, list) else []
    if errors:
        first = errors[0]
        key = first.get("key") if isinstance(first, dict) else None
        message = str(first.get("message", "")) if isinstance(first, dict) else ""
        # msgspec reports an unknown field against the whole body; name the field itself.
        unknown = re.search(r"unknown field `([^`]+)`", message)
        extra["field"] = unknown.group(1) if unknown else (key or "")
        extra["errors"] = errors
        detail = (first.get("message") if isinstance(first, dict) else None) or str(exc.detail)
    else:
        detail = str(exc.detail)
    return ProblemDetailsException(
        status_code=exc.status_code, title="Validation failed", detail=detail, extra=extra
    )


MULTIPART_PARTS = 1000
"""The most parts a multipart form may have (the app's `multipart_form_part_limit`)."""
# What Litestar 2 raises, as a 400, for a form of more parts (a 413 from Litestar 3 on).
_TOO_MANY_PARTS = "Request Entity Too Large"


def _http_problem(exc: HTTPException) -> ProblemDetailsException:
    if exc.status_code == HTTP_400_BAD_REQUEST and exc.detail == _TOO_MANY_PARTS:
        return ProblemDetailsException(
            status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            title="Too large",
            detail=f"a multipart form may have at most {MULTIPART_PARTS} parts",
        )
    return ProblemDetailsException(
        status_code=exc.status_code,
        title=_title(exc.status_code),
        detail=str(exc.detail),
        headers=exc.headers,
        extra=exc.extra if isinstance(exc.extra, dict) else None,
    )


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def unavailable(exc: BaseException) -> ProblemDetailsException:
    """The database is down or every pooled connection stayed busy."""
    logger.warning("the database is unavailable: %s: %s", type(exc).__name__, exc)
    return ProblemDetailsException(
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        title="Service unavailable",
        detail="the database cannot be reached; try again shortly",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def _transient(_exc: Exception) -> ProblemDetailsException:
    """A deadlock or serialization failure: the transaction was rolled back whole, so the
    same request can simply be sent again."""
    return ProblemDetailsException(
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        title="Service unavailable",
        detail="the database was busy with a conflicting change; try again",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def internal_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback, answered as a problem that tells nothing inside."""
    logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return ProblemDetailsException(
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        title="Internal server error",
        detail="something went wrong on the server; it has been logged",
    ).to_response(request)


def recursion_handler(request: Request, _exc: RecursionError) -> Response:
    """msgspec raises RecursionError on very deep JSON (msgspec#1033): that is bad input."""
    return ProblemDetailsException(
        status_code=HTTP_400_BAD_REQUEST,
        title="Bad request",
        detail="the JSON body is nested too deeply",
    ).to_response(request)


def undecodable(request: Request, exc: UnicodeDecodeError) -> Response:
    """Bytes that are not UTF-8 where text was due: a JSON string, a form field, a part's
    name or value. msgspec and the form parsers raise UnicodeDecodeError for these rather
    than their own decoding error, wherever the decoding happens (the framework's body
    reading, a route's own msgspec call), so this one handler answers for every route.

    The server's own text (the database's, its files) is UTF-8 by construction: only what a
    client sent can fail to decode, so this is bad input, not a bug to log as one."""
    logger.info("%s %s: undecodable input at byte %d", request.method, request.url.path, exc.start)
    return ProblemDetailsException(
        status_code=HTTP_400_BAD_REQUEST,
        title="Bad request",
        detail="the request is not valid UTF-8 text",
    ).to_response(request)


OUTAGES = (
    DatabaseUnavailable,
    asyncpg.PostgresConnectionError,  # the connection lost mid-request (ConnectionDoesNotExist)
    asyncpg.OperatorInterventionError,  # terminated, shut down, statement timeout (57xxx)
    asyncpg.InsufficientResourcesError,  # disk full, out of memory, too many connections
    asyncpg.LockNotAvailableError,  # lock_timeout: another transaction holds the rows
    asyncpg.InternalClientError,  # "cannot switch to state ...": a connection left mid-operation
    TimeoutError,
)
"""What a database that cannot be reached, is lost mid-request or answers too slowly
raises: each is a 503. Anything else (a FileNotFoundError or PermissionError of the app's
own, say) is a bug, a 500, logged with its traceback."""


def is_outage(exc: BaseException) -> bool:
    """One of OUTAGES, or a connection that cannot be used any more: "cannot perform
    operation: connection is closed / another operation is in progress", or a
    transaction's rollback on a connection the outage had closed, which hides the
    outage itself. Those are InterfaceErrors, which otherwise mean a bug."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OUTAGES):
            return True
        if isinstance(seen, asyncpg.InterfaceError) and (
            str(seen).startswith("cannot perform operation") or "connection is closed" in str(seen)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _interface_problem(exc: asyncpg.InterfaceError) -> ProblemDetailsException:
    if is_outage(exc):
        return unavailable(exc)
    logger.error("the database driver was misused", exc_info=exc)
    return ProblemDetailsException(
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        title="Internal server error",
        detail="something went wrong on the server; it has been logged",
    )


def problem_details_plugin(constraints: Constraints) -> ProblemDetailsPlugin:
    def database_problem(exc: asyncpg.PostgresError) -> ProblemDetailsException:
        return _database_problem(exc, constraints)

    mapping: dict[type[Exception], Any] = {
        ValidationException: _validation_problem,
        HTTPException: _http_problem,
        asyncpg.IntegrityConstraintViolationError: database_problem,
        asyncpg.DataError: database_problem,
        asyncpg.DeadlockDetectedError: _transient,
        asyncpg.SerializationError: _transient,
        asyncpg.InterfaceError: _interface_problem,
    }
    for exc_type in OUTAGES:
        mapping[exc_type] = unavailable
    return ProblemDetailsPlugin(ProblemDetailsConfig(exception_to_problem_detail_map=mapping))


def options_answer(request: Request) -> Response | None:
    """OPTIONS answered with every method of its path, the ones its 405 names.

    Litestar's own answer names only the methods of the first handler of a path that
    several handlers share (litestar#4169, fixed in Litestar 3): `GET, OPTIONS` for
    /api/v1/assets, which takes POST too.
    """
    if request.method != "OPTIONS" or request.route_handler.handler_name != "options_handler":
        return None
    template = request.scope.get("path_template")
    for route in request.app.routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            return Response(
                None, status_code=204, headers={"Allow": ", ".join(sorted(route.methods))}
            )
    return None


def one_value_each(request: Request) -> None:
    """A query parameter the API takes once may not be sent twice (400 naming it).

    Litestar would keep the last value and drop the others unread, so `?unit_id=abc&unit_id=5`
    answered as if the first were never sent; the list parameters (labels' `ids`) repeat.
    """
    if not request.url.path.startswith("/api/"):
        return
    keys = [key for key, _ in request.query_params.multi_items()]
    if len(keys) == len(set(keys)):
        return
    lists = request.route_handler.parsed_fn_signature.parameters
    for key in keys:
        if keys.count(key) > 1 and not (key in lists and lists[key].is_non_string_sequence):
            raise Problem(f"`{key}` is given more than once", field=key)
