"""Live venetoclax dose notes of the record forms (clinical-rules.md §8), computed by `desktop.clinical.dosing`:

- the cycle form: the dose limit of the cycle being typed, from the patient's medications; a dose above it is a
  warning (never an error: the clinician may decide otherwise), said with its reason and the label's advice;
- the medication form: the interaction class of the drug being typed, with its name, and a warning when a
  recorded cycle it overlaps has a dose above the limit it sets.

Warnings are in bold, in the warning colour of `desktop.ui.wording` (the colour of the dose alert in the lists);
the label's advice under a warning is plain text; a note that explains a limit is in the hint colour.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLayout, QWidget

from desktop.clinical.dosing import DoseLimit, cycle_days, dose_limit, taken_during
from desktop.clinical.parameters import Parameters
from desktop.domain import Cycle, Medication, Patient
from desktop.ui import wording
from desktop.ui.forms.fields import FormField
from desktop.ui.interactions import NOT_LISTED, interaction_text, medication_dates

WARNING_SIGN = "⚠"


def warning_colour() -> str:
    """The warning colour of the app (`wording.SEVERITY_COLOUR`), as a style-sheet colour."""
    return wording.SEVERITY_COLOUR["warning"].name()


def _note_label(name: str, wrap: bool) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.hide()
    return label


def _regimen(patient: Patient) -> str:
    """The regimen of the patient's latest cycle (VEN-AZA when there is none)."""
    latest = max(patient.cycles, key=lambda c: (c.start_date, c.number), default=None)
    return latest.regimen if latest is not None else "VEN-AZA"


def cycle_warning(cycle: Cycle, limit: DoseLimit, medications: Sequence[Medication], params: Parameters) -> str:
    """The warning of a cycle whose dose is above its limit, and why (plain text)."""
    if limit.drug is None:
        return (
            f"{WARNING_SIGN} Above the label dose of {limit.label_mg:g} mg/day for {cycle.regimen or 'this regimen'}."
        )
    first, last = cycle_days(cycle, params)
    drug = next((m for m in medications if m.name.strip().lower() == limit.drug and taken_during(m, first, last)), None)
    dates = f" ({medication_dates(drug)})" if drug is not None else ""
    reason = limit.reason.replace("during the cycle", "during this cycle")
    return f"{WARNING_SIGN} Above the {limit.limit_mg:g} mg/day limit: {reason}{dates}."


def label_advice(limit: DoseLimit) -> str:
    """The label's advice for a limit set by a drug (none for the label dose itself); saving stays possible."""
    advice = f"The label: {limit.advice()}. " if limit.drug is not None else ""
    return f"{advice}You can still save it."


def _layout_of(widget: QWidget) -> QLayout:
    """The layout a form field's widget is built with (every field has one)."""
    layout = widget.layout()
    assert layout is not None, widget
    return layout


class CycleDoseNote:
    """Under the cycle form's dose: the warning when the dose typed is above the cycle's limit, or the limit
    an interacting medication sets (hint) when it is not."""

    def __init__(self, fields: Mapping[str, FormField], patient: Patient, params: Parameters):
        self.fields, self.patient, self.params = fields, patient, params
        self.label = _note_label("dose_warning", wrap=True)
        dose = fields["venetoclax_dose_mg"]
        _layout_of(dose.widget).addWidget(self.label)
        self.limit: DoseLimit | None = None
        self.warns = False  # whether the dose typed is above the cycle's limit

    def update(self, colour: Callable[[str], str]) -> None:
        """Recompute from the typed start date, regimen and dose."""
        start, _ = self.fields["start_date"].read()
        regimen, _ = self.fields["regimen"].read()
        dose, problem = self.fields["venetoclax_dose_mg"].read()
        cycle = Cycle.model_construct(number=1, start_date=start, regimen=regimen if isinstance(regimen, str) else "")
        self.limit = dose_limit(cycle, self.patient.medications, self.params)
        known_dose = isinstance(dose, float) and problem is None
        self.warns = known_dose and dose > self.limit.limit_mg
        if self.warns:
            text = cycle_warning(cycle, self.limit, self.patient.medications, self.params)
            warning = f"<span style='color:{warning_colour()}; font-weight:600'>{html.escape(text)}</span>"
            self._show(f"{warning}<br>{html.escape(label_advice(self.limit))}", "")  # the advice in plain text
        elif self.limit.drug is not None:
            reason = self.limit.reason.replace("during the cycle", "during this cycle")
            self._show(html.escape(f"Limit {self.limit.limit_mg:g} mg/day: {reason}."), colour("hint"))
        else:
            self._show("", "")

    def _show(self, text: str, colour: str) -> None:
        self.label.setText(text)
        self.label.setStyleSheet(f"color: {colour};" if colour else "")
        self.label.setVisible(bool(text))


class MedicationNote:
    """Under the medication form's name: the drug's interaction class and the limit it sets, as it is typed, and
    a warning when a recorded cycle it overlaps has a dose above that limit."""

    def __init__(self, fields: Mapping[str, FormField], patient: Patient, params: Parameters, others: list[Medication]):
        self.fields, self.patient, self.params, self.others = fields, patient, params, others
        self.regimen = _regimen(patient)
        column = _layout_of(fields["name"].widget)
        self.label = _note_label("interaction", wrap=True)
        self.label.setMinimumHeight(self.label.fontMetrics().height())  # one line even when empty: no jump
        self.label.show()
        column.addWidget(self.label)
        self.warning = _note_label("interaction_warning", wrap=True)
        column.addWidget(self.warning)
        self.warns = False  # whether a recorded cycle is above the limit this drug sets

    def update(self, colour: Callable[[str], str]) -> None:
        """Recompute from the typed name and dates."""
        name, _ = self.fields["name"].read()
        name = name if isinstance(name, str) else ""
        text = interaction_text(name, self.params, self.regimen)
        self.label.setText(html.escape(text))
        listed = bool(text) and text != NOT_LISTED
        self.label.setStyleSheet(f"color: {colour('hint')};" if not listed else "")
        above = self.cycles_above(name) if listed else []
        if above:
            cycles = ", ".join(f"cycle {c.number} at {c.venetoclax_dose_mg:g} mg/day (limit {limit.limit_mg:g} mg/day)"
                               for c, limit in above)  # fmt: skip
            text = f"{WARNING_SIGN} Above the limit while it is taken: {cycles}. Review the dose."
            self.warning.setText(f"<span style='color:{warning_colour()}; font-weight:600'>{html.escape(text)}</span>")
        self.warns = bool(above)
        self.warning.setVisible(self.warns)

    def cycles_above(self, name: str) -> list[tuple[Cycle, DoseLimit]]:
        """The recorded cycles this medication overlaps whose dose is above the limit it sets (the other
        medications counted: a stronger one sets the limit instead, and is not this drug's warning)."""
        start, _ = self.fields["start_date"].read()
        end, _ = self.fields["end_date"].read()
        if not isinstance(start, dt.date) or (isinstance(end, dt.date) and end < start):
            return []
        candidate = Medication.model_construct(name=name, start_date=start, end_date=end)
        found = []
        for cycle in sorted(self.patient.cycles, key=lambda c: c.number):
            if cycle.venetoclax_dose_mg is None or not taken_during(candidate, *cycle_days(cycle, self.params)):
                continue
            limit = dose_limit(cycle, [*self.others, candidate], self.params)
            if limit.drug == name.strip().lower() and cycle.venetoclax_dose_mg > limit.limit_mg:
                found.append((cycle, limit))
        return found
