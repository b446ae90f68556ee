"""A room's phone page, `/r/{code}` (and `/R/{code}` as the upper-case QR spells it): the
page a room label opens, so that an officer scans the room first, then what is in it.

It lists what should be there (the assets registered in the room) and what was last
seen there (assets whose last sighting was in the room: when, and by whom), both within
the caller's scope. Another unit's room, or an unknown code, is one not-found page.
"""

from __future__ import annotations

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from inventory.assets import queries as assets
from inventory.db.dependencies import Conn
from inventory.rooms import queries as rooms
from inventory.tagcodes import TagProblem, normalize, validate
from inventory.web.pages import login_redirect, page, when

SHOWN = 500
"""Assets listed per part of the page; a room holds far fewer."""
_MISSING_KIND = {
    TagProblem.TYPO: "typo",
    TagProblem.MALFORMED: "malformed",
    TagProblem.VALID: "room_not_found",
}


@get(["/r/{code:str}", "/R/{code:str}"], include_in_schema=False)
async def room_page(
    request: Request, conn: Conn, code: FromPath[str], lang: FromQuery[str | None] = None
) -> Template | Redirect:
    principal = request.user
    if principal is None:
        return login_redirect(request)
    code = normalize(code)
    room = await rooms.by_tag(conn, code, principal.unit_id)
    if room is None:
        kind = _MISSING_KIND[validate(code)]
        return page(request, "tag_missing.html", lang, 404, code=code, kind=kind)
    expected = await assets.in_room(conn, room["id"], principal.unit_id, SHOWN)
    seen = [
        {
            "name": a["name"],
            "tag": a["tag"],
            "at": when(a["last_seen_at"]),
            "by": a["full_name"] or a["login"],
        }
        for a in await assets.seen_in_room(conn, room["id"], principal.unit_id, SHOWN)
    ]
    return page(request, "room.html", lang, room=room, expected=expected, seen=seen)


router = Router(path="/", route_handlers=[room_page])
