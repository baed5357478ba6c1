"""Start the desktop app: QApplication, the registry, the main window, first-run offer of demo patients."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_NAME, __version__
from desktop.resources import icon_path
from desktop.services.demo_registry import fill_with_demo
from desktop.services.locations import default_registry
from desktop.store import Registry
from desktop.ui.main_window import MainWindow
from desktop.ui.session import RegistrySession
from desktop.ui.wording import DISCLAIMER

log = logging.getLogger(__name__)
DEMO_PATIENTS = 200
ORGANISATION = "VenTrack"

__all__ = ["DISCLAIMER", "MainWindow", "create_application", "offer_demo", "run_app"]


def create_application() -> QApplication:
    """The QApplication (Fusion style, which follows the system's light or dark colour scheme)."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    app.setWindowIcon(QIcon(str(icon_path())))
    return app


def offer_demo(window: MainWindow) -> bool:
    """On an empty registry, offer to load demo patients; returns True when they were loaded."""
    registry = window.session.registry
    if registry.count_patients():
        return False
    answer = QMessageBox.question(
        window,
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
        fill_with_demo(registry, DEMO_PATIENTS, seed=1, today=dt.date.today())
    finally:
        QGuiApplication.restoreOverrideCursor()
    window.reload()
    return True


def run_app(db_path: Path | None, *, quit_after_ms: int | None = None) -> int:
    """Run the app on `db_path` (default: the registry in the user data folder, created on first run).

    Raises `RegistryError` before any window opens when the registry cannot be used.
    """
    path = db_path or default_registry()
    if db_path is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    registry = Registry.open(path, create=db_path is None)
    app = create_application()
    window = MainWindow(RegistrySession(registry), QSettings())
    if quit_after_ms is not None:
        window.week_summary_shown = True  # smoke tests: nothing else on screen
    window.show()
    QTimer.singleShot(0, lambda: log.info("first window shown at %.3f (epoch seconds)", time.time()))
    if quit_after_ms is not None:
        QTimer.singleShot(0, lambda: print(f"ventrack: window shown at {time.time():.3f}", file=sys.stderr))
        QTimer.singleShot(quit_after_ms, window.close)
    else:
        QTimer.singleShot(0, lambda: offer_demo(window))
    return int(app.exec())
