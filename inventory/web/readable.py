"""History as people read it: the fields that changed, in their words, old → new.

An event keeps the record's columns; a page shows the field's name in the user's
language, a status or condition by its name, and a place by its name rather than its id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inventory.history.schemas import EventRead
from inventory.web.pages import when

# Column -> the text key of its label. Ids give way to the names the record carries.
LABELS = {
    "name": "name",
    "tag": "tag",
    "category_name": "category",
    "holder_unit_name": "holder_unit",
    "site_name": "site",
    "room_name": "room",
    "condition": "condition",
    "status": "status",
    "model": "field_model",
    "serial": "field_serial",
    "quantity": "field_quantity",
    "unit_of_measure": "field_unit_of_measure",
    "acquisition_year": "field_acquisition_year",
    "original_cost": "field_original_cost",
    "remaining_value": "field_remaining_value",
    "funding_source": "field_funding_source",
    "custodian": "field_custodian",
    "ownership": "field_ownership",
    "dispute_reason": "ho_dispute_reason",
    "giver_signer_name": "ho_giver_signer",
    "receiver_signer_name": "ho_receiver_signer",
}
# Values that are names of choices: shown by the choice's text.
_CHOICES = {"condition": "condition_", "status": "status_", "ownership": "ownership_"}


def _shown(column: str, value: Any, t: dict[str, str]) -> str:
    if value is None or value == "":
        return t["none"]
    prefix = _CHOICES.get(column)
    if prefix:
        return t.get(prefix + str(value), str(value))
    if column in ("original_cost", "remaining_value") and isinstance(value, int):
        return f"{value:,}".replace(",", ".") + " đ"
    return str(value)


def changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, t: dict[str, str]
) -> list[dict[str, str]]:
    """(field, old, new) of each field an event changed, labelled for the user."""
    if not before or not after:
        return []
    return [
        {
            "field": t[label],
            "old": _shown(column, before.get(column), t),
            "new": _shown(column, after.get(column), t),
        }
        for column, label in LABELS.items()
        if column in after and before.get(column) != after.get(column)
    ]


def events(found: Iterable[EventRead], t: dict[str, str]) -> list[dict[str, Any]]:
    """An asset's events as its history pages list them: when, who, what changed, the
    note of a report and the photo of a photo event."""
    return [
        {
            "at": when(e.at),
            "actor": e.actor_name or e.actor_login,
            "action": e.action,
            "changes": changes(e.before, e.after, t),
            "note": (e.after or {}).get("note") if e.action == "report" else None,
            "photo_id": (e.after or {}).get("photo_id") if e.action == "photo" else None,
        }
        for e in found
    ]
