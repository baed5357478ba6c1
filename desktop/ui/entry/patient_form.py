"""The patient dialog: create a patient, or edit the patient's own fields (records have their own forms)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import QCheckBox, QWidget

from desktop.domain import SEXES, Patient
from desktop.domain.validation import patient_problems
from desktop.ui.entry.fields import ChoiceField, DateField, TextField, parse_date, parse_number
from desktop.ui.entry.form_base import FormDialog

EDITABLE = ("patient_id", "mrn", "name", "birth_date", "sex", "diagnosis_date", "npm1_type", "baseline_npm1_abl1_pct")


class PatientDialog(FormDialog):
    """Create (`patient()`) or edit (`changes()`: only what changed, as `Registry.update_patient` expects)."""

    def __init__(self, patient: Patient | None = None, taken_ids: Callable[[str], bool] = lambda _: False,
                 parent: QWidget | None = None, today: dt.date | None = None):  # fmt: skip
        fields = [
            TextField("patient_id", "Patient &id", hint="Registry code, unique, 1–64 characters"),
            TextField("mrn", "&MRN", optional=True),
            TextField("name", "&Name", optional=True, placeholder="optional, e.g. Rossi, Maria"),
            TextField(
                "birth_date", "&Birth date", optional=True, placeholder="YYYY-MM-DD (optional)", parse=parse_date
            ),
            ChoiceField("sex", "&Sex", ["", *SEXES], labels={"": "not recorded"}),
            DateField("diagnosis_date", "&Diagnosis date", "Date of AML diagnosis"),
            TextField("npm1_type", "NPM1 &type", optional=True, placeholder="optional, e.g. A, B, D"),
            TextField(
                "baseline_npm1_abl1_pct",
                "Baseline NPM1/ABL1",
                "%",
                optional=True,
                parse=parse_number(),
                hint="NPM1mut/ABL1 × 100 at diagnosis, for the log reduction",
            ),
        ]
        title = f"Edit patient {patient.patient_id}" if patient else "New patient"
        super().__init__(title, fields, parent, today)
        self.original, self.taken_ids = patient, taken_ids
        self.tested = QCheckBox("Co-mutations &tested (unticked: not tested)")
        self.tested.setToolTip("Tested with none found is different from not tested: it decides a TFR criterion")
        self.form.addRow("", self.tested)
        if patient is not None:
            for name in EDITABLE:
                self.fields[name].write(getattr(patient, name))
            self.tested.setChecked(patient.co_mutations is not None)
            self.tested.setEnabled(not patient.co_mutations)  # delete the co-mutations before marking untested
        else:
            self.fields["diagnosis_date"].write(self.today)
        self.tested.toggled.connect(self.revalidate)
        self._patient: Patient | None = None
        self.connect_fields()

    def _data(self, values: dict[str, Any]) -> dict[str, Any]:
        data = {name: value for name, value in values.items() if value not in (None, "")}
        if self.original is not None:
            data = {**self.original.model_dump(), **{k: None for k in EDITABLE}, **data}
            data["co_mutations"] = (self.original.co_mutations or []) if self.tested.isChecked() else None
        else:
            data["co_mutations"] = [] if self.tested.isChecked() else None
        return data

    def validate(self) -> dict[str, str]:
        values, errors = self.read_fields()
        self._patient = None
        if errors:
            return errors
        candidate_id = values["patient_id"]
        if candidate_id and self.taken_ids(candidate_id):
            return {"patient_id": f"{candidate_id} is already in the registry"}
        try:
            patient = Patient.model_validate(self._data(values))
        except ValidationError as error:
            return self.model_errors(error)
        errors = self.problem_errors(patient_problems(patient, self.today), None)
        errors = {k: v.split(": ", 1)[-1] if k else v for k, v in errors.items()}
        if not errors:
            self._patient = patient
        return errors

    def patient(self) -> Patient:
        """The new patient (create mode, after accept)."""
        if self._patient is None:
            raise ValueError("the form is not valid")
        return self._patient

    def changes(self) -> dict[str, Any]:
        """The changed fields (edit mode, after accept); `co_mutations_tested` when the testing status changed."""
        if self._patient is None or self.original is None:
            raise ValueError("the form is not valid")
        changed = {name: getattr(self._patient, name) for name in EDITABLE
                   if getattr(self._patient, name) != getattr(self.original, name)}  # fmt: skip
        if (self._patient.co_mutations is None) != (self.original.co_mutations is None):
            changed["co_mutations_tested"] = self._patient.co_mutations is not None
        return changed
