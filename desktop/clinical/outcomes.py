"""Outcomes of a registry at `as_of` (clinical-rules.md §9), beside the published figures.

Readings of the text:
- "First cycle" is the earliest cycle started by `as_of`, over all courses.
- Samples are taken one per date (§2): a date whose counting sample is positive has no negative sample.
- Treatment-free remission: the relapse "first of two consecutive positive evaluable samples" looks at the
  evaluable samples dated after the first discontinuation, in date order; the event is the first sample of the
  first pair of consecutive positives among them.
- Overall survival: the first `death` dated on or before `as_of` counts; records dated after `as_of` are ignored.
- Kaplan–Meier values are full-precision fractions (the contract's example shows them rounded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from desktop.clinical.kaplan_meier import KaplanMeier, Observation
from desktop.clinical.mrd import classified_samples
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import Patient

LANDMARK_CYCLES: tuple[int, ...] = (2, 4, 6)
OS_LANDMARK_CYCLE = 4
YEAR_DAYS = 365.25
TFR_END_EVENTS = frozenset({"hematologic_relapse", "rechallenge", "death"})

PUBLISHED: dict[str, Any] = {
    "source": "Othman et al., Blood 2024",
    "mrd_negative_by_cycle": {"2": 0.25, "4": 0.47, "6": 0.50},
    "tfr_at_24_months": 0.88,
    "os_at_24_months": {"negative": 0.84, "not_negative": 0.46},
}


def landmark(first_cycle: dt.date, cycles: int, params: Parameters) -> dt.date:
    """`L_k`: the first cycle's start + k × `cycle_length_days` + `assessment_window_days`."""
    return first_cycle + dt.timedelta(days=cycles * params.cycle_length_days + params.assessment_window_days)


@dataclass(frozen=True, slots=True)
class PatientOutcome:
    """What one patient contributes to the registry outcomes at `as_of`."""

    patient_id: str
    negative_by: dict[int, bool | None]  # cycle k → negative sample by L_k (None: L_k after as_of, or no cycle)
    tfr: Observation | None  # days from the first discontinuation (None: no discontinuation)
    os_group: str | None  # "negative" / "not_negative" at the cycle-4 landmark (None: not in the analysis)
    os: Observation | None  # days from L_4


def patient_outcome(patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> PatientOutcome:
    """The patient's part of §9 at `as_of`."""
    samples = classified_samples(patient.mrd, as_of, params)
    negatives = [s.date for s in samples if s.mrd_class == "negative"]
    first_cycle = min((c.start_date for c in patient.cycles if c.start_date <= as_of), default=None)
    events = sorted((e.date, e.type) for e in patient.events if e.date <= as_of)
    death = next((date for date, kind in events if kind == "death"), None)

    negative_by: dict[int, bool | None] = {}
    for k in LANDMARK_CYCLES:
        mark = None if first_cycle is None else landmark(first_cycle, k, params)
        negative_by[k] = None if mark is None or mark > as_of else any(d <= mark for d in negatives)

    tfr: Observation | None = None
    stop = next((date for date, kind in events if kind == "discontinuation"), None)
    if stop is not None:
        after = [s for s in samples if s.evaluable and s.date > stop]
        ends = [date for date, kind in events if kind in TFR_END_EVENTS and date > stop]
        relapse = next((a.date for a, b in pairwise(after) if a.positive and b.positive), None)
        if relapse is not None:
            ends.append(relapse)
        if ends:
            tfr = Observation((min(ends) - stop).days, True)
        else:
            tfr = Observation(((after[-1].date if after else stop) - stop).days, False)

    os_group: str | None = None
    os: Observation | None = None
    mark4 = None if first_cycle is None else landmark(first_cycle, OS_LANDMARK_CYCLE, params)
    if mark4 is not None and mark4 <= as_of and (death is None or death > mark4):
        os_group = "negative" if negative_by[OS_LANDMARK_CYCLE] else "not_negative"
        if death is not None:
            os = Observation((death - mark4).days, True)
        else:
            last = max(_record_dates(patient, as_of), default=mark4)
            os = Observation(max((last - mark4).days, 0), False)
    return PatientOutcome(patient.patient_id, negative_by, tfr, os_group, os)


def _record_dates(patient: Patient, as_of: dt.date) -> Iterable[dt.date]:
    """Dates of the records §9 follows a patient by: cycles, samples, counts, responses, adverse events, events."""
    for records in (patient.mrd, patient.counts, patient.responses, patient.adverse_events, patient.events):
        for record in records:
            if record.date <= as_of:
                yield record.date
    for cycle in patient.cycles:
        if cycle.start_date <= as_of:
            yield cycle.start_date


@dataclass(frozen=True, slots=True)
class RegistryOutcomes:
    """The §9 outcomes of a registry: landmark counts and Kaplan–Meier estimates."""

    as_of: dt.date
    mrd_negative_by_cycle: dict[int, tuple[int, int]]  # k → (negative, patients)
    tfr: KaplanMeier
    os_by_group: dict[str, KaplanMeier]  # "negative" / "not_negative"

    def to_json(self) -> dict[str, Any]:
        """The contract's `outcomes --json` object, with the published figures beside the site's own."""
        tfr = self.tfr
        return {
            "as_of": self.as_of.isoformat(),
            "mrd_negative_by_cycle": {
                str(k): {"negative": negative, "patients": patients}
                for k, (negative, patients) in self.mrd_negative_by_cycle.items()
            },
            "tfr": {
                "patients": len(tfr),
                "at_12_months": tfr.survival(YEAR_DAYS),
                "at_risk_12": tfr.at_risk(YEAR_DAYS),
                "at_24_months": tfr.survival(2 * YEAR_DAYS),
                "at_risk_24": tfr.at_risk(2 * YEAR_DAYS),
            },
            "os_by_cycle4_mrd": {
                group: {"patients": len(km), "at_24_months": km.survival(2 * YEAR_DAYS)}
                for group, km in self.os_by_group.items()
            },
            "published": PUBLISHED,
        }


def registry_outcomes(outcomes: Iterable[PatientOutcome], as_of: dt.date) -> RegistryOutcomes:
    """Aggregate the patients' outcomes."""
    negative = dict.fromkeys(LANDMARK_CYCLES, 0)
    patients = dict.fromkeys(LANDMARK_CYCLES, 0)
    tfr: list[Observation] = []
    os: dict[str, list[Observation]] = {"negative": [], "not_negative": []}
    for outcome in outcomes:
        for k, value in outcome.negative_by.items():
            if value is not None:
                patients[k] += 1
                negative[k] += value
        if outcome.tfr is not None:
            tfr.append(outcome.tfr)
        if outcome.os_group is not None and outcome.os is not None:
            os[outcome.os_group].append(outcome.os)
    return RegistryOutcomes(
        as_of,
        {k: (negative[k], patients[k]) for k in LANDMARK_CYCLES},
        KaplanMeier(tfr),
        {group: KaplanMeier(observations) for group, observations in os.items()},
    )


def evaluate_outcomes(
    patients: Iterable[Patient], as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS
) -> RegistryOutcomes:
    """The §9 outcomes of these patients at `as_of`."""
    return registry_outcomes((patient_outcome(p, as_of, params) for p in patients), as_of)
