"""Notifications: the parties of a handover told in the app in the transaction of each
step, their own list (unread first) and marking read, the due-soon check once per
threshold, and e-mail through a local SMTP server (aiosmtpd) by the job worker, retried
while the server does not answer; with no SMTP server configured, nothing is sent."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar.testing import TestClient

from inventory.app import create_app
from inventory.compliance.reminders import remind
from inventory.db.pool import create_pool
from inventory.notifications.mail import build
from inventory.settings import Settings, Smtp
from tests.test_handovers import H, _days_ago, asset, body, items_of
from tests.test_jobs import WorkerThread, _until
from tests.world import PASSWORD, Caller, World

N = "/api/v1/notifications"


def notices(caller: Caller, handover_id: int, **params: Any) -> list[dict[str, Any]]:
    got = caller.get(N, params={"handover_id": handover_id, "limit": 200, **params})
    assert got.status_code == 200, got.text
    return got.json()["items"]


def kinds(caller: Caller, handover_id: int) -> list[str]:
    return sorted(n["kind"] for n in notices(caller, handover_id))


def reallocation(world: World, giver: Caller, **extra: Any) -> int:
    thing = asset(world, "A")
    made = giver.post(H, json=body(world, "A", "B", items={"asset_ids": [thing["id"]]}, **extra))
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_each_step_tells_the_other_party(world: World) -> None:
    giver, receiver = world.officer_a, world.officer_b
    hid = reallocation(world, giver)
    assert kinds(receiver, hid) == [] and kinds(giver, hid) == []
    assert giver.post(f"{H}/{hid}/submit").status_code == 200
    assert kinds(receiver, hid) == ["submitted"]
    assert kinds(giver, hid) == []  # not told of what they did themselves
    told = notices(receiver, hid)[0]
    assert told["context"]["giving_unit_name"] == "Xã Ia Rbol"
    assert told["context"]["receiving_unit_name"] == "Xã Ia Sao"
    assert told["read_at"] is None and told["email_status"] is None

    disputed = receiver.post(f"{H}/{hid}/dispute", json={"reason": "Thiếu 1 máy tính"})
    assert disputed.status_code == 200
    (dispute,) = notices(giver, hid)
    assert dispute["kind"] == "disputed" and dispute["context"]["detail"] == "Thiếu 1 máy tính"

    assert giver.post(f"{H}/{hid}/resume").status_code == 200
    item = items_of(receiver, hid)[0]["id"]
    receiver.post(f"{H}/{hid}/receipts", json={"status": "received", "item_ids": [item]})
    assert giver.post(f"{H}/{hid}/sign", json={"name": "Nguyễn Văn A"}).status_code == 200
    assert kinds(receiver, hid) == ["signed", "submitted"]
    assert receiver.post(f"{H}/{hid}/sign", json={"name": "Trần Thị B"}).status_code == 200
    assert kinds(giver, hid) == ["completed", "disputed"]
    done = notices(giver, hid, kind="completed")[0]
    assert done["context"]["signer"] == "Trần Thị B"
    # Readers are told nothing: they act on nothing.
    assert notices(world.leader_a, hid) == [] and notices(world.auditor, hid) == []


def test_a_step_refused_tells_no_one(world: World, sql) -> None:
    made = world.officer_a.post(H, json=body(world, "A", "B"))
    hid = made.json()["id"]
    refused = world.officer_a.post(f"{H}/{hid}/submit")  # no items yet
    assert refused.status_code == 422
    assert sql("SELECT count(*) FROM notifications WHERE handover_id = $1", hid)[0][0] == 0


def test_my_notices_unread_first_and_marked_read(world: World) -> None:
    me, other = world.officer_b, world.officer_a
    first, second = reallocation(world, other), reallocation(world, other)
    for hid in (first, second):
        assert other.post(f"{H}/{hid}/submit").status_code == 200
    mine = {hid: notices(me, hid)[0]["id"] for hid in (first, second)}
    unread = me.get(f"{N}/unread").json()["unread"]
    assert unread >= 2

    marked = me.post(f"{N}/read", json={"ids": [mine[first]]})
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"marked": 1, "unread": unread - 1}
    assert notices(me, first)[0]["read_at"] is not None
    listed = me.get(N, params={"limit": 200}).json()["items"]
    flags = [n["read_at"] is None for n in listed]
    assert flags == sorted(flags, reverse=True)  # unread first
    assert me.get(N, params={"unread": False, "limit": 200}).json()["items"][0]["read_at"]

    # Another user's notice: 404 as if it did not exist, and nothing is marked.
    hid = reallocation(world, other)
    other.post(f"{H}/{hid}/submit")
    me.post(f"{H}/{hid}/dispute", json={"reason": "sai"})
    their_notice = notices(other, hid)[0]["id"]
    stolen = me.post(f"{N}/read", json={"ids": [mine[second], their_notice]})
    assert stolen.status_code == 404 and stolen.json()["field"] == "ids"
    assert notices(me, second)[0]["read_at"] is None
    assert notices(other, hid)[0]["read_at"] is None
    assert notices(me, hid, kind="disputed") == []

    assert me.post(f"{N}/read", json={}).status_code == 422
    everything = me.post(f"{N}/read", json={"all": True})
    assert everything.status_code == 200 and everything.json()["unread"] == 0
    assert me.get(f"{N}/unread").json() == {"unread": 0}
    bad = me.get(N, params={"sort": "kind"})
    assert bad.status_code == 400 and bad.json()["field"] == "sort"


def _remind(database_url: str, settings: Settings) -> int:
    async def go() -> int:
        pool = await create_pool(database_url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                return await remind(conn, settings)
        finally:
            await pool.close()

    return asyncio.run(go())


def test_due_soon_is_told_once_per_threshold(
    world: World, database_url: str, settings: Settings, sql
) -> None:
    soon = reallocation(
        world,
        world.officer_a,
        decision={"number": "5/QĐ", "date": _days_ago(26), "issuer": "UBND tỉnh"},
    )
    late = reallocation(
        world,
        world.officer_a,
        decision={"number": "6/QĐ", "date": _days_ago(40), "issuer": "UBND tỉnh"},
    )
    _remind(database_url, settings)
    for officer in (world.officer_a, world.officer_b):
        (told,) = notices(officer, soon, kind="due_soon")
        assert told["context"]["days_left"] == 4
    assert notices(world.officer_a, late, kind="due_soon") == []  # overdue, not due soon
    _remind(database_url, settings)
    assert len(notices(world.officer_b, soon, kind="due_soon")) == 1
    try:
        sql("UPDATE norms SET value = 27 WHERE code = 'handover.deadline_days'")
        _remind(database_url, settings)
        _remind(database_url, settings)
    finally:
        sql("UPDATE norms SET value = 30 WHERE code = 'handover.deadline_days'")
    told = notices(world.officer_b, soon, kind="due_soon")
    assert sorted(n["context"]["days_left"] for n in told) == [1, 4]


def test_with_no_smtp_server_nothing_is_sent(world: World, sql) -> None:
    patched = world.admin.patch(
        f"/api/v1/users/{world.users['officer_b']}",
        json={"email": "officer.b@iasao.example"},
        headers={"If-Match": "*"},
    )
    assert patched.status_code == 200 and patched.json()["email"] == "officer.b@iasao.example"
    hid = reallocation(world, world.officer_a)
    assert world.officer_a.post(f"{H}/{hid}/submit").status_code == 200
    (told,) = notices(world.officer_b, hid)
    assert told["email_status"] is None
    queued = sql("SELECT count(*) FROM pgqueuer WHERE entrypoint = 'notifications.email'")
    assert queued[0][0] == 0
    bad = world.admin.patch(
        f"/api/v1/users/{world.users['officer_b']}",
        json={"email": "not an address"},
        headers={"If-Match": "*"},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "email"


class Inbox:
    """aiosmtpd's handler: every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.recipients.append(list(envelope.rcpt_tos))
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_settings(settings: Settings) -> Settings:
    smtp = Smtp(host="127.0.0.1", port=_free_port(), sender="kiemke@stc.example", security="none")
    return dataclasses.replace(settings, smtp=smtp)


@pytest.fixture
def smtp_app(smtp_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(smtp_settings), base_url="http://127.0.0.1:8000") as client:
        yield client


def test_an_email_is_queued_and_retried_until_the_server_answers(
    world: World, database_url: str, smtp_settings: Settings, smtp_app: TestClient, sql
) -> None:
    address = "officer.b@iasao.example"
    world.admin.patch(
        f"/api/v1/users/{world.users['officer_b']}",
        json={"email": address},
        headers={"If-Match": "*"},
    )
    giver = Caller(smtp_app, world.callers["officer_a"].token)
    hid = reallocation(world, giver)
    assert giver.post(f"{H}/{hid}/submit").status_code == 200
    (told,) = notices(world.officer_b, hid)
    assert told["email_status"] == "queued"

    def state() -> Any:
        rows = sql(
            "SELECT email_status, email_attempts, email_error FROM notifications WHERE id = $1",
            told["id"],
        )
        return rows[0]

    inbox = Inbox()
    smtp = smtp_settings.smtp
    assert smtp is not None
    with WorkerThread(database_url, settings=smtp_settings):
        # No server listens yet: the first delivery fails and is tried again.
        _until(lambda: state()["email_attempts"] >= 1, 30, "a failed delivery")
        first = state()
        assert first["email_status"] == "queued" and "Connection" in first["email_error"]
        controller = Controller(inbox, hostname=smtp.host, port=smtp.port)
        controller.start()
        try:
            _until(lambda: inbox.messages, 30, "the e-mail")
            _until(lambda: state()["email_status"] == "sent", 10, "the notice marked sent")
        finally:
            controller.stop()
        schedules = sql("SELECT entrypoint FROM pgqueuer_schedules")
    assert "handovers.due_soon" in [r["entrypoint"] for r in schedules]
    (message,) = inbox.messages
    assert inbox.recipients == [[address]]
    assert message["To"].addresses[0].addr_spec == address
    assert message["From"] == "kiemke@stc.example"
    assert f"Biên bản bàn giao số {hid} đã được bên giao gửi" in message["Subject"]
    assert f"Handover {hid} was submitted" in message["Subject"]
    text = message.get_content()
    assert "Bên giao: Xã Ia Rbol" in text and f"/handovers/{hid}" in text
    assert state()["email_attempts"] >= 2 and state()["email_error"] is None


_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def browser(settings: Settings) -> Iterator[TestClient]:
    """officer_b signed in with a session, as a phone would be."""
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        token = _CSRF.search(client.get("/login").text).group(1)
        signed = client.post(
            "/login",
            data={"login": "officer_b", "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        yield client


def test_the_notices_page_and_the_start_page_count(world: World, browser: TestClient) -> None:
    hid = reallocation(world, world.officer_a)
    assert world.officer_a.post(f"{H}/{hid}/submit").status_code == 200
    mine = reallocation(world, world.officer_a)
    world.officer_a.post(f"{H}/{mine}/submit")
    world.officer_b.post(f"{H}/{mine}/dispute", json={"reason": "<script>alert(1)</script>"})
    world.officer_a.post(f"{H}/{mine}/resume")
    unread = world.officer_b.get(f"{N}/unread").json()["unread"]
    home = browser.get("/")
    assert f"{unread} chưa đọc" in home.text and 'href="/notifications"' in home.text

    listed = browser.get("/notifications")
    assert listed.status_code == 200 and 'lang="vi"' in listed.text
    assert f"Biên bản bàn giao {hid}</a>\n    đã được bên giao gửi" in listed.text
    assert f'href="/handovers/{hid}"' in listed.text
    assert "Xã Ia Rbol → Xã Ia Sao" in listed.text
    assert len(listed.content) < 30_000  # a phone page
    english = browser.get("/notifications", params={"lang": "en"})
    assert "was submitted by the giving side" in english.text
    # officer_a's notice of the dispute (with its reason) is not officer_b's to see.
    assert "alert(1)" not in english.text
    theirs = notices(world.officer_a, mine, kind="disputed")
    assert theirs and theirs[0]["context"]["detail"] == "<script>alert(1)</script>"

    token = _CSRF.search(listed.text).group(1)
    marked = browser.post(
        "/notifications/read", data={"_csrf_token": token}, follow_redirects=False
    )
    assert marked.status_code == 303 and marked.headers["location"] == "/notifications"
    assert world.officer_b.get(f"{N}/unread").json() == {"unread": 0}
    assert "chưa đọc" not in browser.get("/").text
    assert "Đánh dấu tất cả đã đọc" not in browser.get("/notifications").text
    # officer_a's notices stay unread.
    assert world.officer_a.get(f"{N}/unread").json()["unread"] >= 1
    forged = browser.post("/notifications/read", data={}, follow_redirects=False)
    assert forged.status_code == 403


def test_a_flag_comment_is_escaped_on_the_page(world: World, browser: TestClient) -> None:
    hid = reallocation(world, world.officer_a)
    world.officer_a.post(f"{H}/{hid}/submit")
    comment = "<img src=x onerror=alert(2)>"
    assert world.auditor.post(f"{H}/{hid}/flags", json={"comment": comment}).status_code == 201
    shown = browser.get("/notifications").text
    assert "&lt;img src=x onerror=alert(2)&gt;" in shown and comment not in shown
    assert "bị kiểm tra viên gắn cờ" in shown


def test_moved_to_another_unit_a_user_no_longer_sees_the_old_ones(
    world: World, client: TestClient
) -> None:
    login = f"o.{secrets.token_hex(3)}"
    user = world.create(
        "/api/v1/users",
        login=login,
        password=PASSWORD,
        role="officer",
        unit_id=world.units["A"],
        email=f"{login}@iarbol.example",
    )
    assert user["email"] == f"{login}@iarbol.example"

    def caller() -> Caller:
        got = client.post("/api/v1/auth/token", json={"login": login, "password": PASSWORD})
        return Caller(client, got.json()["access_token"])

    officer = caller()
    hid = reallocation(world, world.officer_a)
    world.officer_a.post(f"{H}/{hid}/submit")
    world.officer_b.post(f"{H}/{hid}/dispute", json={"reason": "thiếu"})
    # A colleague of officer_a: told of the submission and of the dispute.
    assert kinds(officer, hid) == ["disputed", "submitted"]
    told = notices(officer, hid)[0]
    moved = world.admin.patch(
        f"/api/v1/users/{user['id']}",
        json={"unit_id": world.units["B1"]},
        headers={"If-Match": "*"},
    )
    assert moved.status_code == 200, moved.text
    officer = caller()  # signed in again, in B1
    assert notices(officer, hid) == []
    assert officer.get(f"{N}/unread").json() == {"unread": 0}
    hidden = officer.post(f"{N}/read", json={"ids": [told["id"]]})
    assert hidden.status_code == 404


def test_a_name_with_a_line_break_stays_one_header_line() -> None:
    smtp = Smtp(host="127.0.0.1", port=25, sender="kiemke@stc.example", security="none")
    message = build(smtp, "a@iasao.example", "Nguyễn Văn\r\nBcc: x@evil.example", "S", "Nội dung")
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed["To"].addresses[0].display_name == "Nguyễn Văn Bcc: x@evil.example"
    assert parsed.get_content().strip() == "Nội dung"
