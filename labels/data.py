"""What one label shows, as plain data."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LabelData:
    """One label's content: no database row, no web object, picklable for worker processes.

    `asset_name` is None for a blank tag, pre-printed in a batch and bound to an asset
    later by scanning it ("claim").
    """

    url: str
    tag: str
    unit_name: str
    asset_name: str | None = None
    room: str | None = None
