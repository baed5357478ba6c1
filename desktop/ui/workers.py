"""Long work off the GUI thread: a task on the global QThreadPool, progress and cancel, results by signal.

The task function receives a `progress(done, total)` callback; it raises `Cancelled` once the user cancels,
so services that accept a progress callback stop where they are and roll back (their own all-or-nothing
guarantee). Results and errors come back to the GUI thread through queued signals; an unexpected error (a bug,
not a refusal, a file problem or a cancel) is also reported there by `desktop.ui.crash` (log and dialog).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.ui import crash

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """The user cancelled the task."""


class _Signals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """Run `work(progress)` on a pool thread; connect to `signals` before `start()`."""

    def __init__(self, work: Callable[[Progress], Any]):
        super().__init__()
        self.setAutoDelete(False)
        self._work = work
        self._cancel = threading.Event()
        self.signals = _Signals()
        self.done = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next progress report."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """Whether `cancel` was called."""
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        """Called on the pool thread."""
        try:
            result = self._work(self._progress)
        except BaseException as error:
            if not isinstance(error, Cancelled):
                log.info("task failed: %r", error)
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.done.set()

    def start(self) -> Task:
        """Queue the task on the global thread pool."""
        QThreadPool.globalInstance().start(self)
        return self


class _Relay(QObject):
    """Lives on the GUI thread, so signals from the pool thread reach these slots queued (never directly)."""

    def __init__(self, on_progress: Progress, on_success: Callable[[Any], None], on_failure: Callable[[Any], None]):
        super().__init__()
        self._on_progress, self._on_success, self._on_failure = on_progress, on_success, on_failure

    @Slot(int, int)
    def progress(self, done: int, total: int) -> None:
        self._on_progress(done, total)

    @Slot(object)
    def succeeded(self, result: Any) -> None:
        self._on_success(result)

    @Slot(object)
    def failed(self, error: Any) -> None:
        self._on_failure(error)


def run_task(
    work: Callable[[Progress], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    *,
    parent: QWidget | None = None,
    label: str | None = None,
    on_progress: Progress | None = None,
) -> Task:
    """Run `work(progress)` in the background; results and errors are delivered on the GUI thread.

    With `label`, a window-modal progress dialog with Cancel is shown (after 300 ms). `on_failure` receives
    `Cancelled` when the user cancelled; an unexpected error is also reported by `crash.report_exception`.
    """
    task = Task(work)
    dialog: QProgressDialog | None = None
    if label is not None:
        dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        dialog.setWindowTitle("VenTrack")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)

    def show_progress(done: int, total: int) -> None:
        if dialog is not None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))
            dialog.setLabelText(f"{label}\n{done:,} of {total:,}")
        if on_progress is not None:
            on_progress(done, total)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _relays.discard(relay)
        if dialog is not None:
            dialog.canceled.disconnect(task.cancel)
            dialog.close()
            dialog.deleteLater()
        callback(value)

    def failed(error: BaseException) -> None:
        if crash.is_unexpected(error):
            crash.report_exception(error)  # on the GUI thread: the crash dialog, the traceback in the log
        finish(on_failure, error)

    relay = _Relay(show_progress, lambda result: finish(on_success, result), failed)
    _relays.add(relay)
    task.signals.progress.connect(relay.progress)
    task.signals.succeeded.connect(relay.succeeded)
    task.signals.failed.connect(relay.failed)
    return task.start()


_relays: set[_Relay] = set()
