"""E-mailing notices: the task `notifications.email`, one per notice, run by the worker.

A notice is e-mailed when its user has an address and an SMTP server is configured
(INVENTORY_SMTP_*). The request that causes it only queues the task, in its own
transaction, so a slow or absent SMTP server never holds a request; a failed delivery
is tried again with a growing delay (jobs.kinds: 2 s, 4 s, 8 s ...), and after the last
attempt the notice says `failed`. A notice already sent is not sent again.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid

from inventory.deployment.base_url import resolve
from inventory.jobs.kinds import TaskContext, register_task
from inventory.notifications import messages, queries
from inventory.settings import Smtp

TASK = "notifications.email"
ATTEMPTS = 6
"""Runs of one delivery in all (the last about a minute after the first)."""


def build(smtp: Smtp, to: str, name: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    # An Address, not formataddr's text: the policy quotes and encodes the name as a
    # whole (a name with ":" or "@" must not read as a group or another recipient).
    message["To"] = Address(display_name=" ".join(name.split()), addr_spec=to)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=smtp.sender.rsplit("@", 1)[-1])
    message.set_content(text)  # utf-8, Vietnamese diacritics kept
    return message


def send(smtp: Smtp, message: EmailMessage) -> None:
    """Deliver one message (blocking: run it in a thread)."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if smtp.security == "ssl":
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.user:
            client.login(smtp.user, smtp.password)
        client.send_message(message)


@register_task(TASK, attempts=ATTEMPTS)
async def email_notice(ctx: TaskContext, payload: str) -> None:
    notice_id = int(payload)
    async with ctx.pool.acquire() as conn:
        row = await queries.for_email(conn, notice_id)
        if row is None or row["email_status"] != "queued":
            return  # gone, or sent already by an earlier run
        smtp = ctx.settings.smtp
        if smtp is None or not row["email"]:
            why = "no SMTP server is configured" if smtp is None else "the user has no address"
            await queries.email_failed(conn, notice_id, why, True)
            return
        link = f"{await resolve(conn, ctx.settings)}/handovers/{row['handover_id']}"
    message = build(
        smtp,
        row["email"],
        row["full_name"] or row["login"],
        messages.subject(row["kind"], row["handover_id"]),
        messages.body(row["kind"], row["handover_id"], row["context"], link),
    )
    try:
        await asyncio.to_thread(send, smtp, message)
    except (OSError, smtplib.SMTPException) as exc:
        async with ctx.pool.acquire() as conn:
            await queries.email_failed(
                conn, notice_id, f"{type(exc).__name__}: {exc}"[:500], ctx.last
            )
        raise
    async with ctx.pool.acquire() as conn:
        await queries.email_sent(conn, notice_id)
