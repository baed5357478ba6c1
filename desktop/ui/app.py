"""Start the desktop app: QApplication, a splash at once, then the registry and the main window.

Only the Qt classes the splash needs are imported before it shows (not even the `Qt` namespace, whose enums
PySide builds all at once on first use); the domain, the store, the rules and pyqtgraph are imported while it
is on screen, so the first window appears nearly as fast as a bare Qt window.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop import APP_NAME, __version__
from desktop.resources import icon_path

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)
DEMO_PATIENTS = 200
ORGANISATION = "VenTrack"


def create_application() -> QApplication:
    """The QApplication (Fusion style, which follows the system's light or dark colour scheme)."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from desktop.ui import main_thread_gc

    main_thread_gc.install(app)  # a Qt object collected from a worker thread would abort the app
    if app.style().name().lower() != "fusion":  # often already the default: a new style re-polishes (~15 ms)
        app.setStyle("Fusion")
    icon = QIcon()  # PNG renditions, loaded when first drawn (the SVG would be parsed at start-up)
    for size in (16, 32, 48, 64, 128, 256):
        icon.addFile(str(icon_path(size)))
    app.setWindowIcon(icon)
    QApplication.setDesktopFileName("ventrack")  # Wayland matches the window to ventrack.desktop (and its icon)
    return app


def offer_demo(window: MainWindow) -> bool:
    """On an empty registry, offer to load demo patients; returns True when they were loaded."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.demo_registry import fill_with_demo

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


def show_splash(app: QApplication) -> QWidget:
    """The start-up window: icon, name, version, what is happening.

    A small window of our own rather than `QSplashScreen`, whose `show()` blocks until the window manager
    reports it exposed (a second here). It uses no `Qt` enum (not even for window flags or alignment): the
    first one makes PySide build the whole `Qt` namespace, 25-45 ms that a bare window does not spend.
    """
    splash = QLabel()
    splash.setWindowTitle(f"{APP_NAME}: opening the registry")
    splash.setText(  # rich text (detected), centred by its own markup
        f"<div align='center'><img src='{icon_path(128).as_posix()}'>"
        f"<h2>{APP_NAME} {__version__}</h2><p>Opening the registry…</p></div>"
    )
    splash.setMargin(18)
    splash.setStyleSheet("QLabel { background: #f6f8fb; color: #1d3557; border: 1px solid #9aa8b8; }")
    splash.adjustSize()
    splash.move(app.primaryScreen().availableGeometry().center() - splash.rect().center())
    splash.show()
    app.processEvents()
    return splash


def run_app(db_path: Path | None, *, quit_after_ms: int | None = None) -> int:
    """Run the app on `db_path` (default: the registry in the user data folder, created on first run).

    Raises `RegistryError` (after closing the splash, before the main window) when the registry cannot be used.
    """
    app = create_application()
    splash = show_splash(app)
    _report_shown("splash", quit_after_ms)
    from PySide6.QtCore import QTimer  # after the splash: see the module's docstring

    from desktop.services.logging_setup import configure_logging

    configure_logging()  # here, not before the splash: the first window comes first
    from desktop.ui import crash

    crash.install(app)  # unexpected exceptions: logged, shown in one dialog, the app keeps running
    try:
        window = _open_main_window(db_path)
    except BaseException:
        splash.close()
        raise
    if quit_after_ms is not None:
        window.week_summary_shown = True  # smoke tests: nothing else on screen
    window.show()
    splash.close()
    QTimer.singleShot(0, lambda: _report_shown("window", quit_after_ms))
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    else:
        QTimer.singleShot(0, lambda: offer_demo(window))
    return int(app.exec())


def _open_main_window(db_path: Path | None) -> MainWindow:
    from PySide6.QtCore import QSettings

    from desktop.services.locations import default_registry
    from desktop.store import RegistryError
    from desktop.ui.encryption_ui import open_registry
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import RegistrySession

    path = db_path or default_registry()
    if db_path is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    registry = open_registry(None, path, create=db_path is None)  # an encrypted one: its passphrase first
    if registry is None:
        raise RegistryError(f"{path} is encrypted and no passphrase was given; nothing was opened")
    return MainWindow(RegistrySession(registry), QSettings())


def _report_shown(what: str, quit_after_ms: int | None) -> None:
    """Log when the splash and the main window are on screen (printed too in smoke-test runs)."""
    log.info("%s shown at %.3f (epoch seconds)", what, time.time())
    if quit_after_ms is not None:
        print(f"ventrack: {what} shown at {time.time():.3f}", file=sys.stderr)


# ---- the command line's way into the app package: `desktop.cli` imports this module only (import contract) ----


def write_patient_summary(
    db_path: Path, patient_id: str, out: Path, as_of: dt.date, *, hide_identifiers: bool
) -> int | None:
    """`ventrack report`: write the patient summary PDF; its page count, or None when there is no such patient
    (nothing is written)."""
    from desktop.ui.reports.patient_summary import UnknownPatient, report_from_registry

    try:
        return report_from_registry(db_path, patient_id, out, as_of, hide_identifiers=hide_identifiers)
    except UnknownPatient:
        return None


def write_outcomes_report(db_path: Path, as_of: dt.date, out: Path) -> dict[str, Any]:
    """`ventrack outcomes --pdf`: write the outcomes report PDF; the outcomes it shows, as `outcomes --json`."""
    from desktop.ui.reports.outcomes_report import report_from_registry

    return report_from_registry(db_path, as_of, out).outcomes.to_json()
