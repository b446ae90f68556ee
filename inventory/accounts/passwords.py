"""Password hashing with argon2id (the library's recommended parameters), off the event loop.

One hash or check costs about 200 ms of CPU and 64 MiB. On the event loop, twenty
sign-ins at once stalled every other request behind them; here they run in threads of
their own, as many as the CPUs this process may use (argon2-cffi releases the GIL while
it hashes), so a burst waits in that queue, its memory bounded, and the loop goes on.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verifying against this when the login is unknown keeps the timing the same.
_DUMMY_HASH = _hasher.hash("not a real password")
SLOTS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
"""How many hashes run at once in a process: one per CPU it may use."""
# Its own threads, not the loop's default executor: a burst of sign-ins must not queue
# ahead of the framework's other work there.
_threads = ThreadPoolExecutor(max_workers=SLOTS, thread_name_prefix="argon2")


def hash_password(password: str) -> str:
    """The hash, computed here (commands and scripts; routes await `hashed`)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one hashed (routes await `verified`)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hashed(password: str) -> str:
    """`hash_password` in the hashing threads."""
    return await asyncio.get_running_loop().run_in_executor(_threads, hash_password, password)


async def verified(password_hash: str | None, password: str) -> bool:
    """`verify_password` in the hashing threads."""
    return await asyncio.get_running_loop().run_in_executor(
        _threads, verify_password, password_hash, password
    )
