"""Conversion between domain records and table rows (dates as ISO text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from desktop.domain import RECORD_KINDS, Patient, Record
from desktop.store.schema import RECORD_COLUMNS

PATIENT_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "mrn",
    "name",
    "birth_date",
    "sex",
    "diagnosis_date",
    "npm1_type",
    "baseline_npm1_abl1_pct",
    "co_mutations_tested",
)
_DATE_COLUMNS = frozenset({"date", "start_date", "birth_date", "diagnosis_date"})
_fromiso = dt.date.fromisoformat


def to_sql(value: Any) -> Any:
    """A Python value as stored: dates as ISO text, everything else as is."""
    return value.isoformat() if isinstance(value, dt.date) else value


def patient_row(patient: Patient) -> tuple[Any, ...]:
    """The `patients` row of a patient, in `PATIENT_COLUMNS` order."""
    return (
        patient.patient_id,
        patient.mrn,
        patient.name,
        to_sql(patient.birth_date),
        patient.sex,
        patient.diagnosis_date.isoformat(),
        patient.npm1_type,
        patient.baseline_npm1_abl1_pct,
        0 if patient.co_mutations is None else 1,
    )


def record_row(kind: str, record: Record) -> tuple[Any, ...]:
    """A record as a row of its table, in `RECORD_COLUMNS[kind]` order (without id and patient_id)."""
    return tuple(to_sql(getattr(record, column)) for column in RECORD_COLUMNS[kind])


def _builder(kind: str) -> Callable[[Sequence[Any]], Record]:
    model = RECORD_KINDS[kind]
    columns = RECORD_COLUMNS[kind]
    date_index = [i for i, c in enumerate(columns) if c in _DATE_COLUMNS]
    construct = model.model_construct

    def build(values: Sequence[Any]) -> Record:
        data = dict(zip(columns, values, strict=True))
        for i in date_index:
            data[columns[i]] = _fromiso(values[i])
        return construct(**data)

    return build


#: Row (without id and patient_id) → record, per kind; rows come from the registry, so no re-validation.
RECORD_BUILDERS = {kind: _builder(kind) for kind in RECORD_COLUMNS}


def build_patient(row: Sequence[Any], records: dict[str, list[Record]]) -> Patient:
    """A Patient from its `patients` row and its records (trusted registry data: no re-validation)."""
    data: dict[str, Any] = {}
    for column, value in zip(PATIENT_COLUMNS[:-1], row[:-1], strict=True):
        if value is not None:
            data[column] = _fromiso(value) if column in _DATE_COLUMNS else value
    tested = bool(row[-1])
    data["co_mutations"] = records.get("co_mutations", []) if tested else None
    for kind in RECORD_COLUMNS:
        if kind != "co_mutations":
            data[kind] = records.get(kind, [])
    return Patient.model_construct(**data)
