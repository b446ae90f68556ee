"""What the OpenAPI document says about errors and authentication, in one place."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Parameter,
    Reference,
    Schema,
    SecurityScheme,
)

if TYPE_CHECKING:
    from litestar import Request

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

    @dataclasses.dataclass
    class FileOperation(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            content = getattr(ok, "content", None)
            if content:
                (declared,) = content.values()
                ok.content = {media_type: declared for media_type in media_types}  # type: ignore[union-attr]

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
