"""The `inventory` command line: run, serve, migrate, demo data, units, users, labels."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from inventory.settings import Settings


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """The configured server's URL, or the embedded one's (stopped on exit)."""
    if settings.database_url:
        yield settings.database_url
        return
    from inventory.db import embedded

    server, url = embedded.start(settings.data_dir)
    try:
        yield url
    finally:
        server.cleanup()  # type: ignore[attr-defined]


def _serve(settings: Settings, url: str) -> None:
    import uvicorn

    # Workers are separate processes: they read the database URL from the environment.
    os.environ["INVENTORY_DATABASE_URL"] = url
    os.environ.setdefault("INVENTORY_SECRET_KEY", settings.secret_key)
    if settings.workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Each worker counts on its own; /metrics must add them up across workers.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="inventory-metrics-")
    uvicorn.run(
        "inventory.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers if settings.workers > 1 else None,
        log_level="info",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
    )


def cmd_run(args: argparse.Namespace) -> None:
    """Everything `make run` promises: database, migrations, demo data, server."""
    from inventory.db.migrate import upgrade
    from inventory.demo.load import DEMO_PASSWORD, DEMO_USERS, is_empty, load

    settings = Settings.from_env()
    with database(settings) as url:
        upgrade(url)
        if asyncio.run(is_empty(url)):
            print("Loading the demo province (Gia Lai)...", flush=True)
            asyncio.run(load(url))
        print(f"\nCommune Inventory is running on http://{settings.host}:{settings.port}")
        print(f"API documentation: http://{settings.host}:{settings.port}/schema/swagger")
        print(f"Demo logins (password '{DEMO_PASSWORD}'): {', '.join(DEMO_USERS)}")
        print("Press Ctrl-C to stop.\n", flush=True)
        _serve(settings, url)


def cmd_serve(args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    with database(settings) as url:
        _serve(settings, url)


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
    from inventory.accounts.cli import create_user

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
    settings = Settings.from_env()
    with database(settings) as url:
        asyncio.run(create_user(url, args.login, password, args.role, args.unit, args.name))


def cmd_labels(args: argparse.Namespace) -> None:
    from inventory.tags.cli import print_labels

    settings = Settings.from_env()
    with database(settings) as url:
        print_labels(url, settings.public_base_url, args)


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
    command("migrate", cmd_migrate, "apply migrations").add_argument("--revision", default="head")
    demo = command("demo", cmd_demo, "load the demo province (or a larger one for benchmarks)")
    demo.add_argument(
        "--communes",
        type=int,
        default=None,
        help="how many communes (default: the Gia Lai units from the norms)",
    )
    demo.add_argument("--assets-per-commune", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2025)

    from inventory.tags.cli import add_arguments as label_arguments

    label_arguments(
        command("labels", cmd_labels, "print labels of assets or of a blank batch (PDF, PNG, ZPL)")
    )

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

    users = commands.add_parser("users", help="manage accounts")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    create = users_commands.add_parser("create", help="create an account (password on stdin)")
    create.set_defaults(handler=cmd_users_create)
    create.add_argument("--login", required=True)
    create.add_argument("--role", required=True, choices=["admin", "officer", "auditor", "leader"])
    create.add_argument("--unit", required=True, help="official code of the user's scope unit")
    create.add_argument("--name", default="")

    args = parser.parse_args(argv)
    with suppress(KeyboardInterrupt):
        args.handler(args)
