"""Encrypted registries in the app: the passphrase dialog at open (again after a wrong one, nothing changed) and
File → Encrypt registry… (the registry and its backups encrypted, reopened, the patients the same)."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtWidgets import QDialog

from desktop.store import Registry, keys, list_backups
from desktop.ui import encryption_ui
from desktop.ui.encryption_ui import PassphraseDialog, open_registry
from tests.builders import make_patient
from tests.ui.conftest import open_window

PASSPHRASE = "a long enough passphrase"


@pytest.fixture
def typed(monkeypatch):
    """Answers for the passphrase dialogs, in order; `shown` records each dialog's error text."""
    answers: list[str | None] = []
    shown: list[str] = []

    def exec_(dialog: PassphraseDialog) -> int:
        shown.append(dialog.error.text())
        answer = answers.pop(0)
        if answer is None:
            return QDialog.DialogCode.Rejected
        dialog.first.setText(answer)
        dialog.second.setText(answer)
        assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PassphraseDialog, "exec", exec_)
    monkeypatch.delenv("VENTRACK_PASSPHRASE", raising=False)
    return answers, shown


def test_opening_asks_again_after_a_wrong_passphrase_and_changes_nothing(qtbot, tmp_path, typed):
    path = tmp_path / "enc.sqlite"
    with Registry.open(path, create=True, passphrase=PASSPHRASE) as registry:
        registry.import_patients([make_patient("P1")], "a")
    keys.forget(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    answers, shown = typed
    answers += ["wrong guess", None]
    assert open_registry(None, path) is None  # cancelled after a wrong one
    assert "Wrong passphrase" in shown[1] and hashlib.sha256(path.read_bytes()).hexdigest() == before
    answers += ["wrong guess", PASSPHRASE]
    registry = open_registry(None, path)
    assert registry is not None and registry.patient_ids() == ["P1"]
    registry.close()
    keys.forget(path)


def test_a_new_passphrase_is_asked_twice_and_must_be_long_enough(qtbot, tmp_path):
    dialog = PassphraseDialog(tmp_path / "r.sqlite", new=True)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.first.setText("short")
    assert not ok.isEnabled() and "At least" in dialog.error.text()
    dialog.first.setText(PASSPHRASE)
    dialog.second.setText(PASSPHRASE + "x")
    assert not ok.isEnabled() and "differ" in dialog.error.text()
    dialog.second.setText(PASSPHRASE)
    assert ok.isEnabled()


def test_encrypt_registry_from_the_file_menu(qtbot, tmp_path, settings, typed, demo_patients):
    path = tmp_path / "r.sqlite"
    with Registry.open(path, create=True) as registry:
        registry.import_patients(demo_patients[:10], "demo")
        registry.import_patients(demo_patients[10:12], "demo")  # and a backup
    window = open_window(qtbot, Registry.open(path), settings)
    answers, _ = typed
    answers.append(PASSPHRASE)
    old_session = window.session
    assert encryption_ui.encrypt_open_registry(window)
    assert window.session is not old_session  # reopened on the encrypted file
    qtbot.waitUntil(lambda: not window.session.evaluating, timeout=20000)
    assert keys.looks_encrypted(path) and all(keys.looks_encrypted(b) for b in list_backups(path))
    assert window.session.registry.encrypted and window.browser.model.rowCount() == 12
    assert "Encr&ypt registry…" in [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    window.close()
    keys.forget(path)
