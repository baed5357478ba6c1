"""Garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is crossed. A Qt object in
a reference cycle (a dialog and a lambda connected to it, say) collected from a worker thread aborts the process
("Fatal Python error: Aborted", seen in this project's UI tests with a background evaluation running). So
automatic collection is turned off and the same generational collection runs from a timer on the GUI thread,
the remedy PyQt's documentation and Anki use.

Python itself puts off a full collection while the heap is large (until the objects added since the last one are
a quarter of it), which the timer cannot see; so a full collection runs at most every `FULL_INTERVAL_S`. Without
that, a registry-wide evaluation of 10,000 patients (millions of young objects) had the GUI thread walk the whole
heap again and again: 40% of the evaluation's time, and pauses in the window. While a registry-wide evaluation
runs (it makes millions of young objects and no cycles), the collector is held (`hold`) and collects nothing;
then what it made is frozen (`gc.freeze`): its results live until the next evaluation, and the first young
collection would otherwise walk them all on the GUI thread (a 0.2 s pause in typing). Frozen objects are still
freed when their last reference goes; only a reference cycle among them would wait.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500
FULL_INTERVAL_S = 30.0


class MainThreadGarbageCollector(QObject):
    """Collects garbage from the GUI thread's event loop, the way Python would by its thresholds."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        gc.disable()
        self.last_full = time.monotonic()
        self.holds = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> None:
        """Collect the generations whose counts passed their thresholds (youngest first; the oldest, a full
        collection, at most every FULL_INTERVAL_S); nothing while held."""
        if self.holds:
            return
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (0, 1):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
        if counts[2] > thresholds[2] and time.monotonic() - self.last_full >= FULL_INTERVAL_S:
            gc.collect(2)
            self.last_full = time.monotonic()


def install(app: QObject) -> MainThreadGarbageCollector:
    """Move cyclic garbage collection to the GUI thread for the life of `app` (once)."""
    existing = app.findChild(MainThreadGarbageCollector)
    return existing if existing is not None else MainThreadGarbageCollector(app)


def hold() -> Callable[[], None]:
    """Collect nothing until the returned function is called (once; later calls do nothing)."""
    app = QCoreApplication.instance()
    collector = app.findChild(MainThreadGarbageCollector) if app is not None else None
    if collector is None:
        return lambda: None
    collector.holds += 1
    held = [True]

    def release() -> None:
        if held[0]:
            held[0] = False
            collector.holds -= 1
            if not collector.holds:
                gc.freeze()  # what the evaluation made lives until the next one: no collection walks it again

    return release
