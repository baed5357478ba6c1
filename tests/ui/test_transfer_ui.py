"""File → Import in the app: background check, preview of what will be added or replaced, all or nothing;
workers deliver results on the GUI thread and cancel cleanly."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from desktop.exchange.registry_json import write_registry_json
from desktop.exchange.xlsx_tables import read_xlsx_workbook
from desktop.ui.transfer import ExportDialog, ImportPreviewDialog
from desktop.ui.workers import Cancelled, run_task
from tests.ui.conftest import DEMO_COUNT


def renamed(patients, prefix):
    return [p.model_copy(update={"patient_id": f"{prefix}{n}"}) for n, p in enumerate(patients)]


def wait_for_preview(qtbot, window) -> ImportPreviewDialog:
    qtbot.waitUntil(lambda: isinstance(window.transfers.current_dialog, ImportPreviewDialog), timeout=20000)
    return window.transfers.current_dialog


def test_import_previews_then_adds_all_patients(qtbot, window, registry, demo_patients, tmp_path):
    new = renamed(demo_patients[:3], "NEW-")
    write_registry_json(new, tmp_path / "new.json")
    window.transfers.import_file(tmp_path / "new.json")
    dialog = wait_for_preview(qtbot, window)
    assert "3 will be added" in dialog.summary.text()
    assert "NEW-0, NEW-1, NEW-2" in dialog.details.toPlainText()
    assert registry.count_patients() == DEMO_COUNT  # nothing written before the user confirms
    with qtbot.waitSignal(window.session.evaluations_ready, timeout=20000):
        dialog.import_button.click()
    assert registry.count_patients() == DEMO_COUNT + 3
    assert window.browser.model.row_of("NEW-1") is not None
    assert registry.load_patient("NEW-1") == new[1]


def test_existing_ids_need_replace_and_problems_block_the_import(qtbot, window, registry, demo_patients, tmp_path):
    write_registry_json(demo_patients[:2], tmp_path / "same.json")
    window.transfers.import_file(tmp_path / "same.json")
    dialog = wait_for_preview(qtbot, window)
    assert not dialog.import_button.isEnabled() and "already in the registry" in dialog.summary.text()
    dialog.replace.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.reject()

    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "ventrack-registry", "version": 1, "patients": [{"patient_id": "X1", '
        '"diagnosis_date": "2024-01-01", "counts": [{"date": "2024-02-01", "anc": 500, "platelets": 20, '
        '"hemoglobin": 9}]}]}'
    )
    window.transfers.import_file(bad)
    dialog = wait_for_preview(qtbot, window)
    assert not dialog.import_button.isEnabled()
    text = dialog.details.toPlainText()
    assert "X1" in text and "counts[0]" in text and "anc" in text
    assert registry.count_patients() == DEMO_COUNT


@pytest.mark.threads
def test_worker_results_arrive_on_the_gui_thread(qtbot):
    seen = {}

    def work(progress):
        seen["worker"] = threading.current_thread()
        progress(1, 2)
        return 42

    done = []
    task = run_task(work, lambda r: done.append((r, QThread.currentThread())), lambda e: done.append(e))
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done[0] == (42, QApplication.instance().thread())
    assert seen["worker"] is not threading.main_thread() and task.done.is_set()


@pytest.mark.threads
def test_a_cancelled_task_reports_cancelled_and_stops(qtbot):
    started, release = threading.Event(), threading.Event()
    steps = []

    def work(progress):
        started.set()
        release.wait(5)
        for step in range(100):
            progress(step, 100)
            steps.append(step)
        return "finished"

    outcome = []
    task = run_task(work, outcome.append, outcome.append)
    assert started.wait(5)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert isinstance(outcome[0], Cancelled) and steps == []


def test_export_from_the_app_writes_a_deidentified_workbook(qtbot, window, registry, tmp_path):
    out = tmp_path / "registry.xlsx"
    window.transfers.export("xlsx", out, True)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=30000)
    assert window.statusBar().currentMessage() == f"Exported {DEMO_COUNT:,} patients to {out}"
    patients = read_xlsx_workbook(out, today=dt.date.today() + dt.timedelta(days=181))
    assert len(patients) == DEMO_COUNT and all(p.patient_id.startswith("DEID-") for p in patients)
    assert all(p.name is None and p.mrn is None for p in patients)
    assert not set(registry.patient_ids()) & {p.patient_id for p in patients}


def test_the_export_dialog_does_not_block_and_exports_the_chosen_format(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "chosen.json"
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: asked.append(args[2]) or (str(out), ""))
    window.transfers.export_dialog()  # returns with the dialog open (window-modal `open()`, not `exec()`)
    dialog = window.transfers.current_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    dialog.format.setCurrentText("VenTrack JSON (exchange file v2)")
    dialog.deidentify.setChecked(True)
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert window.transfers.current_dialog is None
    assert asked == [f"ventrack-deidentified-{dt.date.today().isoformat()}.json"]  # the suggested name
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=30000)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported["patients"]) == DEMO_COUNT
    assert all(p["patient_id"].startswith("DEID-") for p in exported["patients"])


def test_cancelling_the_export_dialog_asks_nothing_more_and_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: pytest.fail("no destination is asked"))
    window.transfers.export_dialog()
    window.transfers.current_dialog.reject()
    assert window.transfers.current_dialog is None and list(tmp_path.glob("ventrack-*")) == []


def test_fhir_bulk_data_from_the_app_is_a_new_folder_of_ndjson_files(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(tmp_path))
    window.transfers.export_dialog()
    dialog = window.transfers.current_dialog
    dialog.format.setCurrentText("FHIR Bulk Data (a folder of .ndjson, for many patients)")
    dialog.accept()
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=30000)
    (folder,) = tmp_path.glob("ventrack-*-fhir-ndjson")
    patients = (folder / "Patient.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(patients) == DEMO_COUNT and all(json.loads(line)["resourceType"] == "Patient" for line in patients)
