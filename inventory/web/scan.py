"""The scanner page, `/scan`: the phone's rear camera reads our labels' QR codes and opens
the tag's page; a tag can be typed too, checked in the page before anything is sent.

The page reads codes with the browser's BarcodeDetector where there is one, else with
jsQR, served from `static/vendor/jsqr/` (`make vendor`) and loaded only then. The
check character is computed in the page by `static/tagcode.js`, the same as
`inventory.tagcodes` (tests/tag_vectors.json holds the two alike).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from litestar import Request, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inventory.deployment import base_url
from inventory.web.i18n import remember, texts

PATH = "/scan"


@get(PATH, include_in_schema=False)
async def scan_page(request: Request, lang: FromQuery[str | None] = None) -> Template | Redirect:
    if request.user is None:
        return Redirect(f"/login?{urlencode({'next': PATH})}", status_code=303)
    # Labels carry the public base URL's host; the page adds its own (the same, usually).
    label_host = urlsplit(await base_url.of_app(request.app.state)).netloc.lower()
    return Template(
        "scan.html",
        cookies=remember(lang),
        context={"t": texts(request, lang), "user": request.user, "label_host": label_host},
    )


router = Router(path="/", route_handlers=[scan_page])
