"""Start the desktop app: QApplication, the registry, the main window."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from desktop import APP_NAME, __version__
from desktop.resources import icon_path
from desktop.services.demo_registry import fill_with_demo
from desktop.services.locations import default_registry
from desktop.store import Registry

DEMO_PATIENTS = 200
DISCLAIMER = "Decision support, not a decision: VenTrack shows evidence and rules; the clinician decides."


class MainWindow(QMainWindow):
    """The main window on one open registry."""

    def __init__(self, registry: Registry):
        super().__init__()
        self.registry = registry
        self.setWindowTitle(f"{APP_NAME} {__version__} — {registry.path}")
        self.summary = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.summary)
        self.resize(1200, 800)
        self.refresh()

    def refresh(self) -> None:
        """Show the registry's patient count and schema version."""
        count = self.registry.count_patients()
        text = f"{count} patients in {self.registry.path}" if count else "The registry is empty."
        self.summary.setText(f"{text}\n\n{DISCLAIMER}")
        self.statusBar().showMessage(
            f"{self.registry.path}  ·  {count} patients  ·  schema version {self.registry.schema_version}"
        )

    def offer_demo(self) -> bool:
        """On an empty registry, offer to load demo patients; returns True when they were loaded."""
        if self.registry.count_patients():
            return False
        answer = QMessageBox.question(
            self,
            f"{APP_NAME}: empty registry",
            f"This registry has no patients yet.\n\nLoad {DEMO_PATIENTS} synthetic demo patients to explore "
            "VenTrack? (They are clearly fictitious and can be replaced later.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            fill_with_demo(self.registry, DEMO_PATIENTS, seed=1, today=dt.date.today())
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.refresh()
        return True


def run_app(db_path: Path | None, *, quit_after_ms: int | None = None) -> int:
    """Run the app on `db_path` (default: the registry in the user data folder, created on first run).

    Raises `RegistryError` before any window opens when the registry cannot be used.
    """
    path = db_path or default_registry()
    if db_path is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    registry = Registry.open(path, create=db_path is None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setWindowIcon(QIcon(str(icon_path())))
    window = MainWindow(registry)
    window.show()
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, app.quit)
    else:
        QTimer.singleShot(0, window.offer_demo)
    status = app.exec()
    registry.close()
    return int(status)
