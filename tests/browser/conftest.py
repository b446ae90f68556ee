"""A real server and a real headless browser: uvicorn on a free port, Debian's chromium.

Playwright drives the system chromium (`make test` installs it as root); it never
downloads a browser of its own. Without /usr/bin/chromium these tests are skipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from inventory.settings import PROJECT_ROOT, Settings
from tests.world import World

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESK = {"viewport": {"width": 1366, "height": 768}}
"""The desktop the issue names: the pages must be usable at 1366x768."""
START_TIMEOUT = 30.0

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: `make test` installs Debian's chromium when run as"
        " root (apt-get install chromium)",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(process: subprocess.Popen, base_url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/login", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT:.0f} s")


@pytest.fixture(scope="session")
def server(database_url: str, settings: Settings, world: World) -> Iterator[str]:
    """The app under uvicorn, on the test database (seeded with the world first)."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "INVENTORY_DATABASE_URL": database_url,
        "INVENTORY_SECRET_KEY": settings.secret_key,
        "INVENTORY_PUBLIC_BASE_URL": base_url,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "inventory.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )
    try:
        _wait_until_up(process, base_url)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Per module: Playwright's event loop runs while the browser is open, and asyncio.run in
# the tests after these (the `sql` fixture) cannot start beside it.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def phone(server: str, chromium: Browser) -> Iterator[Page]:
    """A fresh phone-sized page: no cookies, no session. (The server, and so the seeded
    world, come first: Playwright runs an event loop that asyncio.run cannot share.)"""
    context = chromium.new_context(base_url=server, locale="vi-VN", **PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def desk(server: str, chromium: Browser) -> Iterator[Page]:
    """A fresh desktop page at 1366x768, Vietnamese, signed out."""
    context = chromium.new_context(base_url=server, locale="vi-VN", **DESK)
    try:
        yield context.new_page()
    finally:
        context.close()
