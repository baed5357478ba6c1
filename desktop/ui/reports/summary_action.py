"""File → Patient summary (PDF)… in the app: the current patient's summary at the session's date, identifiers
hidden when View → Hide identifiers is on. About 0.2 s of work (the charts are laid out on the GUI thread, the
only one that may touch widgets), run under a busy cursor; the file is written atomically, so a failure leaves
nothing behind."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop import APP_NAME
from desktop.ui.reports.patient_summary import write_patient_summary

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

FOLDER_KEY = "reports/folder"
MENU_TEXT = "Patient &summary (PDF)…"
TIP = "The current patient's summary as a PDF, for the clinic letter or the tumour board"


def ask_pdf_path(parent: QWidget, suggested: Path) -> Path | None:
    """Where to save the PDF (a `.pdf` suffix added when none is typed), or None when cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save the patient summary", str(suggested), "PDF document (*.pdf)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".pdf")


def save_patient_summary(window: MainWindow) -> Path | None:
    """Ask where, then write the shown patient's summary; say where it went (status bar) or why it failed."""
    patient_id = window.view.patient_id
    if not patient_id:
        QMessageBox.information(window, APP_NAME, "Select a patient first: the summary is of the shown patient.")
        return None
    session = window.session
    folder = Path(str(window.settings.value(FOLDER_KEY, str(Path.home()))))
    path = ask_pdf_path(window, folder / f"{patient_id}-summary-{session.as_of.isoformat()}.pdf")
    if path is None:
        return None
    hide = window.hide_names_action.isChecked()
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        patient = session.load(patient_id).patient
        evaluation = window.view.evaluation
        if evaluation is None or evaluation.patient_id != patient_id or evaluation.as_of != session.as_of:
            evaluation = session.evaluate(patient)
        pages = write_patient_summary(path, patient, evaluation, hide_identifiers=hide)
    except OSError as error:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.critical(window, APP_NAME, f"The patient summary was not saved:\n{error}")
        return None
    QGuiApplication.restoreOverrideCursor()
    window.settings.setValue(FOLDER_KEY, str(path.parent))
    hidden = ", identifiers hidden" if hide else ""
    window.statusBar().showMessage(f"Saved the summary of {patient_id} ({pages} pages{hidden}) to {path}", 10000)
    return path
