"""`ventrack check`: integrity and consistency of a registry."""

from __future__ import annotations

import datetime as dt

from desktop.clinical.state import consistency_problems
from desktop.domain.validation import patient_problems
from desktop.store import Registry


def check_registry(registry: Registry, today: dt.date | None = None) -> list[str]:
    """Every problem found, one line each; an empty list means the registry is sound.

    Checks SQLite integrity and foreign keys, each patient's validation rules (dates, unique cycles), and
    the treatment timeline (e.g. a cycle after a discontinuation without a rechallenge).
    """
    today = today or dt.date.today()
    problems = [f"database: {line}" for line in registry.integrity_problems()]
    for patient in registry.iter_patients():
        problems.extend(str(p) for p in patient_problems(patient, today))
        problems.extend(consistency_problems(patient))
    return problems
