"""`ventrack check`: integrity and consistency of a registry, data errors of clinical-rules §3 included."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from desktop.clinical.data_errors import data_errors
from desktop.domain.validation import patient_problems
from desktop.store import Registry


class CheckProblem(NamedTuple):
    """One problem: the patient and record it concerns (None for the database itself), its date, what is wrong."""

    patient_id: str | None
    record: str | None
    date: dt.date | None
    problem: str

    def __str__(self) -> str:
        where = [part for part in (self.patient_id or "database", self.record) if part]
        if self.date is not None:
            where.append(self.date.isoformat())
        return f"{': '.join(where)}: {self.problem}"

    def to_json(self) -> dict[str, Any]:
        """`{"patient_id", "record", "date", "problem"}` (contract `check --json`)."""
        return {
            "patient_id": self.patient_id,
            "record": self.record,
            "date": None if self.date is None else self.date.isoformat(),
            "problem": self.problem,
        }


def check_registry(registry: Registry, today: dt.date | None = None) -> list[CheckProblem]:
    """Every problem found; an empty list means the registry is sound.

    Checks SQLite integrity and foreign keys, each patient's validation rules (dates, unique cycles, named by
    record and field), and the data errors of clinical-rules §3 (e.g. a cycle after a stop with no rechallenge).
    """
    today = today or dt.date.today()
    problems = [CheckProblem(None, None, None, line) for line in registry.integrity_problems()]
    for patient in registry.iter_patients():
        pid = patient.patient_id
        for p in patient_problems(patient, today):
            reason = f"{p.field}: {p.reason}" if p.field else p.reason
            problems.append(CheckProblem(pid, p.record, None, reason))
        problems.extend(
            CheckProblem(pid, error.record, error.date, f"{error.problem} (fix: {error.fix})")
            for error in data_errors(patient)
        )
    return problems
