"""MRD samples (clinical-rules.md §2): classification, one sample per date, runs, log reduction."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from clinical_builders import mrd_sample

from desktop.clinical import DEFAULT_PARAMETERS, Parameters
from desktop.clinical.mrd import MrdHistory, classified_samples, classify, log_reduction, one_per_date

D = dt.date.fromisoformat
AS_OF = D("2024-07-01")


@pytest.mark.parametrize(
    ("npm1", "abl1", "expected"),
    [
        (0, 9_999, "inadequate"),
        (0, 10_000, "negative"),  # abl1 ≥ abl1_min_copies
        (0, 1_000_000, "negative"),
        (5, 100, "positive"),  # detected NPM1 is never inadequate, whatever the ABL1 (5 %)
        (199, 10_000, "mrd_ll"),  # 1.99 %
        (200, 10_000, "positive"),  # exactly 2.0 % is positive
        (0.5, 100_000, "mrd_ll"),
    ],
)
def test_classification(npm1: float, abl1: float, expected: str) -> None:
    assert classify(npm1, abl1, DEFAULT_PARAMETERS) == expected


def test_classification_follows_parameters() -> None:
    params = Parameters(abl1_min_copies=20_000, mrd_low_level_pct=1.0)
    assert classify(0, 15_000, params) == "inadequate"
    assert classify(150, 10_000, params) == "positive"


def test_same_date_higher_ratio_wins_whatever_the_specimen() -> None:
    bm = mrd_sample("2024-05-01", 0, 60_000, "BM")
    pb = mrd_sample("2024-05-01", 20, 50_000, "PB")
    for order in ([bm, pb], [pb, bm]):
        (chosen,) = one_per_date(order, AS_OF)
        assert chosen is pb


def test_same_date_tie_more_abl1_wins() -> None:
    small = mrd_sample("2024-05-01", 0, 8_000, "BM")  # inadequate
    large = mrd_sample("2024-05-01", 0, 80_000, "PB")  # negative
    for order in ([small, large], [large, small]):
        (chosen,) = classified_samples(order, AS_OF)
        assert chosen.mrd_class == "negative" and chosen.abl1_copies == 80_000


def test_same_date_full_tie_is_order_independent() -> None:
    bm = mrd_sample("2024-05-01", 10, 50_000, "BM")
    pb = mrd_sample("2024-05-01", 10, 50_000, "PB")
    assert one_per_date([bm, pb], AS_OF) == one_per_date([pb, bm], AS_OF) == [bm]


def test_samples_after_as_of_are_ignored_and_order_is_by_date() -> None:
    samples = [mrd_sample("2024-07-02", 50, 1000), mrd_sample("2024-03-01", 0), mrd_sample("2024-01-01", 0)]
    assert [s.date for s in one_per_date(samples, AS_OF)] == [D("2024-01-01"), D("2024-03-01")]
    assert [s.date for s in one_per_date(samples, D("2024-07-02"))][-1] == D("2024-07-02")


def history(*specs: tuple[str, float, float]) -> MrdHistory:
    return MrdHistory.of([mrd_sample(*s) for s in specs], AS_OF)


def test_history_runs_skip_inadequate_samples() -> None:
    h = history(
        ("2024-01-01", 50, 50_000), ("2024-02-01", 0, 50_000), ("2024-03-01", 0, 500), ("2024-04-01", 0, 50_000)
    )
    assert h.latest is not None and h.latest.date == D("2024-04-01")
    assert [s.date for s in h.negative_run()] == [D("2024-02-01"), D("2024-04-01")]
    assert h.positive_run() == ()
    assert h.previous_evaluable is not None and h.previous_evaluable.date == D("2024-02-01")
    assert not h.has_negative_to_positive_conversion()


def test_history_positive_run_and_conversion() -> None:
    h = history(
        ("2024-01-01", 0, 50_000), ("2024-02-01", 5, 50_000), ("2024-03-01", 0, 500), ("2024-04-01", 5000, 50_000)
    )
    assert [s.date for s in h.positive_run()] == [D("2024-02-01"), D("2024-04-01")]
    assert h.negative_run() == ()
    assert h.has_negative_to_positive_conversion()
    assert h.latest is not None and h.latest.mrd_class == "positive"
    assert h.latest_evaluable is not None and h.latest_evaluable.date == D("2024-04-01")


def test_history_of_inadequate_samples_only() -> None:
    h = history(("2024-01-01", 0, 500))
    assert h.latest is not None and h.latest_evaluable is None
    assert h.negative_run() == () and h.positive_run() == ()


@pytest.mark.parametrize(
    ("ratio", "baseline", "expected"),
    [(0.25, 250.0, 3.0), (250.0, 250.0, 0.0), (0.0, 250.0, None), (1.0, None, None)],
)
def test_log_reduction(ratio: float, baseline: float | None, expected: float | None) -> None:
    result = log_reduction(ratio, baseline)
    assert result == (None if expected is None else pytest.approx(expected))


def test_one_per_date_is_independent_of_record_order() -> None:
    samples = [
        mrd_sample("2024-01-01", 0, 60_000, "BM"),
        mrd_sample("2024-01-01", 3, 60_000, "PB"),
        mrd_sample("2024-02-01", 0, 5_000, "PB"),
        mrd_sample("2024-02-01", 0, 5_000, "BM"),
    ]
    results = {tuple(one_per_date(p, AS_OF)) for p in itertools.permutations(samples)}
    assert len(results) == 1
