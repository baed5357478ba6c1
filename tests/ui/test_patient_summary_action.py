"""File → Patient summary (PDF)… in the app: the shown patient at the session's date, identifiers hidden when
View → Hide identifiers is on, the file written atomically (a failure leaves nothing)."""

from __future__ import annotations

import re
import shutil
import subprocess

from PySide6.QtWidgets import QMessageBox

from desktop.ui.reports import patient_summary, summary_action
from desktop.ui.wording import DISCLAIMER
from tests.ui.conftest import TODAY


def pdf_text(path) -> str:
    assert shutil.which("pdftotext"), "pdftotext not found: install poppler-utils (`.ci/run` does)"
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


def named_patient(window) -> str:
    """A demo patient with a name, an MRN and a birth date, shown in the window."""
    patient_id = next(s.patient_id for s in window.session.summaries()
                      if (p := window.session.load(s.patient_id).patient).name and p.mrn and p.birth_date)  # fmt: skip
    assert window.browser.select_patient(patient_id)
    assert window.view.patient_id == patient_id
    return patient_id


def save_to(monkeypatch, path) -> list:
    asked = []
    monkeypatch.setattr(summary_action, "ask_pdf_path", lambda parent, suggested: asked.append(suggested) or path)
    return asked


def test_file_menu_offers_the_patient_summary(window):
    file_menu = window.menuBar().actions()[0].menu()
    assert window.summary_action in file_menu.actions()
    assert window.summary_action.text() == "Patient &summary (PDF)…"


def test_the_action_writes_the_shown_patients_summary(qtbot, window, monkeypatch, tmp_path):
    patient_id = named_patient(window)
    patient = window.session.load(patient_id).patient
    out = tmp_path / "summary.pdf"
    asked = save_to(monkeypatch, out)
    window.summary_action.trigger()
    assert asked[0].name == f"{patient_id}-summary-{TODAY.isoformat()}.pdf"
    text = pdf_text(out)
    assert patient_id in text and f"as of {TODAY.isoformat()}" in text
    assert "Sustained MRD negativity" in text and DISCLAIMER in text and "page 1 of" in text
    assert patient.name in text and patient.mrn in text
    assert str(out) in window.statusBar().currentMessage()


def test_hidden_identifiers_stay_hidden_in_the_pdf(qtbot, window, monkeypatch, tmp_path):
    patient_id = named_patient(window)
    patient = window.session.load(patient_id).patient
    window.hide_names_action.trigger()
    assert window.hide_names_action.isChecked()
    out = tmp_path / "hidden.pdf"
    save_to(monkeypatch, out)
    window.summary_action.trigger()
    text = pdf_text(out)
    assert patient_id in text
    assert patient.name not in text and patient.mrn not in text and patient.birth_date.isoformat() not in text


def test_a_failed_write_says_so_and_leaves_nothing(qtbot, window, monkeypatch, tmp_path):
    named_patient(window)
    folder = tmp_path / "out"
    folder.mkdir()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(patient_summary, "summary_sections", disk_full)  # fails half-way through the PDF
    save_to(monkeypatch, folder / "x.pdf")
    window.summary_action.trigger()
    assert shown and "not saved" in shown[0] and "No space left" in shown[0]
    assert list(folder.iterdir()) == []  # not even the temporary file
    save_to(monkeypatch, folder / "absent" / "x.pdf")
    window.summary_action.trigger()
    assert len(shown) == 2 and "absent" in shown[1]
    assert list(folder.iterdir()) == []


def test_without_a_patient_nothing_is_asked(qtbot, window, monkeypatch):
    window.show_patient("")
    window.view.show_patient(None, None)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    asked = save_to(monkeypatch, None)
    window.summary_action.trigger()
    assert told and not asked
