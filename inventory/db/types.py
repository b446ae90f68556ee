"""PostgreSQL's bigint range as a msgspec type, for the fields of a request that go to one.

A number past it would reach the database and fail there, a 400 that names no field; held
by the Struct, it is a 400 naming the field, and the OpenAPI document states the range.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

BigInt = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
