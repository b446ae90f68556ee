"""The request queue pages through signed-in browser sessions: a request drafted from the
gaps and submitted through the API, endorsed by the commune's leader on its page, taken
under review and decided line by line by the province's leader on its page; each step's
refusal beside its form (an officer has no decision form and gets 403 posting one, the
commune's leader cannot review, a decision without its reason is 422), and another
commune's request is the 404 page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from inventory.web.i18n import EN, VI
from tests.test_needs_pages import _signed_in
from tests.test_requests import R, draft
from tests.world import World

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
LOGINS = ("leader", "leader_a", "officer_a", "officer_b")


@pytest.fixture(scope="module")
def pages(settings, world: World) -> Iterator[dict[str, TestClient]]:
    clients = {login: _signed_in(settings, login) for login in LOGINS}
    try:
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def _post(page: TestClient, url: str, **data: Any) -> Any:
    on = "/".join(url.split("/")[:3])  # the request's page holds the form
    found = _CSRF.search(page.get(on).text)  # another unit's: the 404 page, no form
    token = found.group(1) if found else page.cookies.get("csrftoken")
    return page.post(url, data={**data, "_csrf_token": token}, follow_redirects=False)


@pytest.fixture(scope="module")
def submitted(world: World) -> dict[str, Any]:
    made = draft(world)
    sent = world.officer_a.post(f"{R}/{made['id']}/submit")
    assert sent.status_code == 200, sent.text
    return sent.json()


def test_a_request_goes_from_endorsement_to_decision_on_its_page(
    world: World, pages: dict[str, TestClient], submitted: dict[str, Any]
) -> None:
    rid = submitted["id"]
    url = f"/requests/{rid}"
    # The list: the request, its status and the value it asks, linked.
    listed = pages["officer_a"].get("/requests?status=submitted")
    assert listed.status_code == 200
    assert f'href="{url}"' in listed.text and VI["nd_rq_submitted"] in listed.text
    assert f"{submitted['estimated_cost']:,}".replace(",", ".") in listed.text
    assert f'href="{url}"' not in pages["officer_a"].get("/requests?status=draft").text
    assert 'href="/requests" aria-current="page"' in listed.text  # the desk's navigation

    # The officer: the lines, but neither endorsing nor deciding; posting a decision is 403.
    line = submitted["lines"][0]
    seen = pages["officer_a"].get(url)
    assert seen.status_code == 200 and line["item_name"] in seen.text
    assert "/decision" not in seen.text and "/endorse" not in seen.text
    refused = _post(
        pages["officer_a"],
        f"{url}/lines/{line['id']}/decision",
        approved_quantity="1",
        reason="x",
    )
    assert refused.status_code == 403

    # The commune's leader endorses on the page; they cannot take it under review.
    leader_a = pages["leader_a"]
    assert f'action="{url}/endorse"' in leader_a.get(url).text
    endorsed = _post(leader_a, f"{url}/endorse", note="Đúng nhu cầu <thật>")
    assert endorsed.status_code == 303 and endorsed.headers["location"] == f"{url}?done=endorse"
    after = leader_a.get(endorsed.headers["location"])
    assert VI["rq_done_endorse"] in after.text and VI["nd_rq_endorsed"] in after.text
    assert "Đúng nhu cầu &lt;thật&gt;" in after.text  # the note, escaped
    assert f'action="{url}/review"' not in after.text
    not_theirs = _post(leader_a, f"{url}/review")
    assert not_theirs.status_code == 403 and VI["rq_err_forbidden"] in not_theirs.text

    # The province's leader reviews, then decides each line; no reason is refused beside it.
    leader = pages["leader"]
    assert f'action="{url}/endorse"' not in leader.get(url).text
    reviewed = _post(leader, f"{url}/review")
    assert reviewed.status_code == 303
    lines = world.leader.get(f"{R}/{rid}").json()["lines"]
    first = lines[0]
    assert f'action="{url}/lines/{first["id"]}/decision"' in leader.get(url).text
    unreasoned = _post(
        leader, f"{url}/lines/{first['id']}/decision", approved_quantity="0", reason=" "
    )
    assert unreasoned.status_code == 422 and VI["rq_err_reason"] in unreasoned.text
    too_many = _post(
        leader,
        f"{url}/lines/{first['id']}/decision",
        approved_quantity=str(first["quantity"] + 1),
        reason="Nhiều hơn",
    )
    assert too_many.status_code == 422 and VI["rq_err_approved_quantity"] in too_many.text
    for n, line in enumerate(lines):
        approved = 0 if n == 0 else line["quantity"]
        done = _post(
            leader,
            f"{url}/lines/{line['id']}/decision",
            approved_quantity=str(approved),
            reason=f"Lý do {n}",
        )
        assert done.status_code == 303, done.text[:300]
    final = world.leader.get(f"{R}/{rid}").json()
    assert final["status"] == ("rejected" if len(lines) == 1 else "partly_approved")
    assert all(line["decided_by"] == world.users["leader"] for line in final["lines"])
    shown = leader.get(url).text
    assert VI[f"nd_rq_{final['status']}"] in shown and "Lý do 0" in shown
    assert "/decision" not in shown  # nothing left to decide
    for action in ("rq_action_endorse", "rq_action_review"):
        assert VI[action] in shown  # the history, in the user's words
    assert f"{VI['nd_rq_endorsed']}</span> → {VI['nd_rq_under_review']}" in shown
    assert EN["rq_action_review"] in leader.get(f"{url}?lang=en").text
    leader.get(f"{url}?lang=vi")


def test_another_communes_request_is_the_404_page(
    pages: dict[str, TestClient], submitted: dict[str, Any]
) -> None:
    url = f"/requests/{submitted['id']}"
    other = pages["officer_b"]
    assert other.get(url).status_code == 404
    assert f'href="{url}"' not in other.get("/requests").text
    assert _post(other, f"{url}/submit").status_code == 404


def test_a_flagged_line_is_sent_back_then_submitted_again_on_the_page(
    world: World, pages: dict[str, TestClient]
) -> None:
    made = draft(world)
    rid = made["id"]
    url = f"/requests/{rid}"
    added = world.officer_a.post(
        f"{R}/{rid}/lines",
        json={
            "item": "computer",
            "quantity": 1,
            "unit_price": 10**11,
            "justification": "Máy <chuyên dụng>",
        },
    )
    assert added.status_code == 201, added.text
    officer = pages["officer_a"]
    seen = officer.get(url).text
    assert VI["rq_flag_above_max_price"] in seen and "Máy &lt;chuyên dụng&gt;" in seen
    assert _post(officer, f"{url}/submit").status_code == 303

    # Sending back needs the reason: refused beside its form, nothing changes.
    leader_a = pages["leader_a"]
    unreasoned = _post(leader_a, f"{url}/send-back", note="  ")
    assert unreasoned.status_code == 422 and VI["rq_err_note"] in unreasoned.text
    assert world.officer_a.get(f"{R}/{rid}").json()["status"] == "submitted"
    back = _post(leader_a, f"{url}/send-back", note="Thiếu báo giá")
    assert back.status_code == 303 and back.headers["location"] == f"{url}?done=send_back"
    again = officer.get(url).text
    assert VI["nd_rq_draft"] in again and "Thiếu báo giá" in again
    assert f'action="{url}/submit"' in again
    assert _post(officer, f"{url}/submit").status_code == 303
    twice = _post(officer, f"{url}/submit")  # no longer a draft: 409, in the user's words
    assert (
        twice.status_code == 409
        and VI["rq_err_state"].format(state=VI["nd_rq_submitted"]) in twice.text
    )
