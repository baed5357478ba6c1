"""Blood counts: same-date merging (clinical-rules.md §2) and CTCAE v5.0 grades."""

from __future__ import annotations

import datetime as dt

import pytest
from clinical_builders import blood_count

from desktop.clinical.counts import merged_counts
from desktop.clinical.ctcae import anc_grade, hemoglobin_grade, platelet_grade
from desktop.domain import BloodCount

D = dt.date.fromisoformat


def test_same_date_counts_merge_with_the_lowest_value_of_each_field() -> None:
    a = BloodCount(date=D("2024-05-01"), anc=0.8, platelets=200.0, hemoglobin=11.0, wbc=3.0)
    b = BloodCount(date=D("2024-05-01"), anc=1.5, platelets=40.0, hemoglobin=12.0, blasts_pct=1.0)
    for order in ([a, b], [b, a]):
        (merged,) = merged_counts(order, D("2024-05-01"))
        assert (merged.anc, merged.platelets, merged.hemoglobin, merged.wbc, merged.blasts_pct) == (
            0.8,
            40.0,
            11.0,
            3.0,
            1.0,
        )


def test_the_latest_count_ignores_counts_after_as_of() -> None:
    counts = [blood_count("2024-05-01", 2.0), blood_count("2024-06-01", 0.3), blood_count("2024-04-01", 1.0)]
    latest = merged_counts(counts, D("2024-05-31"))[-1]  # what PatientFacts.latest_count gives the rules
    assert latest is not None and latest.date == D("2024-05-01") and latest.anc == 2.0
    assert merged_counts(counts, D("2024-03-31")) == []


def test_merged_counts_one_per_date_in_order() -> None:
    counts = [blood_count("2024-05-01", 2.0), blood_count("2024-04-01", 1.0), blood_count("2024-05-01", 0.9)]
    merged = merged_counts(counts, D("2024-12-31"))
    assert [(m.date, m.anc) for m in merged] == [(D("2024-04-01"), 1.0), (D("2024-05-01"), 0.9)]


@pytest.mark.parametrize(
    ("anc", "grade"), [(0.49, 4), (0.5, 3), (0.99, 3), (1.0, 2), (1.49, 2), (1.5, 1), (1.79, 1), (1.8, 0), (5.0, 0)]
)
def test_anc_grade(anc: float, grade: int) -> None:
    assert anc_grade(anc) == grade


@pytest.mark.parametrize(("platelets", "grade"), [(24, 4), (25, 3), (49, 3), (50, 2), (74, 2), (75, 1), (150, 0)])
def test_platelet_grade(platelets: float, grade: int) -> None:
    assert platelet_grade(platelets) == grade


@pytest.mark.parametrize(("hemoglobin", "grade"), [(7.9, 3), (8.0, 2), (9.9, 2), (10.0, 1), (11.9, 1), (12.0, 0)])
def test_hemoglobin_grade(hemoglobin: float, grade: int) -> None:
    assert hemoglobin_grade(hemoglobin) == grade
