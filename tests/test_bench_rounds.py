"""The arithmetic of bench/rounds.py: medians, spreads, paired ratios, the order of rounds.

Pure functions and fake measures: no database, no servers.
"""

from __future__ import annotations

import random

import pytest

from bench.rounds import (
    Comparison,
    Contender,
    Sample,
    paired_ratios,
    quartiles,
    report,
    round_order,
    run_rounds,
    speed_ratio,
    spread,
)


def test_median_and_quartiles_of_an_odd_count() -> None:
    assert quartiles([5.0, 1.0, 4.0, 2.0, 3.0]) == (2.0, 3.0, 4.0)


def test_median_and_quartiles_of_an_even_count_interpolate() -> None:
    q1, median, q3 = quartiles([1.0, 2.0, 3.0, 4.0])
    assert median == pytest.approx(2.5)
    assert q1 == pytest.approx(1.75)
    assert q3 == pytest.approx(3.25)


def test_one_figure_is_its_own_spread() -> None:
    s = spread([0.8])
    assert (s.median, s.low, s.high, s.q1, s.q3) == (0.8, 0.8, 0.8, 0.8, 0.8)


def test_two_figures() -> None:
    s = spread([0.6, 0.9])
    assert s.median == pytest.approx(0.75)
    assert (s.low, s.high) == (0.6, 0.9)
    assert s.q1 == pytest.approx(0.675)
    assert s.q3 == pytest.approx(0.825)


def test_spread_ignores_the_order_of_figures() -> None:
    s = spread([0.88, 0.56, 0.67, 0.71, 0.95])
    assert s.median == pytest.approx(0.71)
    assert (s.low, s.high) == (0.56, 0.95)
    assert (s.q1, s.q3) == (pytest.approx(0.67), pytest.approx(0.88))


def test_no_figures_is_an_error() -> None:
    with pytest.raises(ValueError):
        spread([])


def test_speed_ratio_of_rates_and_of_durations() -> None:
    assert speed_ratio(750.0, 1000.0) == pytest.approx(0.75)
    # Durations: half the time is twice as fast.
    assert speed_ratio(1.0, 2.0, higher_is_better=False) == pytest.approx(2.0)


@pytest.mark.parametrize("value, baseline", [(0.0, 1.0), (1.0, 0.0), (-1.0, 1.0)])
def test_speed_ratio_needs_positive_figures(value: float, baseline: float) -> None:
    with pytest.raises(ValueError):
        speed_ratio(value, baseline)


def test_ratios_are_paired_round_by_round() -> None:
    # The median of the per-round ratios, not the ratio of the medians.
    service = [500.0, 900.0, 700.0]
    raw = [1000.0, 1000.0, 700.0]
    ratios = paired_ratios(service, raw)
    assert ratios == pytest.approx([0.5, 0.9, 1.0])
    assert spread(ratios).median == pytest.approx(0.9)
    assert spread(service).median / spread(raw).median == pytest.approx(0.7)


def test_paired_ratios_need_as_many_rounds_on_each_side() -> None:
    with pytest.raises(ValueError):
        paired_ratios([1.0, 2.0], [1.0])


def test_alternate_order_reverses_every_other_round() -> None:
    names = ["service", "raw", "bare"]
    assert [round_order(names, i) for i in range(3)] == [
        ["service", "raw", "bare"],
        ["bare", "raw", "service"],
        ["service", "raw", "bare"],
    ]


def test_shuffled_order_is_a_permutation_and_repeatable_with_a_seed() -> None:
    names = ["a", "b", "c", "d"]
    first = [round_order(names, i, "shuffle", random.Random(7)) for i in range(5)]
    again = [round_order(names, i, "shuffle", random.Random(7)) for i in range(5)]
    assert first == again
    assert all(sorted(order) == names for order in first)


def test_unknown_order_is_an_error() -> None:
    with pytest.raises(ValueError):
        round_order(["a"], 0, "random")  # type: ignore[arg-type]


def _fake(calls: list[tuple[str, int]], name: str, figures: list[float]):
    def measure(round_number: int) -> float:
        calls.append((name, round_number))
        return figures[round_number - 1]

    return measure


def test_run_rounds_interleaves_and_keeps_figures_per_round() -> None:
    calls: list[tuple[str, int]] = []
    contenders = [
        Contender("service", _fake(calls, "service", [600.0, 800.0, 700.0]), "req/s"),
        Contender("raw", _fake(calls, "raw", [1000.0, 1000.0, 1000.0]), "req/s"),
    ]
    result = run_rounds(contenders, 3, out=None)
    assert calls == [
        ("service", 1),
        ("raw", 1),
        ("raw", 2),
        ("service", 2),
        ("service", 3),
        ("raw", 3),
    ]
    assert result.orders == [["service", "raw"], ["raw", "service"], ["service", "raw"]]
    # Figures are stored by round, whatever the order they were taken in.
    assert result.values == {"service": [600.0, 800.0, 700.0], "raw": [1000.0] * 3}
    ratio = result.ratio_spread(Comparison("service", "raw"))
    assert (ratio.median, ratio.low, ratio.high) == pytest.approx((0.7, 0.6, 0.8))


def test_run_rounds_takes_samples_with_notes() -> None:
    contenders = [Contender("x", lambda r: Sample(float(r), f"note {r}"))]
    lines: list[str] = []
    result = run_rounds(contenders, 2, out=lines.append)
    assert result.values["x"] == [1.0, 2.0]
    assert result.notes["x"] == ["note 1", "note 2"]
    assert len(lines) == 2 and lines[1].endswith("note 2")


def test_run_rounds_refuses_no_rounds_and_twin_names() -> None:
    with pytest.raises(ValueError):
        run_rounds([Contender("x", lambda r: 1.0)], 0, out=None)
    with pytest.raises(ValueError):
        run_rounds([Contender("x", lambda r: 1.0), Contender("x", lambda r: 2.0)], 1, out=None)


def test_durations_compare_as_speeds() -> None:
    contenders = [
        Contender("pdf", lambda r: [2.0, 4.0, 3.0][r - 1], "s", higher_is_better=False),
        Contender("qr", lambda r: 2.0, "s", higher_is_better=False),
    ]
    result = run_rounds(contenders, 3, out=None)
    assert result.ratios(Comparison("pdf", "qr")) == pytest.approx([1.0, 0.5, 2 / 3])


def test_a_rate_does_not_compare_with_a_duration() -> None:
    contenders = [
        Contender("rate", lambda r: 1.0),
        Contender("time", lambda r: 1.0, higher_is_better=False),
    ]
    result = run_rounds(contenders, 1, out=None)
    with pytest.raises(ValueError):
        result.ratios(Comparison("rate", "time"))


def test_report_checks_the_target_against_the_median() -> None:
    # Two rounds of five below the target do not fail it; the median decides.
    service = [0.70, 0.74, 0.80, 0.82, 0.90]
    contenders = [
        Contender("service", lambda r: service[r - 1] * 1000, "req/s"),
        Contender("raw", lambda r: 1000.0, "req/s"),
    ]
    result = run_rounds(contenders, 5, out=None)
    lines: list[str] = []
    assert report(result, [Comparison("service", "raw", target=0.75)], out=lines.append)
    summary = lines[-1]
    assert "0.80x" in summary and "[0.70-0.90]" in summary and "(IQR 0.74-0.82)" in summary
    assert summary.endswith("target >= 0.75x: ok")
    assert not report(result, [Comparison("service", "raw", target=0.85)], out=lines.append)
    assert lines[-1].endswith("BELOW TARGET")
