"""Data errors of clinical-rules §3 (v2), boundary by boundary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient

from desktop.clinical import data_errors, evaluate_patient

D = dt.date.fromisoformat
CYCLES = ["2023-01-01", "2023-02-01", "2023-04-01"]


def errors_of(as_of: str | None = None, **build: Any) -> list[tuple[str, str]]:
    patient = make_patient(**build)
    return [(e.record, e.date.isoformat()) for e in data_errors(patient, None if as_of is None else D(as_of))]


@pytest.mark.parametrize("stop", ["discontinuation", "hsct", "hematologic_relapse", "lost_to_follow_up"])
def test_a_cycle_after_a_stop_without_rechallenge(stop: str) -> None:
    assert errors_of(cycles=CYCLES, events=[("2023-03-01", stop)]) == [("cycles[2]", "2023-04-01")]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([("2023-04-01", "discontinuation")], [], id="cycle on the stop date is not after it"),
        pytest.param([("2023-03-31", "discontinuation")], [("cycles[2]", "2023-04-01")], id="one day after"),
        pytest.param(
            [("2023-03-01", "discontinuation"), ("2023-03-20", "rechallenge")], [], id="rechallenge in between"
        ),
        pytest.param(
            [("2023-03-01", "discontinuation"), ("2023-04-01", "rechallenge")], [], id="rechallenge on the cycle date"
        ),
        pytest.param(
            [("2023-03-01", "rechallenge"), ("2023-03-01", "discontinuation")],
            [("cycles[2]", "2023-04-01")],
            id="same-date rechallenge ranks before the stop",
        ),
        pytest.param(
            [("2023-03-01", "hsct"), ("2023-03-10", "rechallenge"), ("2023-03-20", "hematologic_relapse")],
            [("cycles[2]", "2023-04-01")],
            id="a later stop needs its own rechallenge",
        ),
    ],
)
def test_restart_boundaries(events: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert errors_of(cycles=CYCLES, events=events) == expected


def test_every_late_cycle_is_named() -> None:
    found = errors_of(cycles=[*CYCLES, "2023-05-01"], events=[("2023-03-01", "discontinuation")])
    assert found == [("cycles[2]", "2023-04-01"), ("cycles[3]", "2023-05-01")]


def test_records_after_death() -> None:
    found = errors_of(
        cycles=CYCLES,
        events=[("2023-03-01", "death"), ("2023-03-01", "lost_to_follow_up"), ("2023-03-02", "hsct")],
        mrd=[("2023-03-01", 0), ("2023-03-02", 0)],
        counts=[("2023-03-05", 2.0)],
        responses=[("2023-03-06", "CR")],
        adverse_events=[("2023-03-07", 3)],  # not named by the rule
        medications=[("posaconazole", "2023-03-08")],  # nor this
    )
    assert sorted(found) == sorted(
        [
            ("cycles[2]", "2023-04-01"),  # after the death (rule 2) …
            ("cycles[2]", "2023-04-01"),  # … and after the loss to follow-up with no rechallenge (rule 1)
            ("mrd[1]", "2023-03-02"),
            ("counts[0]", "2023-03-05"),
            ("responses[0]", "2023-03-06"),
            ("events[2]", "2023-03-02"),
        ]
    )


def test_a_second_death_after_the_first_is_an_error() -> None:
    found = errors_of(cycles=CYCLES, events=[("2023-04-02", "death"), ("2023-04-03", "death")])
    assert found == [("events[1]", "2023-04-03")]


@pytest.mark.parametrize(
    ("cycles", "expected"),
    [
        ([(1, "2023-01-01"), (2, "2023-02-01"), (3, "2023-03-01")], []),
        ([(1, "2023-02-01"), (2, "2023-01-01")], [("cycles[0]", "2023-02-01")]),
        ([(2, "2023-01-01"), (1, "2023-01-01")], []),  # one date: no order to break
        ([(1, "2023-01-01"), (5, "2023-02-01"), (3, "2023-03-01"), (6, "2023-04-01")], [("cycles[2]", "2023-03-01")]),
    ],
)
def test_cycle_numbers_increase_with_start_date(cycles: list[tuple[int, str]], expected: list[tuple[str, str]]) -> None:
    assert errors_of(cycles=cycles) == expected


@pytest.mark.parametrize(
    ("event_date", "kind", "expected"),
    [
        ("2022-12-31", "hsct", [("events[0]", "2022-12-31")]),
        ("2023-01-01", "discontinuation", []),  # on the first cycle's date: not before it
        ("2022-12-31", "death", []),  # death is excepted (then every cycle is after it: rule 2)
    ],
)
def test_events_before_the_first_cycle(event_date: str, kind: str, expected: list[tuple[str, str]]) -> None:
    found = [e for e in errors_of(cycles=CYCLES[:1], events=[(event_date, kind)]) if e[0].startswith("events")]
    assert found == expected


def test_no_cycle_no_event_order_error() -> None:
    assert errors_of(events=[("2022-12-31", "hsct")]) == []


def test_only_records_up_to_as_of() -> None:
    build: dict[str, Any] = {"cycles": CYCLES, "events": [("2023-03-01", "discontinuation")]}
    assert errors_of("2023-03-31", **build) == []
    assert errors_of("2023-04-01", **build) == [("cycles[2]", "2023-04-01")]


def test_the_error_says_what_to_fix_and_the_evaluation_carries_it() -> None:
    patient = make_patient(cycles=CYCLES, events=[("2023-03-01", "discontinuation")])
    [error] = data_errors(patient)
    assert "cycle 3 (2023-04-01)" in error.problem and "discontinuation of 2023-03-01" in error.problem
    assert "rechallenge" in error.fix
    assert error.to_json("P1") == {"patient_id": "P1", "record": "cycles[2]", "date": "2023-04-01",
                                   "problem": error.problem}  # fmt: skip
    assert evaluate_patient(patient, D("2023-05-01")).data_errors == (error,)
