"""What the OpenAPI document says about errors and authentication, in one place."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Parameter,
    Reference,
    Schema,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.routes import HTTPRoute

if TYPE_CHECKING:
    from litestar import Litestar, Request

BEARER = [{"bearer": []}]
# Served by the /static router from inventory/web/static/vendor/swagger-ui.
SWAGGER_UI = "/static/vendor/swagger-ui"
SWAGGER_INIT = "/static/swagger-init.js"


class ProblemDetails(msgspec.Struct):
    """RFC 9457 problem details; `field` names the input at fault, where one is."""

    status: int
    title: str
    detail: str
    field: str | None = None
    constraint: str | None = None


_DESCRIPTIONS = {
    400: "Malformed input (bad JSON, wrong type, unknown field, too deep)",
    401: "Not signed in, or the token is invalid or expired",
    403: "Your role may not do this",
    404: "No such record in your scope",
    409: "Duplicate value (the constraint is named), or a step the workflow does not allow"
    " from the current state (`allowed` names the next ones)",
    412: "If-Match does not match the current version",
    413: "Body too large",
    415: "The body is not of the media type the route takes (Content-Type)",
    422: "Well-formed input that breaks a rule or names a record outside your scope",
    428: "If-Match is required",
    429: "Too many for now: failed sign-ins, or your account's label runs (the detail says"
    " which; see Retry-After)",
    503: "The database cannot be reached (see Retry-After)",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """Problem-details responses for `codes`, plus the ones every API route can give."""
    # 415: a body sent without a JSON Content-Type (errors.json_bodies_only), on any route
    # that reads one; declared on every route rather than traced through each signature.
    every = (400, 401, 403, 415, 503)
    return {
        code: ResponseSpec(
            data_container=ProblemDetails,
            description=_DESCRIPTIONS[code],
            media_type="application/problem+json",
            # Random examples (status 779) differed on every start and taught nothing.
            generate_examples=False,
        )
        for code in sorted({*every, *codes})
    }


def problem(description: str) -> OpenAPIResponse:
    """A problem-details answer, as `errors` declares them, for a pass over the built
    document (a middleware's answers, which no handler declares)."""
    schema = Reference(ref=f"#/components/schemas/{ProblemDetails.__name__}")
    return OpenAPIResponse(
        description=description,
        content={"application/problem+json": OpenAPIMediaType(schema=schema)},
    )


class SwaggerPage(SwaggerRenderPlugin):
    """Swagger UI started by a script file rather than Litestar's inline script, which the
    Content-Security-Policy (`script-src 'self'`) refuses; it reads /schema/openapi.json."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return f"""<!DOCTYPE html><html><head>
<title>{openapi_schema["info"]["title"]}</title>
{self.favicon}
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link href="{self.css_url}" rel="stylesheet">
{self.style}
</head><body><div id="swagger-container"></div>
<script src="{self.js_url}"></script>
<script src="{self.standalone_preset_js_url}"></script>
<script src="{SWAGGER_INIT}"></script>
</body></html>""".encode()


def file_types(*media_types: str) -> type[Operation]:
    """An operation class whose 200 answer is a file of any of `media_types`.

    A ResponseSpec names one media type; a route whose file depends on a parameter (labels:
    PDF, PNG, ZIP or ZPL) declares it as `application/octet-stream` and this class lists the
    real ones instead, so a client (and the contract test) knows what can come back.
    """
    return file_types_of(lambda: media_types)


def file_types_of(media_types: Callable[[], Iterable[str]]) -> type[Operation]:
    """`file_types`, with the media types read as the document is built (a job's result:
    those of the job kinds the domains registered by then)."""

    @dataclasses.dataclass
    class FileOperation(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            content = getattr(ok, "content", None)
            if content:
                (declared,) = content.values()
                ok.content = {media_type: declared for media_type in media_types()}  # type: ignore[union-attr]

    return FileOperation


@dataclasses.dataclass
class IfMatch(Operation):
    """A PATCH or DELETE that needs If-Match (inventory/versioning.py reads it from the
    request, so no handler parameter would tell the document it is required)."""

    def __post_init__(self) -> None:
        header = Parameter(
            name="If-Match",
            param_in="header",
            required=True,
            description='the ETag of your last GET (`"3"`), or `*` for any version',
            schema=Schema(type="string", min_length=1),  # type: ignore[arg-type]
        )
        self.parameters = [*(self.parameters or []), header]


def config() -> OpenAPIConfig:
    components: Any = Components(
        security_schemes={
            "bearer": SecurityScheme(
                type="http", scheme="bearer", description="POST /api/v1/auth/token to get one"
            ),
        }
    )
    return OpenAPIConfig(
        title="Commune Inventory API",
        version="1",
        path="/schema",
        components=components,
        render_plugins=[
            SwaggerPage(
                # Swagger UI 5, vendored from npm by `make vendor` (4 cannot read OpenAPI 3.1).
                js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
                css_url=f"{SWAGGER_UI}/swagger-ui.css",
                standalone_preset_js_url=f"{SWAGGER_UI}/swagger-ui-standalone-preset.js",
                favicon="<link rel='icon' href='/static/favicon.svg' type='image/svg+xml'>",
            )
        ],
    )


def complete(app: Litestar) -> None:
    """Say in `app`'s OpenAPI document what the server enforces and Litestar leaves out.

    Request bodies, from their Structs' own declarations: `additionalProperties: false` on
    each object whose Struct refuses unknown fields (a 400), and each number's bounds and
    each text's lengths on the value itself. Litestar puts those of an optional field beside
    its `oneOf`, where many generators never look, drops a bound of 0 there (a money
    field's minimum) and writes bigint's as floats, which round 2^63 - 1 up. And what any
    route answers: a 413 wherever a body is taken, the Retry-After of every 429 and 503.
    """
    openapi = app.openapi_schema
    schemas = (openapi.components.schemas if openapi.components else None) or {}
    paths = openapi.paths or {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in paths:
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            fields = handler.parsed_fn_signature.parameters
            for method in handler.http_methods:
                operation = getattr(paths[route.path_format], method.lower())
                for parameter in operation.parameters or []:
                    if isinstance(parameter, Parameter) and isinstance(parameter.schema, Schema):
                        field = fields.get(parameter.name)
                        _bound(parameter.schema, field.kwarg_definition if field else None)
                body = getattr(operation, "request_body", None)
                if "data" in fields:
                    declared = msgspec.inspect.type_info(fields["data"].annotation)
                    for media in getattr(body, "content", {}).values():
                        _declare(declared, media.schema, schemas, set())
    for item in paths.values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method)
            responses = getattr(operation, "responses", None) or {}
            # Any body past the app's bound, or the route's own, is refused before it is read.
            if getattr(operation, "request_body", None) and "413" not in responses:
                operation.responses = responses = {**responses, "413": problem(_DESCRIPTIONS[413])}
            for code in ("429", "503"):
                if isinstance(answer := responses.get(code), OpenAPIResponse):
                    answer.headers = {**(answer.headers or {}), "Retry-After": _RETRY_AFTER}


_RETRY_AFTER = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.INTEGER, minimum=1),
    required=True,
    description="seconds to wait before trying again",
)
_NUMBERS = (msgspec.inspect.IntType, msgspec.inspect.FloatType)
_BOUNDS = {"minimum": "ge", "exclusive_minimum": "gt", "maximum": "le", "exclusive_maximum": "lt"}
_LENGTHS = {"min_length": "min_length", "max_length": "max_length", "pattern": "pattern"}
_ARRAYS = (
    msgspec.inspect.ListType,
    msgspec.inspect.SetType,
    msgspec.inspect.FrozenSetType,
    msgspec.inspect.VarTupleType,
)


def _declare(
    declared: msgspec.inspect.Type,
    schema: Schema | Reference | None,
    schemas: dict[str, Schema],
    done: set[int],
) -> None:
    """Carry what `declared` (a body's type as msgspec reads it) refuses into `schema`."""
    if schema is None:
        return
    members = declared.types if isinstance(declared, msgspec.inspect.UnionType) else (declared,)
    # msgspec leaves UNSET out of a patch's field types, Litestar keeps it as a one-way oneOf.
    alternatives = schema.one_of if isinstance(schema, Schema) and schema.one_of else [schema]
    for member in members:
        inner = member.type if isinstance(member, msgspec.inspect.Metadata) else member
        found = [s for s in alternatives if _kind(s, schemas) == _kind(inner, schemas)]
        if isinstance(inner, msgspec.inspect.StructType) and len(found) > 1:
            found = [s for s in found if _resolved(s, schemas).title == inner.cls.__name__]
        if len(found) != 1:
            continue
        target = _resolved(found[0], schemas)
        if isinstance(inner, msgspec.inspect.StructType):
            if id(target) in done:
                continue
            done.add(id(target))
            if inner.forbid_unknown_fields:
                target.additional_properties = False
            properties = target.properties or {}
            for field in inner.fields:
                _declare(field.type, properties.get(field.encode_name), schemas, done)
        elif isinstance(inner, _ARRAYS):
            _declare(inner.item_type, target.items, schemas, done)
        elif isinstance(inner, msgspec.inspect.DictType):
            values = target.additional_properties
            _declare(inner.value_type, None if isinstance(values, bool) else values, schemas, done)
        elif isinstance(inner, (*_NUMBERS, msgspec.inspect.StrType)):
            bounds = _LENGTHS if isinstance(inner, msgspec.inspect.StrType) else _BOUNDS
            for name, bound in bounds.items():
                if (value := getattr(inner, bound)) is not None:
                    setattr(target, name, value)
                    if target is not schema:  # moved off the oneOf, onto the number
                        setattr(schema, name, None)


def _bound(schema: Schema, declared: object) -> None:
    """An integer parameter's bounds on the integer itself, as its handler declares them:
    Litestar writes a path parameter's as floats (bigint's 2^63 - 1 as 2^63) and an
    optional query parameter's beside its oneOf. A dependency's parameters (the lists'
    filters) are not the handler's: theirs, already exact, are moved."""
    members = [m for m in schema.one_of or [schema] if isinstance(m, Schema)]
    for member in (m for m in members if m.type == OpenAPIType.INTEGER):
        for name, bound in _BOUNDS.items():
            value = getattr(declared, bound, None)
            value = getattr(schema, name) if value is None else value
            if value is not None:
                setattr(member, name, value)
                if member is not schema:
                    setattr(schema, name, None)


def _resolved(schema: Schema | Reference, schemas: dict[str, Schema]) -> Schema:
    """The schema itself: a component for a reference, also one wrapped in a lone allOf."""
    if isinstance(schema, Schema) and schema.all_of and len(schema.all_of) == 1:
        schema = schema.all_of[0]
    if isinstance(schema, Reference):
        return schemas[schema.ref.rsplit("/", 1)[-1]]
    return schema


def _kind(of: Schema | Reference | msgspec.inspect.Type, schemas: dict[str, Schema]) -> str:
    """The JSON type a schema or a msgspec type stands for ("" for one of no interest here)."""
    if isinstance(of, Schema | Reference):
        kind = _resolved(of, schemas).type
        return kind.value if isinstance(kind, OpenAPIType) else ""
    if isinstance(of, msgspec.inspect.StructType | msgspec.inspect.DictType):
        return "object"
    if isinstance(of, _ARRAYS):
        return "array"
    if isinstance(of, msgspec.inspect.IntType):
        return "integer"
    if isinstance(of, msgspec.inspect.StrType):
        return "string"
    return "number" if isinstance(of, msgspec.inspect.FloatType) else ""
