"""Start the desktop app: QApplication, the registry, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from desktop import APP_NAME, __version__
from desktop.services.locations import default_registry
from desktop.store import Registry


class MainWindow(QMainWindow):
    """The main window on one open registry."""

    def __init__(self, registry: Registry):
        super().__init__()
        self.registry = registry
        self.setWindowTitle(f"{APP_NAME} {__version__} — {registry.path}")
        count = registry.count_patients()
        text = f"{count} patients in {registry.path}" if count else "The registry is empty."
        self.setCentralWidget(QLabel(text))
        self.statusBar().showMessage(f"Schema version {registry.schema_version}")
        self.resize(1200, 800)


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
    window = MainWindow(registry)
    window.show()
    if quit_after_ms is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(quit_after_ms, app.quit)
    status = app.exec()
    registry.close()
    return int(status)
