"""Photo payloads: what the API says of a photo (its bytes are served on their own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import msgspec
from litestar.datastructures import UploadFile


@dataclass
class PhotoUpload:
    """A multipart form with one file, `photo`: a JPEG, PNG or WebP of at most 10 MB."""

    photo: UploadFile


class PhotoRead(msgspec.Struct):
    """A photo as kept: a JPEG re-encoded by the server (`bytes` long, `sha256` its digest
    in hex), at `url`, and its thumbnail at `thumbnail_url`."""

    id: int
    asset_id: int
    width: int
    height: int
    bytes: int
    thumbnail_bytes: int
    sha256: str
    added_by: int | None
    created_at: datetime
    url: str
    thumbnail_url: str
