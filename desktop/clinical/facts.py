"""What every rule needs about one patient at `as_of`, computed once (samples classified, state, latest count)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.clinical.counts import MergedCount, latest_count
from desktop.clinical.mrd import MrdHistory
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.clinical.state import TreatmentStatus, analyse_treatment
from desktop.domain import Patient


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """Precomputed facts of one patient; only records dated on or before `as_of` are in them."""

    patient: Patient
    as_of: dt.date
    params: Parameters
    status: TreatmentStatus
    mrd: MrdHistory
    latest_count: MergedCount | None
    problems: tuple[str, ...]  # consistency problems (without the patient id)

    @classmethod
    def of(cls, patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> PatientFacts:
        """Compute the facts of `patient` at `as_of`."""
        status, problems = analyse_treatment(patient, as_of)
        return cls(
            patient,
            as_of,
            params,
            status,
            MrdHistory.of(patient.mrd, as_of, params),
            latest_count(patient.counts, as_of),
            tuple(problems),
        )
