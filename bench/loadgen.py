"""A small HTTP/1.1 load generator: N keep-alive connections, GETs, latencies.

Run as its own process so its CPU is not counted against the server measured.
Prints one JSON line: {"requests": n, "errors": n, "seconds": s, "latencies": [...]}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time


async def _connection(
    host: str,
    port: int,
    paths: list[str],
    token: str,
    deadline: float,
    latencies: list[float],
    errors: list[int],
    seed: int,
    cookie: str = "",
) -> None:
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection(host, port)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    if cookie:
        auth += f"Cookie: {cookie}\r\n"
    try:
        while time.perf_counter() < deadline:
            path = paths[rng.randrange(len(paths))]
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n".encode()
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def run(
    host: str,
    port: int,
    paths: list[str],
    token: str,
    connections: int,
    seconds: float,
    cookie: str = "",
) -> dict[str, object]:
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _connection(host, port, paths, token, deadline, latencies, errors, seed, cookie)
            for seed in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": elapsed,
        "error_statuses": sorted(set(errors))[:5],
        "latencies": latencies,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--paths", required=True, help="file with one path per line")
    parser.add_argument("--token", default="")
    parser.add_argument("--cookie", default="", help="a Cookie header's value (pages)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with open(args.paths) as handle:
        paths = [line.strip() for line in handle if line.strip()]
    result = asyncio.run(
        run(
            "127.0.0.1",
            args.port,
            paths,
            args.token,
            args.connections,
            args.seconds,
            args.cookie,
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
