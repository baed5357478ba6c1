"""PatientDialog (desktop.ui.forms): create, edit (only the changed fields), duplicate ids, keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from desktop.domain import PATIENT_FIELDS, Patient
from desktop.ui.forms import PatientDialog
from tests.builders import D0, make_patient
from tests.ui.conftest import TODAY


def open_dialog(qtbot, patient=None, taken=lambda _: False, show=False) -> PatientDialog:
    dialog = PatientDialog(patient, taken, today=TODAY)
    qtbot.addWidget(dialog)
    if show:
        dialog.show()
        dialog.activateWindow()
        qtbot.waitActive(dialog)
    return dialog


def message(dialog, name) -> str:
    label = dialog.fields[name].error
    return label.text() if label.isVisibleTo(dialog) else ""


def test_a_new_patient_needs_only_an_id_and_a_diagnosis_date(qtbot):
    dialog = open_dialog(qtbot)
    assert dialog.windowTitle() == "New patient" and not dialog.ok_button.isEnabled()
    assert dialog.fields["diagnosis_date"].read()[0] == TODAY
    assert message(dialog, "patient_id") == ""  # nothing typed yet
    dialog.fields["patient_id"].line.setText("P0100")
    dialog.fields["diagnosis_date"].write(dt.date(2025, 11, 3))
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.patient() == Patient(patient_id="P0100", diagnosis_date=dt.date(2025, 11, 3))
    assert dialog.patient().co_mutations is None  # not tested


def test_every_field_of_a_new_patient(qtbot):
    dialog = open_dialog(qtbot)
    fields = dialog.fields
    fields["patient_id"].line.setText("P0101")
    fields["mrn"].line.setText(" 998877 ")
    fields["name"].line.setText("Rossi, Maria")
    fields["birth_date"].known.setChecked(True)
    fields["birth_date"].write(dt.date(1950, 3, 2))
    fields["sex"].write("female")
    fields["diagnosis_date"].write(D0)
    fields["npm1_type"].line.setText("A")
    fields["baseline_npm1_abl1_pct"].line.setText("250")
    fields["co_mutations_tested"].box.setChecked(True)
    assert dialog.valid, dialog.problems
    assert dialog.patient() == Patient(patient_id="P0101", mrn="998877", name="Rossi, Maria",
                                       birth_date=dt.date(1950, 3, 2), sex="female", diagnosis_date=D0,
                                       npm1_type="A", baseline_npm1_abl1_pct=250.0, co_mutations=[])  # fmt: skip


def test_a_taken_id_is_refused_beside_the_id(qtbot):
    dialog = open_dialog(qtbot, taken=lambda candidate: candidate == "P0001")
    dialog.fields["patient_id"].line.setText("P0001")
    assert message(dialog, "patient_id") == "Patient ID P0001 is already in the registry"
    assert not dialog.ok_button.isEnabled()
    dialog.fields["patient_id"].line.setText("P0002")
    assert message(dialog, "patient_id") == "" and dialog.ok_button.isEnabled()


def test_dates_are_checked_against_today_and_the_diagnosis(qtbot):
    dialog = open_dialog(qtbot)
    dialog.fields["patient_id"].line.setText("P0100")
    future = TODAY + dt.timedelta(days=2)
    dialog.fields["diagnosis_date"].write(future)
    assert message(dialog, "diagnosis_date") == f"Diagnosis date: {future} is in the future (today is {TODAY})"
    dialog.fields["diagnosis_date"].write(D0)
    dialog.fields["birth_date"].known.setChecked(True)
    dialog.fields["birth_date"].write(D0 + dt.timedelta(days=1))
    assert message(dialog, "birth_date").startswith("Birth date: ") and "after the diagnosis date" in message(
        dialog, "birth_date"
    )
    assert not dialog.ok_button.isEnabled()
    dialog.fields["birth_date"].known.setChecked(False)
    assert dialog.valid and dialog.patient().birth_date is None


def test_a_baseline_out_of_range_names_the_unit(qtbot):
    dialog = open_dialog(qtbot)
    dialog.fields["patient_id"].line.setText("P0100")
    dialog.fields["baseline_npm1_abl1_pct"].line.setText("0")
    assert message(dialog, "baseline_npm1_abl1_pct") == ("Baseline NPM1/ABL1 must be more than 0 and at most 100,000 %")


def test_edit_mode_is_prefilled_and_returns_only_the_changes(qtbot):
    patient = make_patient("P1")
    dialog = open_dialog(qtbot, patient)
    assert dialog.windowTitle() == "Edit patient — P1" and dialog.ok_button.text() == "Save"
    shown = [n for n in PATIENT_FIELDS if n not in ("birth_year", "age_over_89")]  # de-identified imports only
    assert {n: dialog.fields[n].read()[0] for n in shown} == {n: getattr(patient, n) for n in shown}
    assert dialog.valid and dialog.changes() == {}
    dialog.fields["name"].line.setText("Rossi, Maria Grazia")
    dialog.fields["sex"].write(None)
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.changes() == {"name": "Rossi, Maria Grazia", "sex": None}


def test_edit_mode_keeps_its_own_id_and_refuses_another_taken_one(qtbot):
    patient = make_patient("P1")
    dialog = open_dialog(qtbot, patient, taken=lambda candidate: candidate in ("P1", "P2"))
    assert dialog.valid  # its own id is not a duplicate
    dialog.fields["patient_id"].line.setText("P2")
    assert message(dialog, "patient_id") == "Patient ID P2 is already in the registry"
    dialog.fields["patient_id"].line.setText("P3")
    assert dialog.changes() == {"patient_id": "P3"}


def test_a_diagnosis_date_after_existing_records_is_refused(qtbot):
    patient = make_patient("P1", cycles=2)
    dialog = open_dialog(qtbot, patient)
    dialog.fields["diagnosis_date"].write(patient.cycles[1].start_date)
    assert message(dialog, "diagnosis_date").startswith("Diagnosis date: ")
    assert f"earliest {patient.cycles[0].start_date}" in message(dialog, "diagnosis_date")
    assert not dialog.ok_button.isEnabled()


def test_co_mutation_testing_status(qtbot):
    untested = make_patient("P1", co_mutations=None)
    dialog = open_dialog(qtbot, untested)
    dialog.fields["co_mutations_tested"].box.setChecked(True)
    assert dialog.changes() == {"co_mutations_tested": True}
    tested_none = make_patient("P2", co_mutations=[])
    dialog = open_dialog(qtbot, tested_none)
    dialog.fields["co_mutations_tested"].box.setChecked(False)
    assert dialog.changes() == {"co_mutations_tested": False}
    with_genes = make_patient("P3")
    box = open_dialog(qtbot, with_genes).fields["co_mutations_tested"].box
    assert box.isChecked() and not box.isEnabled() and "2 co-mutations recorded" in box.text()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_new_patient_by_keyboard_only(qtbot):
    dialog = open_dialog(qtbot, show=True)
    QApplication.setActiveWindow(dialog)  # offscreen: mnemonics (window shortcuts) need an active window
    assert dialog.focusWidget() is dialog.fields["patient_id"].line
    qtbot.keyClicks(dialog.focusWidget(), "P0200")
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Diagnosis date
    assert dialog.focusWidget() is dialog.fields["diagnosis_date"].editor
    qtbot.keyClicks(dialog.focusWidget(), "2025-09-12")
    qtbot.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # &Co-mutations
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(dialog.fields["patient_id"].line, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.patient() == Patient(patient_id="P0200", diagnosis_date=dt.date(2025, 9, 12), co_mutations=[])


def test_escape_cancels_the_patient_dialog(qtbot):
    dialog = open_dialog(qtbot, show=True)
    qtbot.keyClicks(dialog.focusWidget(), "P0200")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_tab_order_follows_the_form(qtbot):
    dialog = open_dialog(qtbot, make_patient("P1"), show=True)
    seen = [dialog.focusWidget()]
    for _ in range(11):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    names = [w.objectName() or w.text() for w in seen]
    assert names[:10] == ["patient_id", "mrn", "name", "birth_date_known", "birth_date", "sex", "diagnosis_date",
                          "npm1_type", "baseline_npm1_abl1_pct", "Save"]  # fmt: skip


def test_editing_a_de_identified_patient_keeps_its_birth_year(qtbot):
    patient = make_patient("P1").model_copy(update={"birth_date": None, "birth_year": 1950, "name": None})
    dialog = open_dialog(qtbot, patient)
    dialog.fields["npm1_type"].line.setText("B")
    dialog.ok_button.click()
    assert dialog.changes() == {"npm1_type": "B"}
