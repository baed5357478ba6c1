"""Add or edit one record of a patient, validated on every change as part of the whole patient."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import QLabel, QWidget

from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import RECORD_KINDS, Patient, Record
from desktop.domain.validation import patient_problems
from desktop.ui.forms.constraints import error_sentence, limits
from desktop.ui.forms.dose_notes import CycleDoseNote, MedicationNote
from desktop.ui.forms.fields import MISSING
from desktop.ui.forms.form import GENERAL, EntryDialog, Problems
from desktop.ui.forms.mrd_preview import MrdPreview
from desktop.ui.forms.record_fields import KIND_NAMES, new_record_values, record_fields

GENE_PATTERN_HINT = "use upper-case letters, digits and '-' only (e.g. FLT3-ITD)"


class RecordDialog(EntryDialog):
    """`RecordDialog(kind, patient, record=None, parent=None, today=None)`: add a record (record None) or edit
    `record` (prefilled; on validation it replaces the original instead of being added next to it).

    After the dialog is accepted, `record()` is the validated domain record.
    """

    def __init__(
        self,
        kind: str,
        patient: Patient,
        record: Record | None = None,
        parent: QWidget | None = None,
        today: dt.date | None = None,
        *,
        params: Parameters | None = None,
        index: int | None = None,
    ):
        if kind not in RECORD_KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        self.kind, self.patient, self.original = kind, patient, record
        self.model = RECORD_KINDS[kind]
        self.today = today or dt.date.today()
        self.params = params or DEFAULT_PARAMETERS
        existing = list(getattr(patient, kind) or [])
        self.index = index if record is not None and index is not None else _index_of(existing, record)
        self.others = [r for i, r in enumerate(existing) if i != self.index]
        name = KIND_NAMES[kind]
        title = f"Edit {name}" if record is not None else f"Add {name}"
        fields = record_fields(kind, self.params, self.today)
        super().__init__(f"{title} — {patient.patient_id}", fields, "Save" if record else "Add", parent)
        self.header.setText(f"Patient <b>{patient.patient_id}</b> · diagnosed {patient.diagnosis_date}")
        self.header.show()
        self.preview: MrdPreview | None = None
        if kind == "mrd":
            self.preview = MrdPreview(patient.baseline_npm1_abl1_pct, self.params)
            label = QLabel("NPM1/ABL1")
            self.form.addRow(label, self.preview)
        self.dose_note: CycleDoseNote | MedicationNote | None = None
        if kind == "cycles":
            self.dose_note = CycleDoseNote(self.fields, patient, self.params)
        elif kind == "medications":
            self.dose_note = MedicationNote(self.fields, patient, self.params, self.others)  # type: ignore[arg-type]
        values = (
            record.model_dump() if record is not None else new_record_values(kind, patient, self.today, self.params)
        )
        for field_name, field in self.fields.items():
            field.write(values.get(field_name))
        self._record: Record | None = None
        self.finish_setup()

    def record(self) -> Record:
        """The validated record (call after the dialog was accepted)."""
        if self._record is None:
            raise ValueError("the entry is not valid")
        return self._record

    # ---- validation ------------------------------------------------------------------------------

    def values(self) -> tuple[dict[str, Any], Problems]:
        """The typed values by field (required and empty ones left out) and problems in the text itself."""
        values: dict[str, Any] = {}
        problems: Problems = {}
        for name, field in self.fields.items():
            value, problem = field.read()
            if problem:
                problems.setdefault(name, []).append(problem)
            elif value is not MISSING:
                values[name] = value
        return values, problems

    def check(self) -> Problems:
        self._record = None
        values, problems = self.values()
        record: Record | None = None
        try:
            record = self.model.model_validate(values)
        except ValidationError as error:
            for err in error.errors(include_url=False):
                name = str(err["loc"][0]) if err["loc"] else GENERAL
                if name not in problems:  # else the text problem says it already
                    problems.setdefault(name, []).append(self._sentence(name, err))
        # The whole-patient rules run even while another field is wrong (on an unvalidated copy of the entry),
        # so a date before the diagnosis shows at once, not after the copies are fixed.
        probe = record or self.model.model_construct(**{n: values.get(n) for n in self.model.model_fields})
        candidate = self.patient.model_copy(update={self.kind: [*self.others, probe]})
        where = f"{self.kind}[{len(self.others)}]"
        for problem in patient_problems(candidate, self.today):
            name = problem.field if problem.field in self.fields else GENERAL
            if problem.record == where and not (record is None and name in problems):
                problems.setdefault(name, []).append(self._reword(name, problem.reason, probe))
        if not problems:
            self._record = record
        return problems

    def _sentence(self, name: str, error: Any) -> str:
        field = self.fields.get(name)
        if field is None:
            return f"{name}: {error['msg']}"
        hint = GENE_PATTERN_HINT if name == "gene" else ""
        return error_sentence(error, field.label, limits(self.model, name), field.unit, hint)

    def _reword(self, name: str, reason: str, record: Record) -> str:
        """A whole-patient problem as a sentence naming the field; `cycles[2]` becomes the cycle's start date."""
        label = self.fields[name].label if name in self.fields else KIND_NAMES[self.kind]
        if self.kind == "cycles" and name == "number":
            number = getattr(record, "number", None)
            same = next((c for c in self.others if getattr(c, "number", None) == number), None)
            free = max((getattr(c, "number", 0) for c in self.others), default=0) + 1
            started = f" (started {same.start_date})" if same is not None else ""
            return f"Cycle {number} is already recorded{started}; the next free number is {free}"
        reason = re.sub(r"\b\w+\[\d+\]", "another record", reason)
        return f"{label}: {reason}"

    def after_check(self) -> None:
        if self.dose_note is not None:
            self.dose_note.update(self.colour)
            if self.valid and self.dose_note.warns:
                self.summary.setText("Enter saves despite the dose warning · Esc cancels")
        if self.preview is not None:
            npm1, _ = self.fields["npm1_copies"].read()
            abl1, _ = self.fields["abl1_copies"].read()
            ok = isinstance(npm1, float) and isinstance(abl1, float)
            self.preview.show_values(npm1 if ok else None, abl1 if ok else None, self.colour)


def _index_of(records: list[Record], record: Record | None) -> int | None:
    """Position of `record` in `records`: the same object first, else the first equal one."""
    if record is None:
        return None
    for i, item in enumerate(records):
        if item is record:
            return i
    return next((i for i, item in enumerate(records) if item == record), None)
