"""Treatment state at as_of (clinical-rules.md §3) and data-consistency checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient

from desktop.clinical import evaluate_eligibility, treatment_status

D = dt.date.fromisoformat
# 12 cycles every 28 days from 2023-01-02: cycle 12 starts 2023-11-20.


@pytest.mark.parametrize(
    ("build", "as_of", "state", "since"),
    [
        ({}, "2024-01-01", "not_started", None),
        ({"cycles": 1}, "2023-01-01", "not_started", None),  # first cycle after as_of
        ({"cycles": 1}, "2023-01-02", "on_therapy", "2023-01-02"),  # started on as_of
        ({"cycles": 12, "events": [("2023-12-20", "discontinuation")]}, "2023-12-19", "on_therapy", "2023-01-02"),
        ({"cycles": 12, "events": [("2023-12-20", "discontinuation")]}, "2023-12-20", "off_therapy", "2023-12-20"),
        ({"cycles": 12, "events": [("2023-12-20", "hsct")]}, "2024-01-01", "transplanted", "2023-12-20"),
        ({"cycles": 12, "events": [("2023-12-20", "hematologic_relapse")]}, "2024-01-01", "relapsed", "2023-12-20"),
        ({"cycles": 12, "events": [("2023-12-20", "lost_to_follow_up")]}, "2024-01-01", "lost", "2023-12-20"),
        ({"cycles": 12, "events": [("2023-12-20", "death")]}, "2024-01-01", "deceased", "2023-12-20"),
        (
            {"cycles": 12, "events": [("2023-06-01", "discontinuation"), ("2023-05-01", "rechallenge")]},
            "2024-01-01",
            "off_therapy",
            "2023-06-01",
        ),
        (
            {"cycles": 6, "events": [("2023-07-01", "discontinuation"), ("2024-01-10", "rechallenge")]},
            "2024-01-10",
            "on_therapy",
            "2024-01-10",
        ),
        (  # death is final, whatever follows
            {"cycles": 6, "events": [("2023-07-01", "death"), ("2023-08-01", "rechallenge")]},
            "2024-01-01",
            "deceased",
            "2023-07-01",
        ),
        ({"events": [("2023-01-05", "lost_to_follow_up")]}, "2024-01-01", "lost", "2023-01-05"),
    ],
)
def test_state_transitions(build: dict[str, Any], as_of: str, state: str, since: str | None) -> None:
    status = treatment_status(make_patient(**build), D(as_of))
    assert status.state == state
    assert status.since == (None if since is None else D(since))


@pytest.mark.parametrize(
    ("types", "state"),
    [
        (["rechallenge", "discontinuation"], "off_therapy"),
        (["discontinuation", "hematologic_relapse"], "relapsed"),
        (["hematologic_relapse", "hsct"], "transplanted"),
        (["hsct", "lost_to_follow_up"], "lost"),
        (["rechallenge", "lost_to_follow_up", "hsct", "discontinuation", "hematologic_relapse"], "lost"),
        (["lost_to_follow_up", "death"], "deceased"),
        (["death", "rechallenge"], "deceased"),
    ],
)
def test_same_date_events_rank(types: list[str], state: str) -> None:
    for order in (types, types[::-1]):
        patient = make_patient(12, events=[("2023-12-20", t) for t in order])
        assert treatment_status(patient, D("2024-01-01")).state == state


def test_rechallenge_starts_a_new_course_whose_cycles_continue_the_numbering() -> None:
    cycles = [*(f"2023-{m:02d}-01" for m in range(1, 9)), "2024-02-05", "2024-03-04"]
    patient = make_patient(cycles, events=[("2023-09-15", "discontinuation"), ("2024-02-01", "rechallenge")])
    status = treatment_status(patient, D("2024-03-10"))
    assert status.state == "on_therapy"
    assert status.cycles_started == 10
    assert status.course_start == D("2024-02-05")
    course = status.current_course
    assert course is not None and [c.number for c in course.cycles] == [9, 10]
    assert [c.state for c in status.courses] == ["on_therapy", "off_therapy", "on_therapy"]
    assert status.courses[0].end == D("2023-09-15") and len(status.courses[0].cycles) == 8
    assert "rechallenge" in status.describe() and "cycle 9" in status.describe()
    # Between the rechallenge and the first cycle of the new course.
    before = treatment_status(patient, D("2024-02-03"))
    assert before.state == "on_therapy" and before.course_start is None


def test_records_after_as_of_do_not_count() -> None:
    patient = make_patient(12, events=[("2023-12-20", "discontinuation")])
    status = treatment_status(patient, D("2023-06-01"))
    assert status.state == "on_therapy" and status.cycles_started == 6


def test_on_therapy_patient_with_a_data_error_has_insufficient_data_and_no_strategy() -> None:
    patient = make_patient([(1, "2023-01-01"), (3, "2023-02-01"), (2, "2023-03-01")], mrd=[("2023-03-15", 0)])
    result = evaluate_eligibility(patient, D("2023-05-01"))
    assert result.state == "on_therapy"
    assert result.status == "insufficient_data"
    assert result.strategy is None
    assert result.detail is not None and "cycle numbers do not increase with the start date" in result.detail
    assert result.to_json()["detail"] == result.detail
    assert result.criteria[0].id == "on_therapy"


def test_off_therapy_patient_with_a_data_error_stays_not_applicable_with_its_strategy() -> None:
    patient = make_patient(
        ["2023-01-01", "2023-02-01", "2023-04-01"],
        events=[("2023-03-01", "discontinuation")],
        mrd=[("2023-03-15", 0)],
        counts=[("2023-04-10", 2.0)],
    )
    result = evaluate_eligibility(patient, D("2023-05-01"))
    assert result.state == "off_therapy"
    assert result.status == "not_applicable"  # criterion 1 is checked first (rules §4)
    assert result.strategy == "tfr_monitoring"
    assert result.detail is None
