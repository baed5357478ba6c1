"""Medications in the main window: Patient → Add medication (Ctrl+8), the Records → Medications table with
Insert / Enter / Delete, undo and redo through the session's stack, and the timeline following each edit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from desktop.domain import Medication
from desktop.ui.forms import RecordDialog
from tests.ui.conftest import TODAY


def on_therapy(window) -> str:
    return next(pid for pid, e in sorted(window.session.evaluations.items()) if e.state.state == "on_therapy")


def select(window, patient_id) -> None:
    assert window.browser.select_patient(patient_id)
    assert window.view.patient_id == patient_id


def table_rows(window) -> list[list[str]]:
    model = window.view.records.models["medications"]
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_ctrl_8_adds_a_medication_with_a_mnemonic_of_its_own(window):
    action = window.add_actions["medications"]
    assert action.shortcut() == QKeySequence("Ctrl+8") and action.text() == "Add med&ication…"
    assert [a.shortcut().toString() for a in window.add_actions.values()] == [f"Ctrl+{n}" for n in range(1, 9)]
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Patient")
    keys = [a.text()[a.text().index("&") + 1].lower() for a in menu.actions() if "&" in a.text()]
    assert len(keys) == len(set(keys)), keys  # one letter, one item: Alt+P, I adds a medication


def test_adding_a_medication_fills_the_table_and_the_timeline_and_undo_removes_it(qtbot, window, registry):
    patient_id = next(pid for pid, e in sorted(window.session.evaluations.items())
                      if e.state.state == "on_therapy" and not registry.load_patient(pid).medications)  # fmt: skip
    select(window, patient_id)
    before = registry.load_patient(patient_id)
    drugs = window.view.charts.timeline.drugs
    rows_before = drugs.count
    window.add_actions["medications"].trigger()
    dialog = window.editing.current_dialog
    assert isinstance(dialog, RecordDialog) and dialog.kind == "medications"
    qtbot.keyClicks(dialog.fields["name"].line, "Voriconazole")
    assert dialog.dose_note.label.text() == "strong CYP3A inhibitor: venetoclax limit 100 mg/day"
    dialog.ok_button.click()
    added = Medication(name="Voriconazole", start_date=TODAY)
    assert registry.load_patient(patient_id).medications == [*before.medications, added]
    records = window.view.records
    assert records.current_kind == "medications"
    assert records.tabs.tabText(records.tabs.currentIndex()) == f"Medications ({len(before.medications) + 1})"
    assert table_rows(window)[-1] == ["Voriconazole", str(TODAY), "ongoing",
                                      "strong CYP3A inhibitor: venetoclax ≤ 100 mg/day"]  # fmt: skip
    assert drugs.count == rows_before + 1 and drugs.spans[-1].medication == added
    assert window.undo_action.text() == f"&Undo Add medication to {patient_id}"
    window.undo_action.trigger()
    assert registry.load_patient(patient_id) == before
    assert len(table_rows(window)) == len(before.medications) and drugs.count == rows_before
    window.redo_action.trigger()
    assert registry.load_patient(patient_id).medications[-1] == added
    assert table_rows(window)[-1][0] == "Voriconazole"


def test_enter_edits_and_delete_deletes_a_medication_with_undo(qtbot, window, registry):
    patient_id = on_therapy(window)
    select(window, patient_id)
    before = registry.load_patient(patient_id)
    started = TODAY - dt.timedelta(days=10)
    window.session.registry.add_record(patient_id, "medications", Medication(name="amiodarone", start_date=started),
                                       TODAY)  # fmt: skip
    window.session.refresh_patient(patient_id)
    records = window.view.records
    window.view.tabs.setCurrentWidget(records)
    records.show_kind("medications")
    view = records.views["medications"]
    window.activateWindow()
    qtbot.waitActive(window)
    view.setFocus()
    row = len(table_rows(window)) - 1
    view.setCurrentIndex(records.models["medications"].index(row, 0))
    assert table_rows(window)[row][3] == "P-gp inhibitor: venetoclax ≤ 50 % of the label dose"

    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = window.editing.current_dialog
    assert isinstance(dialog, RecordDialog) and dialog.windowTitle() == f"Edit medication — {patient_id}"
    assert dialog.fields["end_date"].ongoing.isChecked()
    dialog.fields["end_date"].ongoing.setChecked(False)
    dialog.fields["end_date"].write(TODAY - dt.timedelta(days=2))
    dialog.ok_button.click()
    stopped = Medication(name="amiodarone", start_date=started, end_date=TODAY - dt.timedelta(days=2))
    assert registry.load_patient(patient_id).medications[-1] == stopped
    assert table_rows(window)[row][2] == str(TODAY - dt.timedelta(days=2))
    assert window.undo_action.text() == f"&Undo Edit medication of {patient_id}"

    view.setFocus()
    view.setCurrentIndex(records.models["medications"].index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    box = window.editing.current_dialog
    assert isinstance(box, QMessageBox) and f"Delete this medication of {patient_id}?" in box.text()
    next(b for b in box.buttons() if b.text() == "Delete medication").click()
    assert registry.load_patient(patient_id).medications == before.medications
    window.undo_action.trigger()  # the delete
    assert registry.load_patient(patient_id).medications[-1] == stopped
    window.undo_action.trigger()  # the edit, on the record restored under a new id
    assert registry.load_patient(patient_id).medications[-1].end_date is None


def test_insert_on_the_medications_tab_asks_for_a_medication(qtbot, window):
    select(window, on_therapy(window))
    records = window.view.records
    window.view.tabs.setCurrentWidget(records)
    records.show_kind("medications")
    window.activateWindow()
    qtbot.waitActive(window)
    records.views["medications"].setFocus()
    with qtbot.waitSignal(records.add_requested) as signal:
        qtbot.keyClick(records.views["medications"], Qt.Key.Key_Insert)
    assert signal.args == ["medications"]
    dialog = window.editing.current_dialog
    assert isinstance(dialog, RecordDialog) and dialog.kind == "medications"
    dialog.reject()
