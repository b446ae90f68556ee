"""The public base URL printed in every QR label: one for the whole deployment.

Labels stay on furniture for years, so the address they carry must not depend on the
shell a command runs in. It is stored in the database the first time a server starts
or labels are printed (from INVENTORY_PUBLIC_BASE_URL, or the default address), and
the server, the job worker and `inventory labels` all read it from there. Changing it
is deliberate: `inventory base-url set URL`, recorded in history.
"""

from __future__ import annotations

import logging

import asyncpg
from litestar.datastructures import State

from inventory.db.pool import connection
from inventory.deployment import queries
from inventory.errors import DatabaseUnavailable
from inventory.history.write import Write
from inventory.settings import Settings
from inventory.tagcodes import check_base_url

logger = logging.getLogger(__name__)


async def resolve(conn: asyncpg.Connection, settings: Settings) -> str:
    """The deployment's base URL (stored now if this is the first time), with a warning
    when the environment names another one."""
    stored = await queries.seed(conn, queries.BASE_URL, check_base_url(settings.public_base_url))
    if settings.public_base_url_given and settings.public_base_url != stored:
        logger.warning(
            "INVENTORY_PUBLIC_BASE_URL is %s, but this deployment's labels carry %s: labels use"
            " %s (`inventory base-url set URL` changes it for labels printed from now on)",
            settings.public_base_url,
            stored,
            stored,
        )
    return check_base_url(stored)


async def change(conn: asyncpg.Connection, url: str) -> str:
    """Set the deployment's base URL, recorded in the deployment's history."""
    url = check_base_url(url.rstrip("/"))
    async with Write(conn, None) as write:
        before = await queries.get(conn, queries.BASE_URL)
        await queries.put(conn, queries.BASE_URL, url)
        write.record(
            "setting",
            0,
            "update",
            {"key": queries.BASE_URL, "value": before},
            {"key": queries.BASE_URL, "value": url},
            unit_id=None,
        )
    return url


async def of_app(state: State) -> str:
    """The app's copy, read at start, or now if the database was down then."""
    if state.public_base_url is None:
        async with connection(state.pool) as conn:
            state.public_base_url = await resolve(conn, state.settings)
    return state.public_base_url


async def at_start(state: State) -> None:
    """Read it as the server starts; a database down now is read again when labels need it."""
    try:
        await of_app(state)
    except DatabaseUnavailable:
        logger.warning("the database is down: the labels' base URL is read when first needed")
