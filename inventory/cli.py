"""The `inventory` command line: run, serve, worker, migrate, demo data, units, users, labels,
backups."""

from __future__ import annotations

import argparse
import asyncio
import errno
import getpass
import os
import signal
import socket
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from types import FrameType

from inventory.console import Failure
from inventory.db.embedded import database
from inventory.settings import Settings, SettingsError

# pgserver asks platformdirs for a runtime folder when it is imported; without
# XDG_RUNTIME_DIR (services, containers, CI) it falls back to /tmp/runtime-UID, which
# serves the embedded server's lock file as well. Other platformdirs warnings stay.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set", module="platformdirs")

WORKER_STOP_TIMEOUT = 10.0


def _bind(settings: Settings) -> socket.socket:
    """The server's socket, bound: a busy port fails here, before anything is printed.

    As uvicorn's own `Config.bind_socket`, which the supervisor of several workers
    would use, but failing with a line the user can act on.
    """
    host, port = settings.host, settings.port
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            message = (
                f"port {port} on {host} is in use: stop the other server or set INVENTORY_PORT"
            )
        elif exc.errno == errno.EACCES:
            message = f"port {port} on {host} needs privileges: set INVENTORY_PORT to 1024 or more"
        elif exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
            message = f"INVENTORY_HOST {host!r} is not an address of this machine"
        else:
            message = f"cannot listen on port {port} of {host}: {exc.strerror or exc}"
        raise Failure(message) from None
    return sock


def _serve(settings: Settings, url: str, sock: socket.socket) -> None:
    """Serve on the bound `sock` until Ctrl-C or SIGTERM (several workers: uvicorn's supervisor)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    # Workers are separate processes: they read the database URL from the environment.
    os.environ["INVENTORY_DATABASE_URL"] = url
    os.environ.setdefault("INVENTORY_SECRET_KEY", settings.secret_key)
    if settings.workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Each worker counts on its own; /metrics must add them up across workers.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="inventory-metrics-")
    config = uvicorn.Config(
        "inventory.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="info",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        # httptools with a bound on a request's head (inventory/security.py).
        http="inventory.security:BoundedHttpTools",
    )
    sock.set_inheritable(True)
    if config.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
        return
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:  # the app failed to start; uvicorn has logged why
        raise SystemExit(3)


def _listen(sock: socket.socket) -> str:
    """Accept connections from now on (they wait until the app is up); the server's URL."""
    sock.listen(2048)  # uvicorn's default backlog
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextmanager
def _job_worker(settings: Settings, url: str) -> Iterator[subprocess.Popen]:
    """`inventory worker` in a child process, stopped when the block ends."""
    env = {**os.environ, "INVENTORY_DATABASE_URL": url}
    env.setdefault("INVENTORY_SECRET_KEY", settings.secret_key)
    child = subprocess.Popen([sys.executable, "-m", "inventory.cli", "worker"], env=env)
    try:
        yield child
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so that what `run` started (worker, database) stops too."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def cmd_run(args: argparse.Namespace) -> None:
    """Everything `make run` promises: database, migrations, demo data, worker, server."""
    from inventory.db.migrate import upgrade
    from inventory.demo.load import DEMO_PASSWORD, DEMO_USERS, is_empty, load

    settings = Settings.from_env()
    _stop_on_sigterm()
    with closing(_bind(settings)) as sock, database(settings) as url:
        upgrade(url)
        if asyncio.run(is_empty(url)):
            print("Loading the demo province (Gia Lai)...", flush=True)
            asyncio.run(load(url))
        with _job_worker(settings, url):
            address = _listen(sock)
            print(f"\nCommune Inventory is running on {address}")
            print(f"API documentation: {address}/schema/swagger")
            print("job worker started")
            print(f"Demo logins (password '{DEMO_PASSWORD}'): {', '.join(DEMO_USERS)}")
            print("Press Ctrl-C to stop.\n", flush=True)
            _serve(settings, url, sock)


def cmd_serve(args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    with closing(_bind(settings)) as sock, database(settings) as url:
        address = _listen(sock)
        print(f"Commune Inventory is running on {address}", flush=True)
        _serve(settings, url, sock)


def cmd_worker(args: argparse.Namespace) -> None:
    """The background job worker, until Ctrl-C or SIGTERM."""
    settings = Settings.from_env()
    with database(settings) as url:
        try:
            from inventory.jobs.worker import run
        except ModuleNotFoundError as exc:
            if exc.name not in ("inventory.jobs", "inventory.jobs.worker"):
                raise
            raise Failure(
                "the job worker is not part of this version (no inventory.jobs.worker)"
            ) from None
        run(url)


def cmd_migrate(args: argparse.Namespace) -> None:
    from inventory.db.migrate import upgrade

    settings = Settings.from_env()
    with database(settings) as url:
        upgrade(url, args.revision)
    print(f"database migrated to {args.revision}")


def cmd_demo(args: argparse.Namespace) -> None:
    from inventory.db.migrate import upgrade
    from inventory.demo.load import load

    settings = Settings.from_env()
    with database(settings) as url:
        upgrade(url)
        asyncio.run(
            load(
                url,
                communes=args.communes,
                assets_per_commune=args.assets_per_commune,
                seed=args.seed,
                progress=True,
            )
        )


def cmd_units_create(args: argparse.Namespace) -> None:
    from inventory.units.cli import create_unit

    settings = Settings.from_env()
    with database(settings) as url:
        asyncio.run(
            create_unit(url, args.code, args.name, args.kind, args.parent, args.merged_into)
        )


def cmd_users_create(args: argparse.Namespace) -> None:
    from inventory.users.cli import create_user

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
    settings = Settings.from_env()
    with database(settings) as url:
        asyncio.run(
            create_user(url, args.login, password, args.role, args.unit, args.name, args.email)
        )


def cmd_labels(args: argparse.Namespace) -> None:
    from inventory.printing.cli import print_labels

    settings = Settings.from_env()
    with database(settings) as url:
        print_labels(url, settings, args)


def cmd_history_verify(args: argparse.Namespace) -> None:
    from inventory.history.cli import verify

    settings = Settings.from_env()
    with database(settings) as url:
        ok = asyncio.run(verify(url, args.unit))
    if not ok:
        raise Failure("the history does not verify", status=1)


def _backup_tools(settings: Settings):
    from inventory.db.backup import embedded_bin, find_tools

    if settings.pg_bin is None and settings.database_url is None:
        return find_tools(embedded_bin())
    return find_tools(settings.pg_bin)


def cmd_backup(args: argparse.Namespace) -> None:
    from pathlib import Path

    from inventory.db.backup import backup

    settings = Settings.from_env()
    tools = _backup_tools(settings)
    with database(settings) as url:
        size = backup(url, Path(args.file), tools)
    print(f"backed up to {args.file} ({size:,} bytes)")


def cmd_restore(args: argparse.Namespace) -> None:
    """Restore, then verify the history chains restored (a backup's proof of integrity)."""
    from pathlib import Path

    from inventory.db.backup import restore
    from inventory.history.cli import verify

    settings = Settings.from_env()
    tools = _backup_tools(settings)
    with database(settings) as url:
        restore(url, Path(args.file), tools, force=args.force)
        print(f"restored {args.file}")
        ok = asyncio.run(verify(url, None))
    if not ok:
        raise Failure("the restored history does not verify", status=1)


def cmd_import(args: argparse.Namespace) -> None:
    from pathlib import Path

    from inventory.imports.cli import import_file, read_file, show

    settings = Settings.from_env()
    content = read_file(Path(args.file))
    with database(settings) as url:
        report = asyncio.run(
            import_file(
                url,
                Path(args.file),
                content,
                args.unit,
                settings.tag_prefix,
                dry_run=args.dry_run,
                category=args.category,
            )
        )
    print(show(report))
    if report.problem_count:
        raise Failure("the file has problems: fix them and import it again", status=1)


def cmd_base_url(args: argparse.Namespace) -> None:
    from inventory.deployment.cli import show_or_set

    settings = Settings.from_env()
    with database(settings) as url:
        asyncio.run(show_or_set(url, settings, args.url))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="inventory", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], None], help: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help)
        sub.set_defaults(handler=handler)
        return sub

    command("run", cmd_run, "migrate, load demo data if empty, and serve")
    command("serve", cmd_serve, "serve the app (no migrations)")
    command("worker", cmd_worker, "process background jobs (no migrations)")
    command("migrate", cmd_migrate, "apply migrations").add_argument("--revision", default="heads")
    demo = command("demo", cmd_demo, "load the demo province (or a larger one for benchmarks)")
    demo.add_argument(
        "--communes",
        type=int,
        default=None,
        help="how many communes (default: the Gia Lai units from the norms)",
    )
    demo.add_argument("--assets-per-commune", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2025)

    from inventory.printing.cli import add_arguments as label_arguments

    label_arguments(
        command(
            "labels",
            cmd_labels,
            "print labels of assets, a batch or a site's rooms (PDF, PNG, ZPL)",
        )
    )

    from inventory.jobs.cli import add_arguments as job_arguments

    job_arguments(commands)

    from inventory.units.schemas import UnitKind

    units = commands.add_parser("units", help="manage units")
    units_commands = units.add_subparsers(dest="units_command", required=True)
    create = units_commands.add_parser("create", help="register a unit (the province first)")
    create.set_defaults(handler=cmd_units_create)
    create.add_argument("--code", required=True, help="official code, e.g. 52 or 24065")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", required=True, choices=[kind.value for kind in UnitKind])
    create.add_argument("--parent", help="code of the unit it belongs to")
    create.add_argument("--merged-into", help="code of the unit a former unit was merged into")

    history = commands.add_parser("history", help="the tamper-evident history")
    history_commands = history.add_subparsers(dest="history_command", required=True)
    verify = history_commands.add_parser(
        "verify", help="recompute every event's hash; name the first that does not match"
    )
    verify.set_defaults(handler=cmd_history_verify)
    verify.add_argument("--unit", metavar="CODE", help="only the chains of this unit's scope")

    backup = command("backup", cmd_backup, "back up the whole database to FILE (pg_dump -Fc)")
    backup.add_argument("file", metavar="FILE")
    restore = command(
        "restore", cmd_restore, "restore FILE into an empty database, then verify its history"
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore into a database that holds tables, replacing what the backup holds",
    )

    imports = command(
        "import", cmd_import, "import an asset list (CSV or XLSX, form 02's columns) into a unit"
    )
    imports.add_argument("file", metavar="FILE")
    imports.add_argument("--unit", required=True, metavar="CODE", help="the unit holding them")
    imports.add_argument("--dry-run", action="store_true", help="check and count; add nothing")
    imports.add_argument("--category", metavar="CODE", help="the category of rows that name none")

    base = commands.add_parser(
        "base-url", help="the public base URL every label carries (show, or `set URL`)"
    )
    base.set_defaults(handler=cmd_base_url, url=None)
    base_commands = base.add_subparsers(dest="base_url_command")
    base_set = base_commands.add_parser("set", help="change it for labels printed from now on")
    base_set.add_argument("url", help="scheme and host, e.g. https://kiemke.gialai.gov.vn")

    users = commands.add_parser("users", help="manage accounts")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    create = users_commands.add_parser("create", help="create an account (password on stdin)")
    create.set_defaults(handler=cmd_users_create)
    create.add_argument("--login", required=True)
    create.add_argument("--role", required=True, choices=["admin", "officer", "auditor", "leader"])
    create.add_argument("--unit", required=True, help="official code of the user's scope unit")
    create.add_argument("--name", default="")
    create.add_argument("--email", default=None, help="where notifications are e-mailed")

    args = parser.parse_args(argv)
    try:
        with suppress(KeyboardInterrupt):
            args.handler(args)
    except SettingsError as exc:
        print(f"inventory: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except Failure as exc:
        print(f"inventory: {exc}", file=sys.stderr)
        raise SystemExit(exc.status) from None


if __name__ == "__main__":
    main()
