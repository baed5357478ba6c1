"""Venetoclax dose checks (clinical-rules.md §8, version 2): the dose limit of a cycle and grade 4 cytopenia in
remission, with the label's advice.

Readings of the text:
- Only medications with `start_date ≤ as_of` count; an end date after `as_of` is kept as recorded (it cannot
  change whether the medication overlaps a cycle that started by `as_of`).
- Posaconazole is recognised by its name whatever the lists say; the other classes by the parameter lists
  (names compared case-insensitively, surrounding spaces ignored).
- An episode's length is `end − first count` in whole days, `end` being the first later count that is not grade 4,
  or `as_of`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, NamedTuple

from desktop.clinical.counts import MergedCount
from desktop.clinical.parameters import Parameters
from desktop.domain import Cycle, Medication, Response

InteractionClass = Literal["posaconazole", "strong_cyp3a", "moderate_cyp3a", "pgp"]
POSACONAZOLE = "posaconazole"
REMISSION_CATEGORIES = frozenset({"CR", "CRh", "CRi"})
#: Grade 4 cytopenia (CTCAE v5.0): ANC below this (10^9/L) …
GRADE4_ANC = 0.5
#: … or platelets below this (10^9/L).
GRADE4_PLATELETS = 25.0
#: The label's recovery before the next cycle after a grade 4 cytopenia: grade ≤ 2.
RESUME_ANC, RESUME_PLATELETS = 1.0, 50.0
SHORTEN_BY_DAYS = 7

CLASS_LABELS: dict[str, str] = {
    "posaconazole": "posaconazole",
    "strong_cyp3a": "strong CYP3A inhibitor",
    "moderate_cyp3a": "moderate CYP3A inhibitor",
    "pgp": "P-gp inhibitor",
}


def interaction_class(name: str, params: Parameters) -> InteractionClass | None:
    """The strongest class a drug belongs to (posaconazole, strong or moderate CYP3A, P-gp), or None."""
    key = name.strip().lower()
    if key == POSACONAZOLE:
        return "posaconazole"
    if key in params.strong_cyp3a_inhibitors:
        return "strong_cyp3a"
    if key in params.moderate_cyp3a_inhibitors:
        return "moderate_cyp3a"
    if key in params.pgp_inhibitors:
        return "pgp"
    return None


_CLASS_ORDER: dict[str, int] = {"posaconazole": 0, "strong_cyp3a": 1, "moderate_cyp3a": 2, "pgp": 3}


class DoseLimit(NamedTuple):
    """The highest daily venetoclax dose of a cycle, and why."""

    limit_mg: float
    label_mg: int
    drug: str | None  # the medication that sets the limit (None: the label dose)
    drug_class: InteractionClass | None
    reason: str  # e.g. "posaconazole taken during the cycle (limit 70 mg)"

    def advice(self) -> str:
        """What the label advises for the cycle."""
        if self.drug is None:
            return f"the label dose is {self.label_mg:g} mg/day after ramp-up"
        return (
            f"give at most {self.limit_mg:g} mg/day while {self.drug} is taken, and resume {self.label_mg:g} mg/day "
            f"2–3 days after it stops"
        )


def cycle_days(cycle: Cycle, params: Parameters) -> tuple[dt.date, dt.date]:
    """The days of a cycle: `[start, start + cycle_length_days − 1]`."""
    return cycle.start_date, cycle.start_date + dt.timedelta(days=params.cycle_length_days - 1)


def taken_during(medication: Medication, first: dt.date, last: dt.date) -> bool:
    """Whether `[start_date, end_date]` (open-ended without an end) overlaps `[first, last]`."""
    return medication.start_date <= last and (medication.end_date is None or medication.end_date >= first)


def dose_limit(
    cycle: Cycle, medications: Sequence[Medication], params: Parameters, as_of: dt.date | None = None
) -> DoseLimit:
    """The dose limit of `cycle` from its regimen and the medications taken during it (§8)."""
    label = params.label_dose(cycle.regimen)
    first, last = cycle_days(cycle, params)
    found: list[tuple[int, str, InteractionClass]] = []
    for medication in medications:
        if as_of is not None and medication.start_date > as_of:
            continue
        drug_class = interaction_class(medication.name, params)
        if drug_class is not None and taken_during(medication, first, last):
            found.append((_CLASS_ORDER[drug_class], medication.name.strip().lower(), drug_class))
    if not found:
        return DoseLimit(label, label, None, None, f"label dose for {cycle.regimen}")
    _, drug, drug_class = min(found)
    if drug_class == "posaconazole":
        limit: float = params.posaconazole_dose_mg
    elif drug_class == "strong_cyp3a":
        limit = params.strong_cyp3a_dose_mg
    else:
        limit = label * params.moderate_inhibitor_factor
    what = "" if drug_class == "posaconazole" else f" ({CLASS_LABELS[drug_class]})"
    return DoseLimit(limit, label, drug, drug_class, f"{drug}{what} taken during the cycle")


def dose_above_limit(cycle: Cycle, limit: DoseLimit) -> bool:
    """Whether the cycle's recorded venetoclax dose is above its limit (no dose recorded: no)."""
    return cycle.venetoclax_dose_mg is not None and cycle.venetoclax_dose_mg > limit.limit_mg


def is_grade4(count: MergedCount) -> bool:
    """Grade 4 cytopenia: ANC < 0.5 or platelets < 25 (10^9/L)."""
    return count.anc < GRADE4_ANC or count.platelets < GRADE4_PLATELETS


class CytopeniaEpisode(NamedTuple):
    """A maximal run of grade 4 counts: from its first count to the first later count that is not grade 4
    (`recovered_on`), or to `as_of`."""

    first: dt.date
    end: dt.date
    recovered_on: dt.date | None
    counts: int
    remission: str | None  # the remission category (CR, CRh, CRi) on its first count, None when not in remission

    @property
    def days(self) -> int:
        """Its length in whole days."""
        return (self.end - self.first).days


def cytopenia_episodes(
    counts: Sequence[MergedCount], responses: Sequence[Response], as_of: dt.date
) -> list[CytopeniaEpisode]:
    """Every grade 4 episode of the merged counts dated on or before `as_of` (one per date, in date order)."""
    episodes: list[CytopeniaEpisode] = []
    first: dt.date | None = None
    run = 0
    for count in counts:
        if count.date > as_of:
            break
        if is_grade4(count):
            if first is None:
                first, run = count.date, 0
            run += 1
        elif first is not None:
            episodes.append(CytopeniaEpisode(first, count.date, count.date, run, _remission(responses, first)))
            first = None
    if first is not None:
        episodes.append(CytopeniaEpisode(first, as_of, None, run, _remission(responses, first)))
    return episodes


def _remission(responses: Sequence[Response], on: dt.date) -> str | None:
    """The remission category of the latest response on or before `on` (any of that date's), else None."""
    latest = max((r.date for r in responses if r.date <= on), default=None)
    if latest is None:
        return None
    categories = sorted({r.category for r in responses if r.date == latest} & REMISSION_CATEGORIES)
    return categories[0] if categories else None


def qualifying_episodes(
    episodes: Sequence[CytopeniaEpisode], course_start: dt.date | None, params: Parameters
) -> list[CytopeniaEpisode]:
    """Episodes in remission, lasting ≥ `cytopenia_episode_days`, that begin on or after the course's first cycle."""
    if course_start is None:
        return []
    return [
        e
        for e in episodes
        if e.remission is not None and e.days >= params.cytopenia_episode_days and e.first >= course_start
    ]


def cytopenia_advice(first_of_course: bool) -> str:
    """The label's advice after a qualifying episode (the first of the course, or a later one)."""
    delay = (
        f"delay the next cycle until ANC ≥ {RESUME_ANC:.1f} ×10^9/L and platelets ≥ {RESUME_PLATELETS:g} ×10^9/L "
        "(grade ≤ 2)"
    )
    if first_of_course:
        return f"{delay}, then resume at the same dose"
    return f"{delay}, then shorten venetoclax by {SHORTEN_BY_DAYS} days per cycle (for example 21 instead of 28 days)"
