"""Create a patient, or change a patient's own fields, validated on every change as the whole patient."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import QCheckBox, QWidget

from desktop.domain import PATIENT_FIELDS, RECORD_KINDS, SEXES, Patient
from desktop.domain.validation import patient_problems
from desktop.ui.forms.constraints import error_sentence, limits
from desktop.ui.forms.dates import DateField, OptionalDateField
from desktop.ui.forms.fields import MISSING, CheckField, ChoiceField, FormField, NumberField, TextField
from desktop.ui.forms.form import GENERAL, EntryDialog, Problems

TESTED = "co_mutations_tested"
NPM1_TYPES = ("A", "B", "D")


def patient_fields(today: dt.date) -> list[FormField]:
    """The patient's own fields, in entry order."""
    return [
        TextField("patient_id", "Patient &ID", hint="Registry code of the patient (unique; not the MRN)", width=200,
                  placeholder="registry code, e.g. P0001"),
        TextField("mrn", "&MRN", optional=True, hint="Medical record number", width=200),
        TextField("name", "&Name", optional=True, hint="Last name, first name"),
        OptionalDateField("birth_date", "&Birth date", dt.date(today.year - 70, 1, 1)),
        ChoiceField("sex", "&Sex", [(s, s) for s in SEXES], none_text="not recorded"),
        DateField("diagnosis_date", "&Diagnosis date", "Date of AML diagnosis (YYYY-MM-DD)"),
        TextField("npm1_type", "NPM1 &type", NPM1_TYPES, optional=True, width=120,
                  hint="NPM1 mutation type, e.g. A, B, D; leave empty if unknown"),
        NumberField("baseline_npm1_abl1_pct", "Baseline NPM1/&ABL1", limits(Patient, "baseline_npm1_abl1_pct"),
                    unit="%", hint="NPM1mut/ABL1 × 100 at diagnosis, for the log reduction of later samples"),
        CheckField(TESTED, "&Co-mutations", "tested at diagnosis (NGS / FLT3 PCR)",
                   hint="Unchecked = not tested; checked with no co-mutation recorded = tested, none found"),
    ]  # fmt: skip


class PatientDialog(EntryDialog):
    """`PatientDialog(patient=None, taken_ids=lambda _: False, parent=None, today=None)`.

    Without a patient it creates one (`patient()` after accept); with a patient it edits the patient's own
    fields (`changes()` after accept: only what changed). `taken_ids(candidate)` is True for an id in use.
    """

    def __init__(
        self,
        patient: Patient | None = None,
        taken_ids: Callable[[str], bool] = lambda _: False,
        parent: QWidget | None = None,
        today: dt.date | None = None,
    ):
        self.original = patient
        self.taken_ids = taken_ids
        self.today = today or dt.date.today()
        title = "New patient" if patient is None else f"Edit patient — {patient.patient_id}"
        super().__init__(title, patient_fields(self.today), "Create" if patient is None else "Save", parent)
        self._patient: Patient | None = None
        if patient is None:
            self.fields["diagnosis_date"].write(self.today)
        else:
            for name in PATIENT_FIELDS:
                if name in self.fields:  # birth_year and age_over_89 come only from de-identified imports
                    self.fields[name].write(getattr(patient, name))
            self.fields[TESTED].write(patient.co_mutations is not None)
            if patient.co_mutations:
                found = len(patient.co_mutations)
                tested = self.tested_box
                tested.setEnabled(False)
                tested.setText(f"tested: {found} co-mutation{'s' if found > 1 else ''} recorded")
                tested.setToolTip("Delete the recorded co-mutations first to mark the patient as not tested")
            self.header.setText(f"Records ({_record_summary(patient)}) are edited in the patient's record lists.")
            self.header.show()
        self.finish_setup()

    @property
    def tested_box(self) -> QCheckBox:
        """The co-mutation testing check box."""
        field = self.fields[TESTED]
        assert isinstance(field, CheckField)
        return field.box

    def patient(self) -> Patient:
        """The new patient (create mode, after accept): no records; co-mutations `[]` when tested."""
        if self._patient is None:
            raise ValueError("the entry is not valid")
        return self._patient

    def changes(self) -> dict[str, Any]:
        """The changed fields (edit mode, after accept), as `Registry.update_patient` takes them."""
        if self._patient is None or self.original is None:
            raise ValueError("no valid edit of an existing patient")
        new, old = self._patient, self.original
        changed: dict[str, Any] = {n: getattr(new, n) for n in PATIENT_FIELDS if getattr(new, n) != getattr(old, n)}
        if (new.co_mutations is not None) != (old.co_mutations is not None):
            changed[TESTED] = new.co_mutations is not None
        return changed

    # ---- validation ------------------------------------------------------------------------------

    def check(self) -> Problems:
        self._patient = None
        problems: Problems = {}
        data: dict[str, Any] = {}
        for name, field in self.fields.items():
            value, problem = field.read()
            if problem:
                problems.setdefault(name, []).append(problem)
            elif value is not MISSING and name != TESTED:
                data[name] = value
        tested = self.fields[TESTED].read()[0]
        if self.original is not None:
            kept = {name: getattr(self.original, name) for name in (*RECORD_KINDS, *PATIENT_FIELDS)
                    if name not in self.fields}  # fmt: skip
            data = {**kept, **data}
        data["co_mutations"] = (data.get("co_mutations") or []) if tested else None
        try:
            candidate = Patient.model_validate(data)
        except ValidationError as error:
            for err in error.errors(include_url=False):
                name = str(err["loc"][0]) if err["loc"] else GENERAL
                if name not in problems:
                    problems.setdefault(name if name in self.fields else GENERAL, []).append(self._sentence(name, err))
            candidate = None
        pid = data.get("patient_id")
        if isinstance(pid, str) and pid and self._id_taken(pid):
            problems.setdefault("patient_id", []).append(f"Patient ID {pid} is already in the registry")
        if candidate is None or problems:
            return problems
        self._add_whole_patient_problems(candidate, problems)
        if not problems:
            self._patient = candidate
        return problems

    def _id_taken(self, pid: str) -> bool:
        if self.original is not None and pid == self.original.patient_id:
            return False
        return self.taken_ids(pid)

    def _sentence(self, name: str, error: Any) -> str:
        field = self.fields.get(name)
        if field is None:
            return f"{name}: {error['msg']}"
        return error_sentence(error, field.label, limits(Patient, name), field.unit)

    def _add_whole_patient_problems(self, candidate: Patient, problems: Problems) -> None:
        """Dates against today and the diagnosis; records dated before a changed diagnosis date."""
        early: list[dt.date] = []
        for problem in patient_problems(candidate, self.today):
            if problem.record is None and problem.field in self.fields:
                label = self.fields[problem.field].label
                problems.setdefault(problem.field, []).append(f"{label}: {problem.reason}")
            elif problem.record is not None and "before the diagnosis" in problem.reason:
                match = re.match(r"(\w+)\[(\d+)\]", problem.record)
                if match:
                    early.append(getattr(candidate, match[1])[int(match[2])].date)
            else:
                problems.setdefault(GENERAL, []).append(str(problem))
        if early:
            count = len(early)
            problems.setdefault("diagnosis_date", []).append(
                f"Diagnosis date: {count} record{'s are' if count > 1 else ' is'} dated before it "
                f"(earliest {min(early)})"
            )


def _record_summary(patient: Patient) -> str:
    counts = [f"{len(patient.cycles)} cycles", f"{len(patient.mrd)} MRD samples", f"{len(patient.counts)} counts"]
    return ", ".join(counts)
