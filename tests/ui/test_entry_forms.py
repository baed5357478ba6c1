"""Data-entry forms: defaults, exact values, messages beside the field, keyboard-only use, edit mode."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from desktop.domain import BloodCount, Cycle, MrdSample
from desktop.ui.entry import PatientDialog, RecordDialog
from tests.builders import make_patient
from tests.ui.conftest import TODAY


@pytest.fixture
def patient():
    return make_patient("P1", cycles=3)


def dialog(qtbot, *args, **kwargs) -> RecordDialog:
    form = RecordDialog(*args, today=TODAY, **kwargs)
    qtbot.addWidget(form)
    return form


def test_a_new_cycle_follows_the_previous_one(qtbot, patient):
    form = dialog(qtbot, "cycles", patient)
    last = patient.cycles[-1]
    assert form.fields["number"].line.text() == "4"
    assert form.fields["start_date"].read()[0] == last.start_date + dt.timedelta(days=28)
    assert form.fields["regimen"].read()[0] == last.regimen
    assert form.fields["venetoclax_dose_mg"].read()[0] == last.venetoclax_dose_mg
    assert form.ok.isEnabled()
    form.ok.click()
    assert form.result() == QDialog.DialogCode.Accepted
    assert form.record() == Cycle(number=4, start_date=last.start_date + dt.timedelta(days=28), regimen="VEN-AZA",
                                  venetoclax_dose_mg=400, venetoclax_days=28, hma_days=7)  # fmt: skip


def test_the_first_cycle_has_standard_defaults_and_no_future_start(qtbot):
    fresh = make_patient("P2", cycles=0)
    form = dialog(qtbot, "cycles", fresh)
    assert form.fields["number"].line.text() == "1" and form.fields["regimen"].read()[0] == "VEN-AZA"
    assert form.fields["start_date"].read()[0] <= TODAY


def test_out_of_range_count_is_named_beside_its_field_with_the_unit(qtbot, patient):
    form = dialog(qtbot, "counts", patient)
    form.fields["anc"].line.setText("150")
    form.fields["platelets"].line.setText("45")
    form.fields["hemoglobin"].line.setText("9,5")
    assert not form.ok.isEnabled()
    assert form.fields["anc"].error.text() == "ANC: must be ≤ 100 ×10⁹/L"
    assert form.fields["platelets"].error.isHidden()
    form.fields["anc"].line.setText("0.8")
    assert form.ok.isEnabled()
    form.ok.click()
    assert form.record() == BloodCount(date=TODAY, anc=0.8, platelets=45, hemoglobin=9.5)


def test_whole_patient_rules_reach_the_field(qtbot, patient):
    form = dialog(qtbot, "cycles", patient)
    form.fields["number"].line.setText("2")  # duplicate cycle number
    assert "already given" in form.fields["number"].error.text() and not form.ok.isEnabled()
    form.fields["number"].line.setText("4")
    early = patient.diagnosis_date - dt.timedelta(days=1)
    form.fields["start_date"].date_edit.setDate(QDate(early.year, early.month, early.day))
    assert "before the diagnosis date" in form.fields["start_date"].error.text()
    form.fields["start_date"].date_edit.setDate(QDate(TODAY.year, TODAY.month, TODAY.day).addDays(3))
    assert "in the future" in form.fields["start_date"].error.text() and not form.ok.isEnabled()


def test_ambiguous_thousands_are_refused_not_guessed(qtbot, patient):
    form = dialog(qtbot, "mrd", patient)
    form.fields["npm1_copies"].line.setText("0")
    form.fields["abl1_copies"].line.setText("8,000")
    assert "ambiguous" in form.fields["abl1_copies"].error.text() and not form.ok.isEnabled()
    form.fields["abl1_copies"].line.setText("8000")
    assert form.ok.isEnabled() and "inadequate" in form.note.text()


def test_keyboard_only_entry_of_an_mrd_sample(qtbot, patient):
    form = dialog(qtbot, "mrd", patient)
    form.show()
    qtbot.waitExposed(form)
    form.fields["npm1_copies"].line.setFocus()
    qtbot.keyClicks(form.fields["npm1_copies"].line, "12")
    qtbot.keyClick(form.fields["npm1_copies"].line, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.focusWidget(), "84000")
    assert "0.0143%" in form.note.text() and "MRD-LL" in form.note.text()
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return)
    assert form.result() == QDialog.DialogCode.Accepted
    assert form.record() == MrdSample(date=TODAY, specimen="BM", npm1_copies=12, abl1_copies=84000)


def test_escape_cancels(qtbot, patient):
    form = dialog(qtbot, "events", patient)
    form.show()
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.result() == QDialog.DialogCode.Rejected


def test_edit_mode_is_prefilled_and_replaces_the_record(qtbot, patient):
    original = patient.cycles[1]
    form = dialog(qtbot, "cycles", patient, original, index=1)
    assert form.fields["number"].line.text() == "2" and form.ok.isEnabled()  # its own number is not a duplicate
    form.fields["venetoclax_days"].line.setText("14")
    form.ok.click()
    assert form.record() == original.model_copy(update={"venetoclax_days": 14})


def test_optional_fields_left_empty_are_none(qtbot, patient):
    form = dialog(qtbot, "cycles", patient)
    form.fields["venetoclax_dose_mg"].line.clear()
    form.ok.click()
    assert form.record().venetoclax_dose_mg is None


def test_patient_dialog_creates_and_refuses_a_taken_id(qtbot):
    form = PatientDialog(None, lambda pid: pid == "P1", today=TODAY)
    qtbot.addWidget(form)
    assert not form.ok.isEnabled() and form.fields["patient_id"].error.isHidden()  # empty, not yet an error
    form.fields["patient_id"].line.setText("P1")
    assert form.fields["patient_id"].error.text() == "Patient id: P1 is already in the registry"
    form.fields["patient_id"].line.setText("P9")
    form.fields["birth_date"].line.setText("1950-02-30")
    assert "not a real date" in form.fields["birth_date"].error.text()
    form.fields["birth_date"].line.setText("1950-02-03")
    form.tested.setChecked(True)
    form.ok.click()
    created = form.patient()
    assert (created.patient_id, created.birth_date, created.diagnosis_date) == ("P9", dt.date(1950, 2, 3), TODAY)
    assert created.co_mutations == [] and created.cycles == []


def test_patient_dialog_edit_returns_only_the_changes(qtbot, patient):
    form = PatientDialog(patient, lambda pid: False, today=TODAY)
    qtbot.addWidget(form)
    form.fields["name"].line.setText("Bianchi, Anna")
    form.fields["mrn"].line.clear()
    form.ok.click()
    assert form.changes() == {"name": "Bianchi, Anna", "mrn": None}
