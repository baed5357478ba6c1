"""What every rule needs about one patient at `as_of`, computed once (samples classified, state, counts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.clinical.counts import MergedCount, merged_counts
from desktop.clinical.data_errors import DataError, data_errors
from desktop.clinical.mrd import MrdHistory
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.clinical.state import TreatmentStatus, treatment_status
from desktop.domain import Cycle, Patient, Response


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """Precomputed facts of one patient; only records dated on or before `as_of` are in them."""

    patient: Patient
    as_of: dt.date
    params: Parameters
    status: TreatmentStatus
    mrd: MrdHistory
    counts: tuple[MergedCount, ...]  # one merged count per date, in date order
    data_errors: tuple[DataError, ...]  # clinical-rules §3

    @classmethod
    def of(cls, patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> PatientFacts:
        """Compute the facts of `patient` at `as_of`."""
        return cls(
            patient,
            as_of,
            params,
            treatment_status(patient, as_of),
            MrdHistory.of(patient.mrd, as_of, params),
            tuple(merged_counts(patient.counts, as_of)),
            tuple(data_errors(patient, as_of)),
        )

    @property
    def latest_count(self) -> MergedCount | None:
        """The merged count of the latest date."""
        return self.counts[-1] if self.counts else None

    @property
    def latest_cycle(self) -> Cycle | None:
        """The cycle with the latest start date on or before `as_of` (the higher number on a shared date)."""
        started = [c for c in self.patient.cycles if c.start_date <= self.as_of]
        return max(started, key=lambda c: (c.start_date, c.number), default=None)

    def latest_responses(self) -> tuple[Response, ...]:
        """The responses of the latest response date on or before `as_of`."""
        dated = [r for r in self.patient.responses if r.date <= self.as_of]
        latest = max((r.date for r in dated), default=None)
        return tuple(sorted((r for r in dated if r.date == latest), key=lambda r: r.category))
