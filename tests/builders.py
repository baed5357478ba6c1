"""Concise builders of valid domain patients for tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.domain import Patient, validate_patient

D0 = dt.date(2023, 1, 10)


def day(offset: int) -> dt.date:
    """The date `offset` days after the default diagnosis date."""
    return D0 + dt.timedelta(days=offset)


def patient_dict(patient_id: str = "P0001", cycles: int = 2, **overrides: Any) -> dict[str, Any]:
    """A complete patient (every optional field set) as a dict with date objects."""
    data: dict[str, Any] = {
        "patient_id": patient_id,
        "mrn": "123456",
        "name": "Rossi, Maria",
        "birth_date": dt.date(1950, 3, 2),
        "sex": "female",
        "diagnosis_date": D0,
        "npm1_type": "A",
        "baseline_npm1_abl1_pct": 250.0,
        "co_mutations": [{"gene": "FLT3-ITD", "allelic_ratio": 0.3}, {"gene": "DNMT3A", "vaf": 0.4}],
        "cycles": [
            {"number": n + 1, "start_date": day(6 + 30 * n), "regimen": "VEN-AZA", "venetoclax_dose_mg": 400.0,
             "venetoclax_days": 28, "hma_days": 7}
            for n in range(cycles)
        ],
        "mrd": [{"date": day(62), "specimen": "BM", "npm1_copies": 12.0, "abl1_copies": 84000.0}],
        "counts": [{"date": day(34), "anc": 0.4, "platelets": 35.0, "hemoglobin": 8.1, "wbc": 1.2, "blasts_pct": 2.0}],
        "responses": [{"date": day(62), "category": "CR"}],
        "adverse_events": [{"date": day(23), "term": "Febrile neutropenia", "grade": 3}],
        "events": [],
    }  # fmt: skip
    data.update(overrides)
    return data


def make_patient(patient_id: str = "P0001", cycles: int = 2, **overrides: Any) -> Patient:
    """A validated Patient."""
    return validate_patient(patient_dict(patient_id, cycles, **overrides))
