"""The books' answers: an asset's card and a unit's yearly increases and decreases.
Money is whole VND; a figure's quantity is the assets' quantity (a lot counts its items)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class CardWear(msgspec.Struct):
    """One year of the asset's wear: the category's rate, the year's wear, the wear so far
    and the value remaining at the year's end."""

    year: int
    rate: float
    wear: int
    accumulated: int
    remaining: int


class CardChange(msgspec.Struct):
    """A change in the asset's history, as the card prints it (`action` is the event's)."""

    at: datetime
    action: str
    text: str
    actor: str | None
    document: str  # the handover decision a handover executed, else ""
    kind: str  # "increase", "decrease" or "" (a change within the holder's books)


class AssetCard(msgspec.Struct):
    """Thẻ tài sản cố định: the asset's identity, original cost, the wear of each year and
    the value remaining, and its changes. `maker`, `country` and `made_year` are not kept by
    the registry: they print as blanks to fill in by hand. `accessories` likewise."""

    number: str
    made_on: date
    unit_name: str
    parent_name: str | None
    asset_id: int
    tag: str | None
    name: str
    category_name: str
    form_group: str
    model: str
    serial: str
    unit_of_measure: str
    quantity: int
    year_in_use: int | None
    original_cost: int
    remaining_value: int | None
    remaining_value_given: bool
    funding_source: str
    place: str
    custodian: str
    condition: str
    status: str
    basis: str  # "Căn cứ ...": the handover or the registration the card follows
    wear: list[CardWear]
    changes: list[CardChange]
    decreased: str  # "Ghi giảm ...": the disposal or handover that took it off, else ""
    maker: str = ""
    country: str = ""
    made_year: int | None = None
    accessories: list[str] = []


class Figures(msgspec.Struct):
    """A quantity and its original cost."""

    quantity: int = 0
    original_cost: int = 0


class ChangeLine(msgspec.Struct):
    """One category's (or group's, or the unit's) year: on the books at its start, each
    increase and decrease, at its end, the year's wear and the value remaining at its end.
    opening + registered + received - handed_over - written_off = closing."""

    group: str  # form 02 group: A, B, C, D
    category_id: int | None  # None: the group's subtotal, or the total (group "")
    name: str
    opening: Figures
    registered: Figures
    received: Figures
    handed_over: Figures
    written_off: Figures
    closing: Figures
    wear: int
    remaining: int


class AssetChanges(msgspec.Struct):
    """Báo cáo tình hình tăng giảm tài sản: a unit's fixed assets in a year, by form 02
    group and category, with each group's subtotal and the total last."""

    unit_id: int
    unit_code: str
    unit_name: str
    parent_name: str | None
    year: int
    made_at: datetime
    lines: list[ChangeLine]
