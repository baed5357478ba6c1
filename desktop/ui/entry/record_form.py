"""The record dialog: add or edit any record kind, validated as part of the whole patient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import QWidget

from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import RECORD_KINDS, Patient, Record
from desktop.domain.validation import patient_problems
from desktop.ui.entry.form_base import FormDialog
from desktop.ui.entry.record_specs import TITLES, defaults, record_fields


class RecordDialog(FormDialog):
    """`RecordDialog(kind, patient, record=None, parent, today)`; after `accept()`, `record()` is the new record."""

    def __init__(self, kind: str, patient: Patient, record: Record | None = None, parent: QWidget | None = None,
                 today: dt.date | None = None, params: Parameters = DEFAULT_PARAMETERS,
                 index: int | None = None):  # fmt: skip
        self.kind, self.patient, self.original, self.params = kind, patient, record, params
        verb = "Edit" if record is not None else "Add"
        super().__init__(f"{verb} {TITLES[kind].lower()} — {patient.patient_id}", record_fields(kind), parent, today)
        existing = list(getattr(patient, kind) or [])
        if index is None:
            index = existing.index(record) if record is not None and record in existing else len(existing)
        self.index = index
        values = record.model_dump() if record is not None else defaults(kind, patient, self.today,
                                                                        params.cycle_length_days)  # fmt: skip
        for name, field in self.fields.items():
            field.write(values.get(name))
        self._record: Record | None = None
        self.connect_fields()

    def record(self) -> Record:
        """The validated record (after the dialog was accepted)."""
        if self._record is None:
            raise ValueError("the form is not valid")
        return self._record

    def candidate(self, record: Record) -> Patient:
        """The patient with this record added, or replacing the edited one."""
        records = list(getattr(self.patient, self.kind) or [])
        if self.index < len(records):
            records[self.index] = record
        else:
            records.append(record)
        return self.patient.model_copy(update={self.kind: records})

    def validate(self) -> dict[str, str]:
        values, errors = self.read_fields()
        self._record = None
        self.note.setText(self._note(values))
        if errors:
            return errors
        data = {name: value for name, value in values.items() if value is not None}
        try:
            record = RECORD_KINDS[self.kind].model_validate(data)
        except ValidationError as error:
            return self.model_errors(error)
        problems = patient_problems(self.candidate(record), self.today)
        errors = self.problem_errors(problems, f"{self.kind}[{self.index}]")
        if not errors:
            self._record = record
        return errors

    def _note(self, values: dict[str, Any]) -> str:
        """MRD: the derived ratio and the adequacy of the sample, live (the rules' own thresholds)."""
        if self.kind != "mrd":
            return ""
        npm1, abl1 = values.get("npm1_copies"), values.get("abl1_copies")
        numbers = isinstance(npm1, float | int) and isinstance(abl1, float | int)
        if not numbers or npm1 < 0 or abl1 <= 0:
            return "NPM1/ABL1 is computed from the copies."
        ratio = npm1 / abl1 * 100
        text = f"NPM1/ABL1 = {ratio:.3g}%" if npm1 else "NPM1 not detected"
        minimum = self.params.abl1_min_copies
        if abl1 < minimum:
            text += (f" — ⚠ ABL1 {abl1:,.0f} < {minimum:,} copies: an undetectable result is not evaluable "
                     "(inadequate sample).")  # fmt: skip
        elif not npm1:
            text += f" — negative (ABL1 {abl1:,.0f} ≥ {minimum:,})."
        else:
            text += " — MRD-LL" if ratio < self.params.mrd_low_level_pct else " — positive"
        return text
