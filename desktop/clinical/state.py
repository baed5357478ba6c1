"""Treatment state at `as_of` (clinical-rules.md §3) and the courses of treatment (data errors: `data_errors.py`).

The timeline is a list of *courses*, each opened by the first cycle or by an event and ended by the next one:
- the initial on-therapy course opens at the first cycle (when no event precedes it);
- every event opens a course whose state it names (`rechallenge` → on_therapy, `discontinuation` →
  off_therapy, `hsct` → transplanted, …); same-date events rank rechallenge < discontinuation <
  hematologic_relapse < hsct < lost_to_follow_up (< death), the later wins;
- `death` is final: later records are ignored (and reported as data errors).
The state is that of the last course (`not_started` without any). The cycles of an on-therapy course are those
starting on or after its opening and before its end; the schedule counts cycle k of a course from them.

Readings of the rules text:
- A `rechallenge` makes the state `on_therapy` at once, before the new course's first cycle ("the latest event
  decides"); the new course's cycle 1 is the first cycle on or after it.
- Events dated before the first cycle open their own course (e.g. an `hsct` before venetoclax gives
  `transplanted`, "the latest event decides"); cycles after a stop event without a `rechallenge` do not reopen
  therapy (they are data errors, and the patient keeps the state of the latest event).
- A cycle on the rechallenge date belongs to the new course.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from desktop.domain import Patient

TreatmentState = Literal["not_started", "on_therapy", "off_therapy", "transplanted", "relapsed", "deceased", "lost"]

#: Same-date ranking of events: the higher rank is the later one (death last, it is final anyway).
EVENT_RANK: dict[str, int] = {
    "rechallenge": 0,
    "discontinuation": 1,
    "hematologic_relapse": 2,
    "hsct": 3,
    "lost_to_follow_up": 4,
    "death": 5,
}
STATE_AFTER_EVENT: dict[str, TreatmentState] = {
    "rechallenge": "on_therapy",
    "discontinuation": "off_therapy",
    "hematologic_relapse": "relapsed",
    "hsct": "transplanted",
    "lost_to_follow_up": "lost",
    "death": "deceased",
}
FIRST_CYCLE = "first_cycle"
_new = tuple.__new__  # builds NamedTuples without the Python-level __new__ (hot path)


class CycleStart(NamedTuple):
    """A cycle reduced to what the rules need."""

    date: dt.date
    number: int


class Course(NamedTuple):
    """A stretch of the timeline in one state, from its opening (first cycle or event) to the next one."""

    state: TreatmentState
    opened_on: dt.date
    opened_by: str  # "first_cycle" or an event type
    end: dt.date | None  # None for the current course
    cycles: tuple[CycleStart, ...]  # on-therapy courses: its cycles in date order

    @property
    def first_cycle(self) -> CycleStart | None:
        """The course's first cycle (on-therapy courses), if one has started."""
        return self.cycles[0] if self.cycles else None


@dataclass(frozen=True, slots=True)
class TreatmentStatus:
    """Treatment state at `as_of` with the timeline that led to it."""

    as_of: dt.date
    state: TreatmentState
    since: dt.date | None  # date of the opening of the current course
    cycles_started: int  # cycles (all courses) with start_date ≤ as_of
    courses: tuple[Course, ...]

    @property
    def current_course(self) -> Course | None:
        """The last course (None when not started)."""
        return self.courses[-1] if self.courses else None

    @property
    def course_start(self) -> dt.date | None:
        """Start of the current course's first cycle while on therapy (None otherwise or before its first cycle)."""
        course = self.current_course
        if course is None or course.state != "on_therapy" or not course.cycles:
            return None
        return course.cycles[0].date

    def describe(self) -> str:
        """One line such as `on therapy since 2022-02-11 (cycle 1)` or `off therapy: discontinuation on …`."""
        course = self.current_course
        if course is None:
            return f"not started: no cycle started by {self.as_of}"
        if course.state == "on_therapy":
            first = course.first_cycle
            if first is None:
                return f"on therapy: rechallenge on {course.opened_on}, no cycle started since"
            if course.opened_by == "rechallenge":
                return f"on therapy since the rechallenge of {course.opened_on} (cycle {first.number} on {first.date})"
            return f"on therapy since cycle {first.number} on {first.date}"
        event = course.opened_by.replace("_", " ")
        label = {"off_therapy": "off therapy", "lost": "lost to follow-up"}.get(course.state, course.state)
        return f"{label}: {event} on {course.opened_on}"


def _timeline_inputs(patient: Patient, as_of: dt.date) -> tuple[list[CycleStart], list[tuple[dt.date, int, str]]]:
    cycles = sorted([_new(CycleStart, (c.start_date, c.number)) for c in patient.cycles if c.start_date <= as_of])
    events: list[tuple[dt.date, int, str]] = sorted(
        (e.date, EVENT_RANK[e.type], str(e.type)) for e in patient.events if e.date <= as_of
    )
    return cycles, events


def _courses(cycles: Sequence[CycleStart], events: Sequence[tuple[dt.date, int, str]]) -> tuple[Course, ...]:
    openings: list[tuple[dt.date, str]] = []
    if cycles and (not events or cycles[0].date <= events[0][0]):
        openings.append((cycles[0].date, FIRST_CYCLE))
    for date, _, kind in events:
        openings.append((date, kind))
        if kind == "death":
            break
    cycle_dates = [c.date for c in cycles]
    courses = []
    for index, (opened_on, opened_by) in enumerate(openings):
        end = openings[index + 1][0] if index + 1 < len(openings) else None
        state: TreatmentState = "on_therapy" if opened_by == FIRST_CYCLE else STATE_AFTER_EVENT[opened_by]
        course_cycles: tuple[CycleStart, ...] = ()
        if state == "on_therapy":
            low = bisect_left(cycle_dates, opened_on)
            high = len(cycle_dates) if end is None else bisect_left(cycle_dates, end)
            course_cycles = tuple(cycles[low:high])
        courses.append(Course(state, opened_on, opened_by, end, course_cycles))
    return tuple(courses)


def _status(
    as_of: dt.date, cycles: Sequence[CycleStart], events: Sequence[tuple[dt.date, int, str]]
) -> TreatmentStatus:
    courses = _courses(cycles, events)
    if not courses:
        return TreatmentStatus(as_of, "not_started", None, len(cycles), courses)
    return TreatmentStatus(as_of, courses[-1].state, courses[-1].opened_on, len(cycles), courses)


def treatment_status(patient: Patient, as_of: dt.date) -> TreatmentStatus:
    """The treatment state at `as_of` from the cycles and events dated on or before it."""
    cycles, events = _timeline_inputs(patient, as_of)
    return _status(as_of, cycles, events)
