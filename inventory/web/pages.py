"""What every page uses: the page itself in the user's language, and signing in first."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.response import Redirect, Template

from inventory.clock import VIETNAM
from inventory.web.i18n import remember, texts


def page(
    request: Request, name: str, lang: str | None, status: int = 200, **context: Any
) -> Template:
    """The template `name` with the user's texts (a ?lang= choice is remembered)."""
    return Template(
        name,
        status_code=status,
        cookies=remember(lang),
        context={"t": texts(request, lang), "user": request.user, **context},
    )


def login_redirect(request: Request, back: str | None = None) -> Redirect:
    """To the login page, which brings the user back to `back` (this page by default)."""
    return Redirect(f"/login?{urlencode({'next': back or request.url.path})}", status_code=303)


def when(at: datetime | None, *, seconds: bool = False) -> str | None:
    """A moment as Vietnam's clock shows it."""
    if at is None:
        return None
    return at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
