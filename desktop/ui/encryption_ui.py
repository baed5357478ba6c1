"""Encrypted registries in the app: the passphrase asked when one is opened, and File → Encrypt registry….

The passphrase is kept in this process's memory only (`desktop.store.keys`) and never written anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, PASSPHRASE_VARIABLE
from desktop.store import PassphraseNeeded, Registry, RegistryError, WrongPassphrase, keys
from desktop.store.encryption import encrypt_registry
from desktop.ui import wording

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    """Asks for a registry's passphrase, or (with `new`) a new one twice, with the problem beside the fields."""

    def __init__(self, path: Path, parent: QWidget | None = None, *, new: bool = False, problem: str = ""):
        super().__init__(parent)
        self.new = new
        self.setWindowTitle(f"{APP_NAME}: {'encrypt' if new else 'encrypted'} registry")
        intro = QLabel(
            f"Choose a passphrase for <b>{path.name}</b> (at least {MIN_LENGTH} characters).<br>VenTrack stores it "
            "nowhere: without it the registry and its backups cannot be opened again."
            if new
            else f"<b>{path.name}</b> is encrypted. Type its passphrase to open it."
        )
        intro.setWordWrap(True)
        self.first = QLineEdit()
        self.second = QLineEdit()
        form = QFormLayout()
        form.addRow("&Passphrase", self.first)
        if new:
            form.addRow("&Again", self.second)
        for field in (self.first, self.second):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.textChanged.connect(self._check)
        self.error = QLabel(problem)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {wording.BAD.name()};")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Encrypt" if new else "Open")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self._check()

    def passphrase(self) -> str:
        """What was typed."""
        return self.first.text()

    def _check(self) -> None:
        problem = ""
        if self.new and 0 < len(self.first.text()) < MIN_LENGTH:
            problem = f"At least {MIN_LENGTH} characters."
        elif self.new and self.second.text() and self.second.text() != self.first.text():
            problem = "The two passphrases differ."
        if problem or self.first.text():
            self.error.setText(problem)
        ready = bool(self.first.text()) and not problem and (not self.new or self.second.text() == self.first.text())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)


def open_registry(parent: QWidget | None, path: Path, *, create: bool = False) -> Registry | None:
    """Open `path`, asking for the passphrase of an encrypted registry (again after a wrong one); None when the
    user cancels. Other problems raise `RegistryError` as `Registry.open` does."""
    problem = ""
    from_environment = os.environ.get(PASSPHRASE_VARIABLE)  # as the command line takes it (scripts, smoke tests)
    while True:
        try:
            return Registry.open(path, create=create)
        except PassphraseNeeded:
            if from_environment:
                keys.remember(path, from_environment)
                from_environment = None
                continue
        except WrongPassphrase:
            keys.forget(path)
            problem = "Wrong passphrase: nothing was opened or changed. Try again."
        dialog = PassphraseDialog(path, parent, problem=problem)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        keys.remember(path, dialog.passphrase())


def encrypt_open_registry(window: MainWindow) -> bool:
    """File → Encrypt registry…: encrypt the open registry and its backups in place, then reopen it."""
    path = window.session.path
    if window.session.registry.encrypted:
        QMessageBox.information(window, APP_NAME, f"{path.name} is already encrypted.")
        return False
    dialog = PassphraseDialog(path, window, new=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    window.session.close()  # the conversion replaces the file: no connection of ours may stay on the old one
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        count = encrypt_registry(path, dialog.passphrase())
    except RegistryError as error:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.critical(window, APP_NAME, f"{path.name} was not encrypted: {error}")
        window.switch_registry(path)
        return False
    QGuiApplication.restoreOverrideCursor()
    window.switch_registry(path)
    window.statusBar().showMessage(f"Encrypted {path.name} and {count} backup(s).", 10000)
    return True
