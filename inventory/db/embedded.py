"""The embedded PostgreSQL that `pgserver` ships, for a machine without a server."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from inventory.settings import Settings


def start(data_dir: Path) -> tuple[object, str]:
    """Start (or join) the embedded server; return its handle and an asyncpg DSN.

    The handle stops the server when the last process holding it exits, so
    Ctrl-C on `make run` leaves no server behind and the data stays on disk.
    """
    try:
        import pgserver  # imported late: deployments with a real server never load it
    except ImportError as exc:
        raise SystemExit(
            "the embedded PostgreSQL (pgserver) is not installed for this Python: use"
            " Python 3.11 or 3.12, or set INVENTORY_DATABASE_URL to a PostgreSQL server"
        ) from exc

    # Its INFO lines repeat every pg_ctl command line; warnings are what matter.
    logging.getLogger("pgserver").setLevel(logging.WARNING)

    pg_dir = data_dir / "pg"
    pg_dir.mkdir(parents=True, exist_ok=True)
    # Processes starting at once (the test workers) take turns: as root, pgserver creates
    # its system user before taking its own lock, and two doing so left initdb unable to
    # own the data folder.
    with (data_dir / ".start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        server = pgserver.get_server(pg_dir, cleanup_mode="stop")
    socket_dir = server.get_uri().split("host=", 1)[1]
    return server, f"postgresql://postgres@/postgres?host={quote(socket_dir)}"


def with_database(url: str, name: str) -> str:
    """The same server URL pointed at another database."""
    if "?" in url:
        base, query = url.split("?", 1)
        query = "?" + query
    else:
        base, query = url, ""
    scheme_host, _, _ = base.rpartition("/")
    if scheme_host.endswith(":/"):  # postgresql:///db form
        scheme_host = base[: base.rfind("/")]
    return f"{scheme_host}/{name}{query}"


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """The configured server's URL, or the embedded one's (stopped on exit)."""
    if settings.database_url:
        yield settings.database_url
        return
    server, url = start(settings.data_dir)
    try:
        yield url
    finally:
        server.cleanup()  # type: ignore[attr-defined]
