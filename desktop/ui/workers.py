"""Long work off the GUI thread: a task on a thread pool, progress and cancel, results by signal.

The pool is Qt's global QThreadPool unless `use_pool` replaced it: tests give `SynchronousPool`, which runs
each task at once on the calling thread (as Picard's FakeThreadPool), so they need not wait for signals.

The task function receives a `progress(done, total)` callback; it raises `Cancelled` once the user cancels,
so services that accept a progress callback stop where they are and roll back (their own all-or-nothing
guarantee). Results and errors come back to the GUI thread through queued signals; an unexpected error (a bug,
not a refusal, a file problem or a cancel) is also reported there by `desktop.ui.crash` (log and dialog).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop import APP_NAME
from desktop.domain import InvalidData
from desktop.ui import crash, dialogs

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class Pool(Protocol):
    """Where tasks run: QThreadPool, or anything with its `start(runnable)`."""

    def start(self, runnable: QRunnable) -> None:
        """Run `runnable.run()` (now or later, on some thread)."""
        ...


class SynchronousPool:
    """Runs each task at once on the calling thread: results and errors arrive before `start` returns."""

    def start(self, runnable: QRunnable) -> None:
        """Run the task now."""
        runnable.run()


_pool: Pool | None = None


def use_pool(pool: Pool | None) -> Pool | None:
    """Run the tasks started from now on `pool` (None: Qt's global thread pool); returns the previous pool."""
    global _pool
    previous, _pool = _pool, pool
    return previous


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
        """Queue the task on the pool (see `use_pool`)."""
        (_pool or QThreadPool.globalInstance()).start(self)
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
    start: bool = True,
) -> Task:
    """Run `work(progress)` in the background; results and errors are delivered on the GUI thread.

    With `start=False` the caller keeps the task and then calls its `start()`: a synchronous pool delivers the
    result inside `start`, so a caller that remembers its running task must hold it first.

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
    return task.start() if start else task


_relays: set[_Relay] = set()


def run_reported(
    work: Callable[[Progress], Any],
    on_success: Callable[[Any], None],
    *,
    label: str,
    parent: QWidget,
    show_status: Callable[[str, int], None],
) -> Task:
    """`run_task` with a progress dialog, and the failure told: a cancel says nothing changed, a refusal lists
    its problems, a file problem is said in a box (a bug has the crash dialog already: one window, not two)."""

    def failed(error: BaseException) -> None:
        if isinstance(error, Cancelled):
            show_status("Cancelled: nothing was changed", 8000)
        elif isinstance(error, InvalidData):
            dialogs.show_problems(parent, "Nothing was changed", error)
        elif not crash.is_unexpected(error):
            QMessageBox.critical(parent, APP_NAME, f"{label} failed:\n{error}")

    return run_task(work, on_success, failed, parent=parent, label=label)
