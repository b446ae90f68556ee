"""`inventory labels`: labels straight from the database, without the web app or a limit.

The selection is not scoped: whoever runs this has the database itself. `--unit`
takes the unit's whole scope (its former units and agencies too), like its users see it.
The app and the renderers are imported when the command runs, not when the command
line is parsed, so that every other `inventory` command starts quickly.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncpg

    from inventory.settings import Settings

FORMATS = ("pdf", "png", "zpl")  # printing.LabelFormat's values
PROGRESS_FROM = 100  # labels; smaller runs finish before a bar is worth drawing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--unit",
        metavar="CODE",
        help="every tagged asset held in the scope of the unit with this code",
    )
    which.add_argument(
        "--asset-ids",
        metavar="ID",
        nargs="+",
        type=_ids,
        help="these assets (space- or comma-separated ids)",
    )
    which.add_argument("--room", metavar="ID", type=int, help="the tagged assets of a room")
    which.add_argument("--site", metavar="ID", type=int, help="the tagged assets of a site")
    which.add_argument("--batch", metavar="ID", type=int, help="the blank tags of a batch")
    which.add_argument(
        "--site-rooms",
        metavar="ID",
        type=int,
        help="the room labels of a site (each opens the room's page)",
    )
    parser.add_argument(
        "--stock", default="a4-3x7", help="label stock, as named in docs/labels.md (default a4-3x7)"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="pdf",
        help="pdf (sheets or roll pages), png (a zip for many) or zpl",
    )
    parser.add_argument(
        "--skip",
        type=int,
        default=0,
        help="used positions at the start of the first sheet (PDF sheets only)",
    )
    parser.add_argument("-o", "--output", required=True, help="file to write; - for stdout")


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not asset ids: {text!r}") from None


async def _rows(
    url: str, settings: Settings, args: argparse.Namespace
) -> tuple[list[asyncpg.Record], str]:
    """The label rows selected, and the deployment's base URL."""
    from inventory.assets.filters import ASSETS
    from inventory.db.pool import connect
    from inventory.deployment.base_url import resolve
    from inventory.printing import queries
    from inventory.units.queries import BY_CODE

    conn = await connect(url)
    try:
        base_url = await resolve(conn, settings)
        if args.batch is not None:
            return await queries.batch_labels(conn, args.batch), base_url
        if args.site_rooms is not None:
            return await queries.room_labels(conn, None, site_id=args.site_rooms), base_url
        scope = None
        if args.unit is not None:
            scope = await conn.fetchval(BY_CODE, args.unit)
            if scope is None:
                raise SystemExit(f"no unit with code {args.unit}")
        ids = [i for group in args.asset_ids for i in group] if args.asset_ids else None
        selection = ASSETS.choices(room_id=args.room, site_id=args.site)
        return await queries.asset_labels(conn, scope, selection, ids, None), base_url
    finally:
        await conn.close()


def print_labels(url: str, settings: Settings, args: argparse.Namespace) -> None:
    """Labels with the deployment's base URL, as the server prints them."""
    from inventory.console import ProgressBar
    from inventory.errors import Problem
    from inventory.printing import render as printing
    from inventory.printing.render import LabelFormat

    try:
        chosen = printing.options(LabelFormat(args.format), args.stock, args.skip)
    except Problem as exc:
        raise SystemExit(exc.detail) from None
    rows, base_url = asyncio.run(_rows(url, settings, args))
    if not rows and args.site_rooms is not None:
        raise SystemExit(f"nothing to print: site {args.site_rooms} has no room with a code")
    if not rows:
        raise SystemExit("nothing to print: no tagged asset (or no batch) matches")
    make = printing.room_label if args.site_rooms is not None else printing.label
    labels = [make(row, base_url) for row in rows]
    bar = ProgressBar(sys.stderr) if len(labels) >= PROGRESS_FROM else None
    with printing.process_pool(os.cpu_count()) as pool:
        output = printing.render(labels, chosen, executor=pool, progress=bar)
    if args.output == "-":
        sys.stdout.buffer.write(output.content)
        sys.stdout.flush()
    else:
        with open(args.output, "wb") as out:
            out.write(output.content)
        print(
            f"{len(labels)} labels written to {args.output} ({output.media_type})", file=sys.stderr
        )
