"""The dose checks of one patient at `as_of` (clinical-rules.md §8): the latest cycle against its limit, and the
latest grade 4 cytopenia in remission with the label's advice. The panel shows them; `alerts.py` raises them."""

from __future__ import annotations

from typing import NamedTuple

from desktop.clinical.dosing import (
    CytopeniaEpisode,
    DoseLimit,
    cytopenia_advice,
    cytopenia_episodes,
    dose_above_limit,
    dose_limit,
    qualifying_episodes,
)
from desktop.clinical.facts import PatientFacts
from desktop.domain import Cycle


class DoseReview(NamedTuple):
    """The latest cycle with its dose limit, and the qualifying cytopenia episode that began during it."""

    cycle: Cycle | None
    limit: DoseLimit | None
    above_limit: bool
    episode: CytopeniaEpisode | None  # the latest qualifying episode that began on or after the latest cycle's start
    first_of_course: bool  # whether that episode is the course's first qualifying one
    qualifying_in_course: int  # qualifying episodes of the current course

    @property
    def cytopenia_advice(self) -> str | None:
        """The label's advice for the episode, if there is one."""
        return None if self.episode is None else cytopenia_advice(self.first_of_course)


def review_dose(facts: PatientFacts) -> DoseReview:
    """Dose limit of the latest cycle and grade 4 cytopenia in remission (§8), whatever the state."""
    cycle = facts.latest_cycle
    if cycle is None:
        return DoseReview(None, None, False, None, False, 0)
    patient, params, as_of = facts.patient, facts.params, facts.as_of
    limit = dose_limit(cycle, patient.medications, params, as_of)
    course = facts.status.current_course
    course_start = course.first_cycle.date if course is not None and course.first_cycle is not None else None
    qualifying = qualifying_episodes(cytopenia_episodes(facts.counts, patient.responses, as_of), course_start, params)
    during = [e for e in qualifying if e.first >= cycle.start_date]
    episode = during[-1] if during else None
    first = episode is not None and episode == qualifying[0]
    return DoseReview(cycle, limit, dose_above_limit(cycle, limit), episode, first, len(qualifying))
