"""Interleaved benchmark rounds: the measured thing and its baselines, turn about.

On a shared machine one measurement of A followed by one of B mostly measures who else
was busy at the time. So every contender is measured once per round, the order changes
from round to round (as given, then reversed: A B C, C B A, A B C...; or shuffled), and
each comparison is the ratio of two figures taken in the same round. The report is the
median of those per-round ratios with its spread (min-max and interquartile range), and
a target is checked against the median.

    contenders = [
        Contender("service", measure_service, "req/s"),
        Contender("raw ASGI", measure_raw, "req/s"),
    ]
    result = run_rounds(contenders, rounds=5)
    report(result, [Comparison("service", "raw ASGI", target=0.75)])

A measure is called with the round number (1, 2, ...) and returns the figure, or a
Sample with the figure and a short text (latencies, say) for the per-round line.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Order = Literal["alternate", "shuffle"]


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured figure, with an optional note for the per-round line."""

    value: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Contender:
    """A named thing to measure; `higher_is_better` for rates, False for durations."""

    name: str
    measure: Callable[[int], float | Sample]
    unit: str = ""
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class Comparison:
    """`contender` against `baseline`, as a speed ratio (> 1: the contender is faster)."""

    contender: str
    baseline: str
    target: float | None = None
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or f"{self.contender} / {self.baseline}"


@dataclass(frozen=True, slots=True)
class Spread:
    """The median of some figures, their extremes and their quartiles."""

    median: float
    low: float
    high: float
    q1: float
    q3: float


@dataclass(slots=True)
class RoundsResult:
    contenders: list[Contender]
    orders: list[list[str]] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def contender(self, name: str) -> Contender:
        for contender in self.contenders:
            if contender.name == name:
                return contender
        raise KeyError(name)

    def spread(self, name: str) -> Spread:
        return spread(self.values[name])

    def ratios(self, comparison: Comparison) -> list[float]:
        contender = self.contender(comparison.contender)
        baseline = self.contender(comparison.baseline)
        if contender.higher_is_better != baseline.higher_is_better:
            raise ValueError(f"{comparison.title}: one figure is a rate, the other a duration")
        return paired_ratios(
            self.values[contender.name], self.values[baseline.name], contender.higher_is_better
        )

    def ratio_spread(self, comparison: Comparison) -> Spread:
        return spread(self.ratios(comparison))


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """Q1, median and Q3, by linear interpolation between the ordered figures.

    This is the "inclusive" method (numpy's default): with five figures, Q1 and Q3 are the
    2nd and 4th. A single figure is its own quartiles.
    """
    if not values:
        raise ValueError("no figures")
    if len(values) == 1:
        (only,) = values
        return only, only, only
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def spread(values: Sequence[float]) -> Spread:
    q1, median, q3 = quartiles(values)
    return Spread(median=median, low=min(values), high=max(values), q1=q1, q3=q3)


def speed_ratio(value: float, baseline: float, higher_is_better: bool = True) -> float:
    """How many times as fast as the baseline: rate / rate, or duration⁻¹ / duration⁻¹."""
    if value <= 0 or baseline <= 0:
        raise ValueError(f"figures must be positive to compare: {value} against {baseline}")
    return value / baseline if higher_is_better else baseline / value


def paired_ratios(
    values: Sequence[float], baselines: Sequence[float], higher_is_better: bool = True
) -> list[float]:
    """The speed ratio of each round's figure to the same round's baseline figure."""
    if len(values) != len(baselines):
        raise ValueError(f"{len(values)} figures against {len(baselines)} baseline figures")
    return [speed_ratio(v, b, higher_is_better) for v, b in zip(values, baselines, strict=True)]


def round_order(
    names: Sequence[str],
    round_index: int,
    order: Order = "alternate",
    rng: random.Random | None = None,
) -> list[str]:
    """The order of round `round_index` (0-based): as given on even rounds, reversed on
    odd ones (so no contender always runs just after another), or shuffled by `rng`."""
    if order == "alternate":
        return list(names) if round_index % 2 == 0 else list(reversed(names))
    if order == "shuffle":
        shuffled = list(names)
        (rng or random.Random()).shuffle(shuffled)
        return shuffled
    raise ValueError(f"unknown order {order!r}: alternate or shuffle")


def run_rounds(
    contenders: Sequence[Contender],
    rounds: int,
    *,
    order: Order = "alternate",
    seed: int | None = None,
    out: Callable[[str], object] | None = print,
) -> RoundsResult:
    """Measure every contender once per round, interleaved; print each figure as it comes
    (unless `out` is None) and return them all."""
    if rounds < 1:
        raise ValueError("at least one round")
    names = [c.name for c in contenders]
    if len(set(names)) != len(names):
        raise ValueError(f"contender names must differ: {names}")
    by_name = {c.name: c for c in contenders}
    width = max(len(n) for n in names)
    rng = random.Random(seed)
    result = RoundsResult(
        contenders=list(contenders),
        values={n: [] for n in names},
        notes={n: [] for n in names},
    )
    for index in range(rounds):
        this_order = round_order(names, index, order, rng)
        result.orders.append(this_order)
        for name in this_order:
            contender = by_name[name]
            figure = contender.measure(index + 1)
            sample = figure if isinstance(figure, Sample) else Sample(float(figure))
            result.values[name].append(sample.value)
            result.notes[name].append(sample.note)
            if out is not None:
                line = f"round {index + 1}/{rounds}  {name:<{width}}  {_figure(sample.value)}"
                line += f" {contender.unit}" if contender.unit else ""
                out(line + (f"  {sample.note}" if sample.note else ""))
    return result


def verdict(median: float, target: float | None) -> str:
    if target is None:
        return ""
    return "ok" if median >= target else "BELOW TARGET"


def report(
    result: RoundsResult,
    comparisons: Sequence[Comparison],
    out: Callable[[str], object] = print,
) -> bool:
    """Print the per-round ratios, the medians with their spread and the target checks.

    Returns True when every target is met by its median ratio.
    """
    rounds = len(result.orders)
    short = {c.name: chr(ord("A") + i) for i, c in enumerate(result.contenders)}
    if comparisons:
        widths = [max(len(c.title), 7) for c in comparisons]
        out("")
        out(
            f"{'round':<7}{'order':<{2 * len(short) + 2}}"
            + "".join(f"{c.title:>{w + 2}}" for c, w in zip(comparisons, widths, strict=True))
        )
        per_comparison = [result.ratios(c) for c in comparisons]
        for index in range(rounds):
            order = " ".join(short[n] for n in result.orders[index])
            cells = "".join(
                f"{f'{ratios[index]:.2f}x':>{w + 2}}"
                for ratios, w in zip(per_comparison, widths, strict=True)
            )
            out(f"{index + 1:<7}{order:<{2 * len(short) + 2}}{cells}")
        out("order: " + ", ".join(f"{letter} = {name}" for name, letter in short.items()))

    width = max(len(c.name) for c in result.contenders)
    out("")
    out(f"median of {rounds} round{'s' if rounds != 1 else ''} (min-max):")
    for contender in result.contenders:
        s = result.spread(contender.name)
        unit = f" {contender.unit}" if contender.unit else ""
        out(
            f"  {contender.name:<{width}}  {_figure(s.median)}{unit}"
            f"  ({_figure(s.low)}-{_figure(s.high)})"
        )

    all_met = True
    if comparisons:
        width = max(len(c.title) for c in comparisons)
        out("")
        out("ratios, paired per round: median [min-max] (interquartile range)")
        for comparison in comparisons:
            s = result.ratio_spread(comparison)
            line = (
                f"  {comparison.title:<{width}}  {s.median:5.2f}x"
                f"  [{s.low:.2f}-{s.high:.2f}]  (IQR {s.q1:.2f}-{s.q3:.2f})"
            )
            if comparison.target is not None:
                met = s.median >= comparison.target
                all_met = all_met and met
                line += f"  target >= {comparison.target}x: {verdict(s.median, comparison.target)}"
            out(line)
    return all_met


def _figure(value: float) -> str:
    """A figure with about four significant digits, for req/s and seconds alike."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"
