"""Garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is crossed. A Qt object in
a reference cycle (a dialog and a lambda connected to it, say) collected from a worker thread aborts the process
("Fatal Python error: Aborted", seen in this project's UI tests with a background evaluation running). So
automatic collection is turned off and the same generational collection runs from a timer on the GUI thread,
the remedy PyQt's documentation and Anki use.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadGarbageCollector(QObject):
    """Collects garbage from the GUI thread's event loop, the way Python would by its thresholds."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> None:
        """Collect the generations whose counts passed their thresholds (youngest first)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (0, 1, 2):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)


def install(app: QObject) -> MainThreadGarbageCollector:
    """Move cyclic garbage collection to the GUI thread for the life of `app` (once)."""
    existing = app.findChild(MainThreadGarbageCollector)
    return existing if existing is not None else MainThreadGarbageCollector(app)
