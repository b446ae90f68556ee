"""A photo as it arrives: the form read within its route's bound, the photo's bytes taken
from it, and re-encoded off the event loop.

The routes that take a photo admit a body of MAX_BODY (the rest of the app keeps
INVENTORY_MAX_BODY_BYTES) and read it before they take a pooled connection, so a phone
sending 10 MB over a weak network holds no connection while it does.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from litestar.datastructures import FormMultiDict, UploadFile

from inventory.errors import TooLarge
from inventory.photos import rules

MAX_BODY = rules.MAX_UPLOAD + 1024 * 1024
"""A photo route's body: the photo, and the form around it (the condition, the note)."""
# Decoding takes up to ~150 MB and a core: two at a time per process, in threads of their
# own (the others queue there, and the default executor stays free for everything else).
_DECODER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="photo")


def too_large() -> TooLarge:
    return TooLarge(
        f"the photo is larger than {rules.MAX_UPLOAD} bytes (10 MB): send a smaller one",
        field="photo",
    )


async def photo_in(form: FormMultiDict, name: str = "photo") -> bytes | None:
    """The bytes sent as `name`, or None when no file was chosen."""
    value = form.get(name)
    if isinstance(value, UploadFile):
        data = await value.read()
        return data or None
    # Text where the file should be is not a photo: it is refused as it is decoded.
    return value.encode() if isinstance(value, str) and value else None


async def prepare(data: bytes) -> rules.Encoded:
    """`data` re-encoded in a decoder thread (CPU-bound: the event loop keeps serving)."""
    rules.check_size(len(data))
    return await asyncio.get_running_loop().run_in_executor(_DECODER, rules.reencode, data)
