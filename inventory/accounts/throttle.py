"""Sign-in throttling: attempts per client address per minute.

Counted in PostgreSQL (the "rate_limit" store), so every worker and machine
shares one count; the API token route and the sign-in page share it too, so a
guesser cannot double their attempts by switching between them.
"""

from __future__ import annotations

from litestar.middleware.rate_limit import RateLimitConfig
from litestar.types import Middleware

from inventory.settings import Settings

UNTHROTTLED = "unthrottled"
"""Route `opt` key for handlers under the throttle that only show a form."""


def sign_in_throttle(settings: Settings) -> Middleware:
    return RateLimitConfig(
        rate_limit=("minute", settings.login_rate_per_minute),
        store="rate_limit",
        exclude_opt_key=UNTHROTTLED,
    ).middleware
