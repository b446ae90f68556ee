"""A TCP proxy between chromium and the test server that cuts connections on purpose.

Each request it is told about (by method and path) takes the next step of its plan:
`"after"` forwards the request, waits for the server's whole answer (so the server has
committed) and then cuts the browser's connection without a byte of it, the worst moment
for a phone; `"before"` cuts it before forwarding anything; `"503"` answers as a gateway
whose app is down; `"pass"` (and any request once the plan is spent) goes through. One
request per connection: it asks the server to close, so an answer ends where it closes.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

UNAVAILABLE = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 11\r\nConnection: close\r\n\r\nunavailable"
)
_DROPPED_HEADERS = (b"connection", b"keep-alive", b"proxy-connection")


@dataclass
class Taken:
    """A step of the plan as taken: when its request came, what the server answered."""

    step: str
    at: float  # time.monotonic()
    answer: bytes = b""


class Proxy:
    def __init__(self, upstream_port: int, method: str, path: str) -> None:
        self.upstream_port = upstream_port
        self.method = method
        self.path = re.compile(path)
        self.plan: list[str] = []
        self.done: list[Taken] = []  # the steps of the plan taken, in order
        self.port = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _step(self, method: str, target: str) -> Taken | None:
        with self._lock:
            if method != self.method or not self.path.match(target) or not self.plan:
                return None
            self.done.append(Taken(self.plan.pop(0), time.monotonic()))
            return self.done[-1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            first, *lines = head[:-4].split(b"\r\n")
            method, target, _ = first.decode("latin-1").split(" ", 2)
            kept, length = [], 0
            for line in lines:
                name = line.partition(b":")[0].strip().lower()
                if name == b"content-length":
                    length = int(line.partition(b":")[2])
                if name not in _DROPPED_HEADERS:
                    kept.append(line)
            body = await reader.readexactly(length)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            writer.transport.abort()
            return
        taken = self._step(method, target)
        step = taken.step if taken else "pass"
        if step == "before":
            writer.transport.abort()
            return
        if step == "503":
            answer = UNAVAILABLE
        else:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            request = b"\r\n".join([first, *kept, b"Connection: close", b"", b""]) + body
            up_writer.write(request)
            await up_writer.drain()
            answer = await up_reader.read()  # to the end: the server closes after answering
            up_writer.close()
        if taken:
            taken.answer = answer
        if step == "after":
            writer.transport.abort()  # the server has answered; the phone hears nothing
            return
        writer.write(answer)
        await writer.drain()
        writer.close()

    def _run(self, started: threading.Event) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        started.set()
        loop.run_forever()
        server.close()
        tasks = asyncio.all_tasks(loop)  # connections the browser keeps open, idle
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.close()

    @contextmanager
    def running(self) -> Iterator[Proxy]:
        """The proxy on a free port, its event loop in a thread of its own (Playwright's
        runs in this one, and no other loop may run beside it)."""
        started = threading.Event()
        thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        thread.start()
        assert started.wait(10), "the proxy did not start"
        try:
            yield self
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            thread.join(timeout=10)
