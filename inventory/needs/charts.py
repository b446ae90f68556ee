"""The needs overview's charts: pure data in, SVG out (pygal), no database.

A `Chart` holds what is drawn (title, bars with their labels, the unit), so the page's
table beside the chart, the PDF's bars and the SVG all show the same numbers. pygal builds
the SVG through an XML tree, so a commune's name is escaped as text, never markup; its
tooltips script is left out (the chart needs none, and the pages run no third-party
script).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from inventory.needs.schemas import CommuneSummary, ItemTotal, Overview

TOP = 20
"""Bars per chart: the communes with the largest figures (the table under the charts lists
every commune)."""

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#777",
    colors=("#2b6cb0",),
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=10,
    title_font_size=14,
)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float


@dataclass(frozen=True, slots=True)
class Chart:
    key: str  # the element id on the page, the chart's name in a route
    title: str
    unit: str
    bars: tuple[Bar, ...]


def number(value: float, digits: int = 1) -> str:
    """1234567.5 → "1.234.567,5", as Vietnamese write numbers."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _top(bars: Sequence[Bar]) -> tuple[Bar, ...]:
    """The largest first, non-zero only, at most TOP."""
    return tuple(sorted((b for b in bars if b.value > 0), key=lambda b: -b.value)[:TOP])


def shortfall_m2(communes: Sequence[CommuneSummary], title: str) -> Chart:
    bars = [Bar(c.unit.name, c.shortfall_m2) for c in communes]
    return Chart("shortfall-m2", title, "m²", _top(bars))


def shortfall_pct(communes: Sequence[CommuneSummary], title: str) -> Chart:
    bars = [Bar(c.unit.name, c.shortfall_pct) for c in communes]
    return Chart("shortfall-pct", title, "%", _top(bars))


def cost_by_item(items: Sequence[ItemTotal], title: str, millions: str) -> Chart:
    """`millions`: the unit's words ("triệu đồng"); the bars are in million VND."""
    bars = [Bar(i.name, i.estimated_cost / 1_000_000) for i in items]
    return Chart("cost-item", title, millions, _top(bars))


def cost_by_commune(communes: Sequence[CommuneSummary], title: str, millions: str) -> Chart:
    bars = [Bar(c.unit.name, c.equipment_cost / 1_000_000) for c in communes]
    return Chart("cost-commune", title, millions, _top(bars))


def _without_scripts(root: Any) -> Any:
    """pygal writes its configuration as an inline script for its tooltips; it serves
    nothing here."""
    for parent in list(root.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def requests_by_status(totals: Sequence[tuple[str, int, int]], title: str, millions: str) -> Chart:
    """Equipment requests by status: (the status's name, how many, the value asked in VND),
    in the statuses' order (a workflow reads in its order, not by size)."""
    bars = tuple(Bar(f"{name} ({n})", value / 1_000_000) for name, n, value in totals if n)
    return Chart("requests", title, millions, bars)


@dataclass(frozen=True, slots=True)
class Titles:
    """The charts' words in one language."""

    shortfall_m2: str
    shortfall_pct: str
    cost_by_item: str
    cost_by_commune: str
    millions: str


VIETNAMESE = Titles(
    "Đơn vị thiếu diện tích nhiều nhất",
    "Tỷ lệ diện tích thiếu so với định mức",
    "Kinh phí thiết bị còn thiếu theo loại",
    "Kinh phí thiết bị còn thiếu theo đơn vị",
    "triệu đồng",
)


def of_overview(overview: Overview, titles: Titles = VIETNAMESE) -> list[Chart]:
    """The overview's four charts, in the order the page and the PDF show them."""
    return [
        shortfall_m2(overview.communes, titles.shortfall_m2),
        shortfall_pct(overview.communes, titles.shortfall_pct),
        cost_by_item(overview.items, titles.cost_by_item, titles.millions),
        cost_by_commune(overview.communes, titles.cost_by_commune, titles.millions),
    ]


def svg(chart: Chart) -> str:
    """The chart as an SVG element (no XML declaration) to put inline in a page or serve."""
    bars = chart.bars
    drawn = pygal.HorizontalBar(
        style=STYLE,
        width=760,
        height=max(160, 60 + 26 * len(bars)),
        show_legend=False,
        disable_xml_declaration=True,
        js=[],
        truncate_label=40,
        print_values=True,
        print_values_position="top",
        value_formatter=number,
        margin=8,
    )
    drawn.add_xml_filter(_without_scripts)
    drawn.title = f"{chart.title} ({chart.unit})"
    # pygal draws a horizontal bar chart's first label at the bottom: reversed, the
    # largest stands on top, as in the table beside it.
    drawn.x_labels = [b.label for b in reversed(bars)]
    drawn.add(chart.unit, [b.value for b in reversed(bars)])
    return drawn.render(is_unicode=True)
