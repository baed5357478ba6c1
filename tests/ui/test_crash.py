"""Unexpected exceptions in the app (a slot, a background task, a Python thread, a form's save): one dialog that
says what happened and that no data was lost, Copy details puts the traceback on the clipboard, the log file gets
the traceback, repeats are counted in the open dialog, and the app keeps running."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desktop.services import logging_setup
from desktop.store import audit
from desktop.ui import crash
from desktop.ui.workers import run_task
from tests.ui.test_main_window import first_with, select

pytestmark = pytest.mark.qt_no_exception_capture  # the app's own hooks are under test, not pytest-qt's


@pytest.fixture
def log_path(tmp_path, monkeypatch) -> Path:
    """The app's log file, in a temporary folder."""
    monkeypatch.setattr(logging_setup, "_configured", None)
    monkeypatch.setattr(logging_setup, "log_dir", lambda: tmp_path / "log")
    path = logging_setup.configure_logging()
    assert path is not None
    yield path
    for handler in list(logging.getLogger("desktop").handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            logging.getLogger("desktop").removeHandler(handler)
            handler.close()


@pytest.fixture
def reporter(qapp, log_path):
    reporter = crash.install(qapp)
    yield reporter
    crash.uninstall()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, crash.CrashDialog):
            widget.close()
            widget.deleteLater()


def crash_dialogs() -> list[crash.CrashDialog]:
    """The crash dialogs on screen, found as a user sees them (top-level windows)."""
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, crash.CrashDialog) and w.isVisible()]


def wait_for_dialog(qtbot) -> crash.CrashDialog:
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1, timeout=10000)
    return crash_dialogs()[0]


def broken_slot() -> None:
    raise KeyError("simulated slot bug")


def test_an_exception_in_a_slot_shows_the_dialog_and_logs_the_traceback(qtbot, reporter, log_path):
    button = QPushButton("Go")
    qtbot.addWidget(button)
    button.clicked.connect(broken_slot)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = wait_for_dialog(qtbot)
    text = dialog.message.text()
    sentence = "VenTrack ran into an unexpected error and stopped what it was doing (KeyError: 'simulated slot bug')."
    assert sentence in text
    assert "No data was lost: every change is saved in its own transaction" in text
    assert f"The details are in the log file {log_path}" in text and "You can keep working" in text
    assert dialog.windowTitle() == "VenTrack: unexpected error"
    assert dialog.copy_button.text() == "&Copy details"
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert copied.splitlines()[0].startswith("VenTrack ")
    assert "Traceback (most recent call last)" in copied and "in broken_slot" in copied
    assert copied.rstrip().endswith("KeyError: 'simulated slot bug'")
    logged = log_path.read_text(encoding="utf-8")
    assert "unexpected error: KeyError" in logged and "Traceback (most recent call last)" in logged
    assert 'raise KeyError("simulated slot bug")' in logged
    assert button.isEnabled()  # the app runs on: the button works again, and the dialog closes
    dialog.accept()
    assert crash_dialogs() == []


@pytest.mark.threads
def test_an_exception_in_a_background_task_reaches_the_dialog_on_the_gui_thread(qtbot, reporter, log_path):
    failures: list[BaseException] = []
    threads: list[threading.Thread] = []

    def work(progress):
        threads.append(threading.current_thread())
        return {}["simulated task bug"]

    run_task(work, lambda result: None, failures.append)
    dialog = wait_for_dialog(qtbot)
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.thread() is QApplication.instance().thread()
    assert "unexpected error in a background task" in dialog.message.text()
    assert "KeyError: 'simulated task bug'" in dialog.message.text()
    assert len(failures) == 1 and isinstance(failures[0], KeyError)  # the caller still learns that it failed
    dialog.copy_button.click()
    assert "in work" in QApplication.clipboard().text()
    assert "in work" in log_path.read_text(encoding="utf-8")


def test_an_exception_ending_a_python_thread_reaches_the_dialog(qtbot, reporter, log_path):
    def run() -> None:
        raise RuntimeError("simulated thread bug")

    thread = threading.Thread(target=run, name="helper")
    thread.start()
    thread.join()
    dialog = wait_for_dialog(qtbot)
    assert "RuntimeError: simulated thread bug" in dialog.message.text()
    assert "thread helper" in dialog.report.details
    assert "simulated thread bug" in log_path.read_text(encoding="utf-8")


def test_a_storm_of_errors_is_one_dialog_with_a_count(qtbot, reporter, log_path):
    button = QPushButton("Go")
    qtbot.addWidget(button)
    button.clicked.connect(broken_slot)
    for _ in range(5):
        button.click()
    dialog = wait_for_dialog(qtbot)
    qtbot.waitUntil(lambda: "4 more times" in dialog.repeat_label.text())
    assert dialog.repeat_label.text().startswith("The same error happened 4 more times since this one")
    logged = log_path.read_text(encoding="utf-8")
    assert logged.count("Traceback (most recent call last)") == 1 and "again (5 times)" in logged
    dialog.accept()
    button.click()  # the same error just after closing: counted and logged, no new dialog
    qtbot.wait(100)
    assert crash_dialogs() == []

    def other() -> None:
        raise ValueError("another bug")

    button.clicked.disconnect(broken_slot)
    button.clicked.connect(other)
    button.click()  # a different error gets its dialog
    assert "ValueError: another bug" in wait_for_dialog(qtbot).message.text()


def test_an_error_while_a_form_saves_says_the_entry_was_not_saved(qtbot, reporter, window, registry, monkeypatch):
    patient_id = first_with(window, lambda e: e.state.state == "on_therapy")
    select(window, patient_id)
    before = registry.load_patient(patient_id)
    window.add_actions["cycles"].trigger()
    form = window.editing.current_dialog
    title = form.windowTitle()

    def broken_audit(*args, **kwargs):
        raise TypeError("simulated bug while auditing the change")

    with monkeypatch.context() as patch:
        patch.setattr(audit, "write", broken_audit)  # after the INSERT, inside Registry.add_record's transaction
        form.ok_button.click()
    dialog = wait_for_dialog(qtbot)
    text = dialog.message.text()
    assert f"Your entry in “{title}” was not saved: the registry undid the unfinished change." in text
    assert "The form is still open with what you typed." in text and form.isVisible()
    assert registry.load_patient(patient_id) == before and not window.session.undo_stack.canUndo()
    dialog.accept()
    form.ok_button.click()  # the app kept running: the same entry now saves
    assert window.editing.current_dialog is None
    assert len(registry.load_patient(patient_id).cycles) == len(before.cycles) + 1


def test_a_bug_in_the_windows_background_work_shows_the_crash_dialog_only(qtbot, reporter, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kwargs: shown.append(str(args[2])))

    def work(progress):
        raise TypeError("simulated bug in an export")

    window.run_in_background(work, lambda result: None, "Export")
    dialog = wait_for_dialog(qtbot)
    assert "TypeError: simulated bug in an export" in dialog.message.text()
    qtbot.wait(50)
    assert shown == []  # no second window saying "Export failed" beside the crash dialog
    dialog.accept()
