"""MRD follow-up schedule (clinical-rules.md §6): items, windows, matching, course ends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient

from desktop.clinical import ScheduleItem, build_schedule, sort_schedule

D = dt.date.fromisoformat


def listing(items: list[ScheduleItem]) -> list[tuple[str, str, str]]:
    return [(i.due_date.isoformat(), i.reason, i.status) for i in items]


def test_on_therapy_end_of_cycle_items_then_every_three_months() -> None:
    # Cycles every 28 days from 2024-01-01: cycle 2 on 01-29, 4 on 03-25, 6 on 05-20, 7 on 06-17.
    patient = make_patient(7, first_cycle="2024-01-01")
    assert listing(build_schedule(patient, D("2024-07-10"))) == [
        ("2024-02-26", "end of cycle 2", "overdue"),
        ("2024-04-22", "end of cycle 4", "overdue"),
        ("2024-06-17", "end of cycle 6", "overdue"),
        ("2024-09-17", "on therapy month 3", "upcoming"),
    ]


@pytest.mark.parametrize(
    ("cycles", "as_of", "expected"),
    [
        (1, "2024-03-01", []),  # cycle 2 not started: nothing is due yet
        (3, "2024-03-01", [("2024-02-26", "end of cycle 2", "due")]),  # cycle 4 not started
        (2, "2024-01-28", []),  # cycle 2 starts after as_of
    ],
)
def test_end_of_cycle_items_need_the_cycle_started(cycles: int, as_of: str, expected: list[Any]) -> None:
    assert listing(build_schedule(make_patient(cycles, first_cycle="2024-01-01"), D(as_of))) == expected


# End of cycle 2 (cycle 2 on 2024-01-29) is due 2024-02-26, window 2024-02-12 … 2024-03-11.
@pytest.mark.parametrize(
    ("as_of", "samples", "status"),
    [
        ("2024-02-11", [], "upcoming"),
        ("2024-02-12", [], "due"),  # window start is inclusive
        ("2024-02-26", [], "due"),
        ("2024-03-11", [], "due"),  # window end is inclusive
        ("2024-03-12", [], "overdue"),
        ("2024-03-12", [("2024-02-12", 0)], "done"),
        ("2024-03-12", [("2024-03-11", 0)], "done"),
        ("2024-03-12", [("2024-02-11", 0)], "overdue"),  # one day before the window
        ("2024-03-20", [("2024-03-12", 0)], "overdue"),  # one day after the window
        ("2024-03-12", [("2024-03-01", 0, 500)], "overdue"),  # v2: an inadequate sample satisfies no item
        ("2024-03-12", [("2024-03-01", 5000)], "done"),  # so does a positive one
        ("2024-03-05", [("2024-03-06", 0)], "due"),  # a sample after as_of does not count
    ],
)
def test_status_at_window_edges(as_of: str, samples: list[tuple[Any, ...]], status: str) -> None:
    patient = make_patient(2, first_cycle="2024-01-01", mrd=samples)
    (item,) = build_schedule(patient, D(as_of))
    assert (item.reason, item.status) == ("end of cycle 2", status)
    assert (item.window_start, item.window_end) == (D("2024-02-12"), D("2024-03-11"))
    assert (item.sample_date is not None) == (status == "done")


def test_months_after_end_of_cycle_6_are_calendar_months_without_drift() -> None:
    cycles = ["2023-06-01", "2023-07-01", "2023-08-01", "2023-09-01", "2023-10-01", "2023-11-02"]
    patient = make_patient(cycles)  # end of cycle 6 due 2023-11-30
    assert listing(build_schedule(patient, D("2024-06-30"))) == [
        ("2023-07-29", "end of cycle 2", "overdue"),
        ("2023-09-29", "end of cycle 4", "overdue"),
        ("2023-11-30", "end of cycle 6", "overdue"),
        ("2024-02-29", "on therapy month 3", "overdue"),
        ("2024-05-30", "on therapy month 6", "overdue"),
        ("2024-08-30", "on therapy month 9", "upcoming"),
    ]


def test_post_discontinuation_monthly_then_every_two_months() -> None:
    patient = make_patient(8, first_cycle="2023-05-01", events=[("2024-01-31", "discontinuation")])
    items = build_schedule(patient, D("2025-01-01"))
    assert [(d, r, s) for d, r, s in listing(items) if r.startswith("post")] == [
        ("2024-02-29", "post-discontinuation month 1", "overdue"),
        ("2024-03-31", "post-discontinuation month 2", "overdue"),
        ("2024-04-30", "post-discontinuation month 3", "overdue"),
        ("2024-05-31", "post-discontinuation month 4", "overdue"),
        ("2024-06-30", "post-discontinuation month 5", "overdue"),
        ("2024-07-31", "post-discontinuation month 6", "overdue"),
        ("2024-09-30", "post-discontinuation month 8", "overdue"),
        ("2024-11-30", "post-discontinuation month 10", "overdue"),
        ("2025-01-31", "post-discontinuation month 12", "upcoming"),
    ]
    # The on-therapy course ended on 2024-01-31: month 3 (2024-01-16) stays, month 6 (2024-04-16) is dropped.
    assert [r for _, r, _ in listing(items) if not r.startswith("post")] == [
        "end of cycle 2",
        "end of cycle 4",
        "end of cycle 6",
        "on therapy month 3",
    ]


@pytest.mark.parametrize(
    ("sample", "status"),
    [("2024-02-22", "done"), ("2024-03-07", "done"), ("2024-02-21", "overdue"), ("2024-03-08", "overdue")],
)
def test_post_discontinuation_window_is_seven_days(sample: str, status: str) -> None:
    # Month 1 after a discontinuation on 2024-01-31 is due 2024-02-29, window 02-22 … 03-07.
    patient = make_patient(8, first_cycle="2023-05-01", events=[("2024-01-31", "discontinuation")], mrd=[(sample, 0)])
    items = {i.reason: i for i in build_schedule(patient, D("2024-03-10"))}
    assert items["post-discontinuation month 1"].status == status


@pytest.mark.parametrize(
    ("stop", "month_6_listed"),
    [("2023-12-19", False), ("2023-12-20", True)],  # month 6 is due 2023-12-19: dropped when due on the stop date
)
def test_course_end_drops_items_due_on_or_after_it(stop: str, month_6_listed: bool) -> None:
    patient = make_patient(12, events=[(stop, "discontinuation")])
    reasons = [i.reason for i in build_schedule(patient, D("2024-01-10")) if i.reason.startswith("on therapy")]
    assert reasons == (["on therapy month 3", "on therapy month 6"] if month_6_listed else ["on therapy month 3"])


@pytest.mark.parametrize("event", ["hsct", "hematologic_relapse", "lost_to_follow_up", "death"])
def test_terminal_states_keep_earlier_items_and_list_nothing_upcoming(event: str) -> None:
    patient = make_patient(12, events=[("2023-10-01", event)])
    assert listing(build_schedule(patient, D("2024-06-01"))) == [
        ("2023-02-27", "end of cycle 2", "overdue"),
        ("2023-04-24", "end of cycle 4", "overdue"),
        ("2023-06-19", "end of cycle 6", "overdue"),
        ("2023-09-19", "on therapy month 3", "overdue"),
    ]


# Cycles every 14 days from 2024-01-01: end of cycle 2 due 02-12 (window 01-29 … 02-26), end of cycle 4 due 03-11
# (window 02-26 … 03-25): a sample on 02-26 lies in both windows.
@pytest.mark.parametrize(
    ("samples", "eoc2", "eoc4"),
    [
        ([("2024-02-26", 0)], "2024-02-26", None),  # the earliest unsatisfied item takes it
        ([("2024-02-12", 0), ("2024-02-26", 0)], "2024-02-12", "2024-02-26"),
        ([("2024-02-26", 0), ("2024-02-27", 0)], "2024-02-26", "2024-02-27"),
        ([("2024-02-26", 0, 50_000, "BM"), ("2024-02-26", 0, 60_000, "PB")], "2024-02-26", None),  # one per date
        ([("2024-02-20", 0), ("2024-02-21", 0)], "2024-02-20", None),  # the second is outside the next window
        ([("2024-02-27", 0), ("2024-02-26", 0)], "2024-02-26", "2024-02-27"),  # record order does not matter
    ],
)
def test_matching_takes_samples_in_date_order(samples: list[Any], eoc2: str | None, eoc4: str | None) -> None:
    patient = make_patient(4, first_cycle="2024-01-01", cycle_days=14, mrd=samples)
    items = {i.reason: i for i in build_schedule(patient, D("2024-04-01"))}
    assert items["end of cycle 2"].sample_date == (D(eoc2) if eoc2 else None)
    assert items["end of cycle 4"].sample_date == (D(eoc4) if eoc4 else None)
    assert items["end of cycle 4"].status == ("done" if eoc4 else "overdue")


def test_rechallenge_restarts_the_cycle_count_and_ends_the_post_discontinuation_course() -> None:
    cycles = [*(d.isoformat() for d in (D("2023-01-02") + dt.timedelta(days=28 * k) for k in range(8)))]
    cycles += ["2024-01-15", "2024-02-12"]
    patient = make_patient(
        cycles, events=[("2023-09-01", "discontinuation"), ("2024-01-10", "rechallenge")], mrd=[("2023-10-03", 0)]
    )
    assert listing(build_schedule(patient, D("2024-02-20"))) == [
        ("2023-02-27", "end of cycle 2", "overdue"),
        ("2023-04-24", "end of cycle 4", "overdue"),
        ("2023-06-19", "end of cycle 6", "overdue"),
        ("2023-10-01", "post-discontinuation month 1", "done"),
        ("2023-11-01", "post-discontinuation month 2", "overdue"),
        ("2023-12-01", "post-discontinuation month 3", "overdue"),
        ("2024-01-01", "post-discontinuation month 4", "overdue"),
        ("2024-03-11", "end of cycle 2", "upcoming"),  # cycle 2 of the new course is cycle 10
    ]


def test_json_shape_and_order() -> None:
    patient = make_patient(7, first_cycle="2024-01-01", patient_id="P9")
    items = build_schedule(patient, D("2024-07-10"))
    assert items[0].to_json() == {
        "patient_id": "P9",
        "kind": "mrd",
        "due_date": "2024-02-26",
        "status": "overdue",
        "reason": "end of cycle 2",
    }
    assert sort_schedule(reversed(items)) == items
    other = items[0]._replace(patient_id="P0", due_date=D("2030-01-01"))
    same_day = items[0]._replace(reason="a")
    assert sort_schedule([items[0], other, same_day]) == [other, same_day, items[0]]
