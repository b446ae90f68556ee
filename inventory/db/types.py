"""PostgreSQL's bigint range as types, for the request fields and parameters that go to one.

A number past it would reach the database and fail there, a 400 that names no field; held
by the Struct or the parameter, it is a 400 naming the field, and the OpenAPI document
states the range.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import PathParameter, QueryParameter

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
BigInt = Annotated[int, msgspec.Meta(ge=BIGINT_MIN, le=BIGINT_MAX)]
# A record's id in the path (`/assets/{asset_id:int}`).
PathId = Annotated[int, PathParameter(ge=BIGINT_MIN, le=BIGINT_MAX)]
QueryId = Annotated[int, QueryParameter(ge=BIGINT_MIN, le=BIGINT_MAX)]
