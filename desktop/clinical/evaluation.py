"""One entry point for a patient's full evaluation: eligibility, schedule and alerts from shared facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from desktop.clinical.alerts import Alert, alerts_from_facts
from desktop.clinical.data_errors import DataError
from desktop.clinical.dose_review import DoseReview, review_dose
from desktop.clinical.eligibility import Eligibility, eligibility_from_facts
from desktop.clinical.facts import PatientFacts
from desktop.clinical.mrd import MrdHistory
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.clinical.schedule import ScheduleItem, schedule_from_facts
from desktop.clinical.state import TreatmentStatus
from desktop.domain import Patient


@dataclass(frozen=True, slots=True)
class PatientEvaluation:
    """Everything the rules say about one patient at `as_of`.

    Data errors (§3) never raise: an on-therapy patient's eligibility is `insufficient_data` (its `detail` says
    why) and the schedule and alerts are computed from the timeline as recorded; `data_errors` lists them.
    """

    patient_id: str
    as_of: dt.date
    params: Parameters
    state: TreatmentStatus
    mrd: MrdHistory
    eligibility: Eligibility
    schedule: list[ScheduleItem]
    alerts: list[Alert]
    data_errors: tuple[DataError, ...]
    dose: DoseReview

    def to_json(self) -> dict[str, Any]:
        """`{"eligibility": {...}, "schedule": [...], "alerts": [...]}` in contract shapes."""
        return {
            "eligibility": self.eligibility.to_json(),
            "schedule": [item.to_json() for item in self.schedule],
            "alerts": [alert.to_json() for alert in self.alerts],
        }


def evaluate_patient(patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> PatientEvaluation:
    """Evaluate every rule for `patient` at `as_of` (records dated after it are ignored)."""
    return evaluation_from_facts(PatientFacts.of(patient, as_of, params))


def evaluation_from_facts(facts: PatientFacts) -> PatientEvaluation:
    """Every rule from a patient's precomputed facts (a reader that needs one rule calls its `…_from_facts`)."""
    patient, as_of, params = facts.patient, facts.as_of, facts.params
    eligibility = eligibility_from_facts(facts)
    schedule = schedule_from_facts(facts)
    dose = review_dose(facts)
    alerts = alerts_from_facts(facts, eligibility, schedule, dose)
    return PatientEvaluation(
        patient.patient_id,
        as_of,
        params,
        facts.status,
        facts.mrd,
        eligibility,
        schedule,
        alerts,
        facts.data_errors,
        dose,
    )
