"""The medication form (name with the interaction lists, start, end or ongoing, problems beside their field) and the
cycle form's live venetoclax dose warning (clinical-rules.md §8), through `RecordDialog`."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import Cycle, Medication
from desktop.ui import wording
from desktop.ui.forms import RecordDialog
from desktop.ui.forms.fields import MISSING
from desktop.ui.forms.record_fields import interacting_drugs
from tests.builders import day, make_patient
from tests.ui.conftest import TODAY

WARNING = wording.SEVERITY_COLOUR["warning"].name()


def medication(name: str, start: int, end: int | None = None) -> dict:
    return {"name": name, "start_date": day(start), "end_date": None if end is None else day(end)}


def open_dialog(qtbot, kind, patient, record=None, params=None) -> RecordDialog:
    dialog = RecordDialog(kind, patient, record, today=TODAY, params=params)
    qtbot.addWidget(dialog)
    return dialog


def type_into(qtbot, dialog, name, text):
    line = dialog.fields[name].line
    line.selectAll()
    qtbot.keyClicks(line, text)


def message(dialog, name) -> str:
    label = dialog.fields[name].error
    return label.text() if label.isVisibleTo(dialog) else ""


def shown(label) -> str:
    return label.text() if not label.isHidden() else ""


# ---- the medication form ---------------------------------------------------------------------------------


def test_a_new_medication_starts_today_ongoing_and_asks_for_its_name(qtbot):
    dialog = open_dialog(qtbot, "medications", make_patient("P1", cycles=3))
    assert dialog.windowTitle() == "Add medication — P1"
    assert {n: f.read()[0] for n, f in dialog.fields.items()} == {"name": MISSING, "start_date": TODAY,
                                                                  "end_date": None}  # fmt: skip
    end = dialog.fields["end_date"]
    assert end.ongoing.isChecked() and end.ongoing.text() == "ongoing" and not end.date_edit.isEnabled()
    assert not dialog.ok_button.isEnabled() and dialog.summary.text() == "To fill in: Medication."
    assert all(message(dialog, name) == "" for name in dialog.fields)
    type_into(qtbot, dialog, "name", "Posaconazole")
    dialog.ok_button.click()
    assert dialog.record() == Medication(name="Posaconazole", start_date=TODAY)


def test_the_name_completes_from_the_interaction_lists_in_any_case(qtbot):
    params = Parameters(strong_cyp3a_inhibitors=("voriconazole", "nirmatrelvir"))
    dialog = open_dialog(qtbot, "medications", make_patient("P1"), params=params)
    completer = dialog.fields["name"].combo.completer()
    names = completer.model().stringList()
    assert names == interacting_drugs(params) == sorted(names)
    assert {"posaconazole", "nirmatrelvir", "fluconazole", "amiodarone"} <= set(names)
    assert "itraconazole" not in names  # the registry's lists, not the defaults
    assert completer.caseSensitivity() == Qt.CaseSensitivity.CaseInsensitive
    completer.setCompletionPrefix("NIRMA")
    assert completer.currentCompletion() == "nirmatrelvir"
    type_into(qtbot, dialog, "name", "Nirmatrelvir")
    assert dialog.dose_note.label.text() == "strong CYP3A inhibitor: venetoclax limit 100 mg/day"


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("Voriconazole", "strong CYP3A inhibitor: venetoclax limit 100 mg/day"),
        ("posaconazole", "posaconazole: venetoclax limit 70 mg/day"),
        ("fluconazole", "moderate CYP3A inhibitor: venetoclax limit 200 mg/day (50 % of 400)"),
        ("amiodarone ", "P-gp inhibitor: venetoclax limit 200 mg/day (50 % of 400)"),
        ("paracetamol", "not on the interaction lists"),
    ],
)
def test_the_interaction_class_shows_with_the_name_as_it_is_typed(qtbot, typed, note):
    dialog = open_dialog(qtbot, "medications", make_patient("P1", cycles=3))
    label = dialog.dose_note.label
    assert label.isVisibleTo(dialog) and label.text() == ""
    assert dialog.fields["name"].widget.isAncestorOf(label)  # with the name, like its messages
    type_into(qtbot, dialog, "name", typed)
    assert label.text() == note
    assert dialog.ok_button.isEnabled()  # a note, never a problem


def test_a_limit_of_half_the_label_dose_follows_the_patients_regimen(qtbot):
    patient = make_patient("P1", cycles=0).model_copy(
        update={"cycles": [Cycle(number=1, start_date=day(6), regimen="VEN-LDAC", venetoclax_dose_mg=600.0)]}
    )
    dialog = open_dialog(qtbot, "medications", patient)
    type_into(qtbot, dialog, "name", "fluconazole")
    assert dialog.dose_note.label.text() == "moderate CYP3A inhibitor: venetoclax limit 300 mg/day (50 % of 600)"


def test_an_end_before_the_start_is_written_beside_the_end_date(qtbot):
    dialog = open_dialog(qtbot, "medications", make_patient("P1"))
    type_into(qtbot, dialog, "name", "fluconazole")
    end = dialog.fields["end_date"]
    end.ongoing.setChecked(False)
    assert end.date_edit.isEnabled() and end.read() == (TODAY, None)  # unchecked: today, to change
    dialog.fields["start_date"].write(day(100))
    end.write(day(90))
    assert message(dialog, "end_date") == f"End date: {day(90)} is before the start date {day(100)}"
    assert not dialog.ok_button.isEnabled() and "End date" in dialog.summary.text()
    end.write(day(120))
    assert message(dialog, "end_date") == "" and dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert dialog.record() == Medication(name="fluconazole", start_date=day(100), end_date=day(120))


def test_dates_before_the_diagnosis_or_in_the_future_are_flagged_on_their_field(qtbot):
    dialog = open_dialog(qtbot, "medications", make_patient("P1"))
    type_into(qtbot, dialog, "name", "fluconazole")
    dialog.fields["start_date"].write(day(-5))
    assert message(dialog, "start_date") == f"Start date: {day(-5)} is before the diagnosis date {day(0)}"
    dialog.fields["start_date"].write(TODAY + dt.timedelta(days=1))
    assert message(dialog, "start_date").endswith(f"is in the future (today is {TODAY})")
    assert not dialog.ok_button.isEnabled()
    dialog.fields["start_date"].write(TODAY)
    dialog.fields["end_date"].write(TODAY + dt.timedelta(days=3))
    assert (
        message(dialog, "end_date") == f"End date: {TODAY + dt.timedelta(days=3)} is in the future (today is {TODAY})"
    )
    assert not dialog.ok_button.isEnabled()
    dialog.fields["end_date"].ongoing.setChecked(True)
    assert dialog.ok_button.isEnabled() and dialog.record().end_date is None


def test_edit_mode_shows_ongoing_or_the_end_date_and_can_stop_a_drug(qtbot):
    patient = make_patient("P1", medications=[medication("posaconazole", 6), medication("fluconazole", 30, 40)])
    ongoing, ended = patient.medications
    dialog = open_dialog(qtbot, "medications", patient, ongoing)
    assert dialog.windowTitle() == "Edit medication — P1" and dialog.valid and dialog.record() == ongoing
    assert dialog.fields["end_date"].ongoing.isChecked()
    dialog.fields["end_date"].ongoing.setChecked(False)
    dialog.fields["end_date"].write(day(50))
    assert dialog.record() == ongoing.model_copy(update={"end_date": day(50)})
    dialog = open_dialog(qtbot, "medications", patient, ended)
    assert not dialog.fields["end_date"].ongoing.isChecked() and dialog.fields["end_date"].read()[0] == day(40)
    assert dialog.record() == ended


def test_a_recorded_cycle_above_the_limit_the_drug_sets_is_warned_not_refused(qtbot):
    dialog = open_dialog(qtbot, "medications", make_patient("P1", cycles=3))  # cycles of 400 mg from day 6, 36, 66
    type_into(qtbot, dialog, "name", "clarithromycin")
    dialog.fields["start_date"].write(day(40))
    warning = dialog.dose_note.warning
    assert shown(warning).endswith(
        "Above the limit while it is taken: cycle 2 at 400 mg/day (limit 100 mg/day), cycle 3 at 400 mg/day "
        "(limit 100 mg/day). Review the dose.</span>"
    )
    assert WARNING in warning.text() and "font-weight:600" in warning.text()
    assert dialog.ok_button.isEnabled() and dialog.summary.text().startswith("Enter saves despite the dose warning")
    dialog.fields["end_date"].ongoing.setChecked(False)
    dialog.fields["end_date"].write(day(50))  # cycle 2 only
    assert "cycle 2 at 400 mg/day" in shown(warning) and "cycle 3" not in shown(warning)
    type_into(qtbot, dialog, "name", "paracetamol")
    assert shown(warning) == "" and dialog.summary.text() == "Enter saves · Esc cancels"


def test_a_stronger_drug_already_recorded_sets_the_limit_not_the_one_typed(qtbot):
    patient = make_patient("P1", cycles=3, medications=[medication("posaconazole", 30)])
    dialog = open_dialog(qtbot, "medications", patient)
    type_into(qtbot, dialog, "name", "fluconazole")
    dialog.fields["start_date"].write(day(40))
    assert shown(dialog.dose_note.warning) == ""  # posaconazole's 70 mg limit is the cycle's, not fluconazole's


# ---- the cycle form's dose warning ---------------------------------------------------------------------------


def test_a_dose_above_the_limit_warns_beside_the_dose_with_the_reason_and_the_label(qtbot):
    patient = make_patient("P1", cycles=3, medications=[medication("posaconazole", 60)])
    dialog = open_dialog(qtbot, "cycles", patient)  # cycle 4 from day 94, 400 mg copied from cycle 3
    note = dialog.dose_note.label
    assert dialog.fields["venetoclax_dose_mg"].widget.isAncestorOf(note)
    text = shown(note)
    assert f"⚠ Above the 70 mg/day limit: posaconazole taken during this cycle (from {day(60)}, ongoing)." in text
    assert "The label: give at most 70 mg/day while posaconazole is taken, and resume 400 mg/day 2–3 days " in text
    assert "You can still save it." in text
    assert f"color:{WARNING}" in text  # the warning colour of wording.py, as the dose alert in the lists
    assert message(dialog, "venetoclax_dose_mg") == ""  # a warning, not a problem
    assert dialog.ok_button.isEnabled() and dialog.summary.text().startswith("Enter saves despite the dose warning")
    dialog.ok_button.click()
    assert dialog.record().venetoclax_dose_mg == 400.0  # the clinician may decide otherwise


def test_the_warning_follows_the_dose_start_date_and_regimen_as_they_are_typed(qtbot):
    patient = make_patient("P1", cycles=3, medications=[medication("fluconazole", 90, 100)])
    dialog = open_dialog(qtbot, "cycles", patient)
    note = dialog.dose_note.label
    assert "Above the 200 mg/day limit: fluconazole (moderate CYP3A inhibitor) taken during this cycle" in shown(note)
    type_into(qtbot, dialog, "venetoclax_dose_mg", "200")
    assert shown(note) == "Limit 200 mg/day: fluconazole (moderate CYP3A inhibitor) taken during this cycle."
    assert WARNING not in note.styleSheet() and dialog.summary.text() == "Enter saves · Esc cancels"
    type_into(qtbot, dialog, "regimen", "VEN-LDAC")
    type_into(qtbot, dialog, "venetoclax_dose_mg", "400")
    assert "Above the 300 mg/day limit" in shown(note)  # half the 600 mg label dose of VEN-LDAC
    dialog.fields["start_date"].write(day(101))  # after fluconazole stopped
    assert shown(note) == ""
    dialog.fields["venetoclax_dose_mg"].line.clear()
    dialog.fields["start_date"].write(day(94))
    assert "Limit 300 mg/day" in shown(note)  # no dose typed: the limit, no warning


def test_without_medications_only_a_dose_above_the_label_dose_warns(qtbot):
    dialog = open_dialog(qtbot, "cycles", make_patient("P1", cycles=3), params=DEFAULT_PARAMETERS)
    assert shown(dialog.dose_note.label) == ""  # 400 mg, VEN-AZA
    type_into(qtbot, dialog, "venetoclax_dose_mg", "800")
    text = shown(dialog.dose_note.label)
    assert "⚠ Above the label dose of 400 mg/day for VEN-AZA.</span><br>You can still save it." in text
    assert dialog.ok_button.isEnabled()
    type_into(qtbot, dialog, "regimen", "VEN-LDAC")
    type_into(qtbot, dialog, "venetoclax_dose_mg", "600")
    assert shown(dialog.dose_note.label) == ""
