"""MRD follow-up schedule (clinical-rules.md §6).

Readings of the rules text:
- Courses are those of `state.py`. An on-therapy course lists end of cycles 2, 4, 6 (cycle k counted from the
  course's first cycle, only once cycle k has started) and then every 3 months after the end-of-cycle-6 due
  date, each "N months after" computed from that due date (no month-end drift). After a discontinuation on D:
  D + 1…6 months, then D + 8, 10, … months.
- An ended course keeps its items due strictly before its end. The current course lists its items up to and
  including the first one whose window has not opened (`upcoming`); terminal courses (transplant, relapse,
  death, lost) have no items.
- Matching uses one evaluable sample per date (§2; v2: an inadequate sample satisfies no item); the "earliest"
  unsatisfied item is the one with the earliest due date (then reason).
- Status is computed from the window alone, so an unsatisfied item of an ended course whose window still holds
  `as_of` is `due`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, Literal, NamedTuple

from desktop.clinical.calendar import add_months
from desktop.clinical.facts import PatientFacts
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.clinical.state import Course
from desktop.domain import Patient

ScheduleStatus = Literal["done", "due", "overdue", "upcoming"]


class ScheduleItem(NamedTuple):
    """One MRD assessment of the schedule with its window and, when done, the sample that satisfied it."""

    patient_id: str
    due_date: dt.date
    status: ScheduleStatus
    reason: str
    window_start: dt.date
    window_end: dt.date
    sample_date: dt.date | None
    course_opened_on: dt.date
    current_course: bool
    kind: str = "mrd"

    def to_json(self) -> dict[str, Any]:
        """`{"patient_id", "kind", "due_date", "status", "reason"}` (contract shape)."""
        return {
            "patient_id": self.patient_id,
            "kind": self.kind,
            "due_date": self.due_date.isoformat(),
            "status": self.status,
            "reason": self.reason,
        }


def schedule_sort_key(item: ScheduleItem) -> tuple[str, dt.date, str]:
    """Contract order: patient, due date, then reason."""
    return (item.patient_id, item.due_date, item.reason)


def sort_schedule(items: Iterable[ScheduleItem]) -> list[ScheduleItem]:
    """Items in contract order (patient, due date, reason)."""
    return sorted(items, key=schedule_sort_key)


class _Reasons(dict[int, str]):
    """`template.format(n)` for each n, made once: a registry's schedules share a few dozen reason texts."""

    def __init__(self, template: str):
        super().__init__()
        self.template = template

    def __missing__(self, n: int) -> str:
        text = self[n] = self.template.format(n)
        return text


_END_OF_CYCLE = _Reasons("end of cycle {}")
_ON_THERAPY = _Reasons("on therapy month {}")
_POST_DISCONTINUATION = _Reasons("post-discontinuation month {}")


def _on_therapy_dues(course: Course, cycle_length: dt.timedelta) -> Iterator[tuple[dt.date, str]]:
    cycles = course.cycles
    for k in (2, 4, 6):
        if len(cycles) < k:
            return
        yield cycles[k - 1].date + cycle_length, _END_OF_CYCLE[k]
    base = cycles[5].date + cycle_length
    months = 3
    while True:
        yield add_months(base, months), _ON_THERAPY[months]
        months += 3


def _post_discontinuation_dues(course: Course) -> Iterator[tuple[dt.date, str]]:
    months = 1
    while True:
        yield add_months(course.opened_on, months), _POST_DISCONTINUATION[months]
        months = months + 1 if months < 6 else months + 2


class _Windows(dict[tuple[dt.date, int], tuple[dt.date, dt.date, dt.date]]):
    """(due, ± days) → (due, window start, window end), one shared set of date objects per window: a registry's
    schedules fall on a few thousand dates, so 10,000 patients' items share them (less memory, and less to send
    back from the app's helper processes)."""

    def __missing__(self, key: tuple[dt.date, int]) -> tuple[dt.date, dt.date, dt.date]:
        due, days = key
        width = dt.timedelta(days=days)
        window = self[key] = (due, due - width, due + width)
        return window


_WINDOWS = _Windows()

# A planned item: (due, reason, window start, window end, course opened on, current course?, window days).
_Planned = tuple[dt.date, str, dt.date, dt.date, dt.date, bool, int]
_new = tuple.__new__  # builds NamedTuples without the Python-level __new__ (hot path)


def _planned_items(facts: PatientFacts) -> list[_Planned]:
    params, as_of = facts.params, facts.as_of
    cycle_length = dt.timedelta(days=params.cycle_length_days)
    courses = facts.status.courses
    planned: list[_Planned] = []
    last = len(courses) - 1
    for index, course in enumerate(courses):
        dues: Iterator[tuple[dt.date, str]]
        if course.state == "on_therapy":
            dues, window = _on_therapy_dues(course, cycle_length), params.assessment_window_days
        elif course.state == "off_therapy":
            dues, window = _post_discontinuation_dues(course), params.tfr_window_days
        else:
            continue
        end, opened_on, current = course.end, course.opened_on, index == last
        for due, reason in dues:
            if end is not None and due >= end:
                break
            due, start, window_end = _WINDOWS[due, window]
            planned.append((due, reason, start, window_end, opened_on, current, window))
            if current and start > as_of:
                break  # the next item of the current course: its window is still ahead
    # Courses follow each other and an item is due after its course opens and before it ends, so this sort only
    # settles equal due dates (by reason); it keeps the documented order whatever the data.
    planned.sort()
    return planned


def _match(planned: list[_Planned], sample_dates: list[dt.date]) -> list[dt.date | None]:
    """For each planned item, the date of the sample that satisfies it (samples in date order)."""
    satisfied: list[dt.date | None] = [None] * len(planned)
    if not planned or not sample_dates:
        return satisfied
    widest = dt.timedelta(days=max(p[6] for p in planned))
    first_open, count = 0, len(planned)
    for date in sample_dates:
        while first_open < count and (satisfied[first_open] is not None or planned[first_open][3] < date):
            first_open += 1
        latest_due = date + widest  # items due later cannot have `date` in their window
        for index in range(first_open, count):
            due, _, start, end, _, _, _ = planned[index]
            if due > latest_due:
                break
            if satisfied[index] is None and start <= date <= end:
                satisfied[index] = date
                break
    return satisfied


def schedule_from_facts(facts: PatientFacts) -> list[ScheduleItem]:
    """The schedule from precomputed facts, in contract order."""
    planned = _planned_items(facts)
    matched = _match(planned, [s.date for s in facts.mrd.evaluable])
    as_of, pid = facts.as_of, facts.patient.patient_id
    listing_upcoming = facts.status.state in ("on_therapy", "off_therapy")
    items: list[ScheduleItem] = []
    for (due, reason, start, end, opened_on, current, _), sample_date in zip(planned, matched, strict=True):
        status: ScheduleStatus
        if sample_date is not None:
            status = "done"
        elif as_of > end:
            status = "overdue"
        elif as_of >= start:
            status = "due"
        elif listing_upcoming and current:
            status = "upcoming"
        else:
            continue
        items.append(_new(ScheduleItem, (pid, due, status, reason, start, end, sample_date, opened_on, current, "mrd")))
    return items


def build_schedule(patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> list[ScheduleItem]:
    """MRD follow-up items of `patient` at `as_of`, ordered by due date (then reason)."""
    return schedule_from_facts(PatientFacts.of(patient, as_of, params))
