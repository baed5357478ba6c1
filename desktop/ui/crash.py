"""Unexpected exceptions in the app: the traceback goes to the log file, one dialog says what happened, and the
app keeps running.

`install(app)` sets `sys.excepthook` (exceptions in slots and event handlers; PySide reports them there) and
`threading.excepthook` (Python threads). Either may be called on any thread: the report is logged at once and
handed to the GUI thread by a queued signal. Exceptions of background tasks (`workers.run_task`) are caught by the
task and reach `report_exception` on the GUI thread. One dialog at a time: while it is open, further errors are
counted in it; after it is closed, the same error is shown again only after `QUIET_SECONDS` (counted meanwhile).
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.services.logging_setup import log_file

log = logging.getLogger(__name__)
#: After its dialog is closed, the same error (type and place) is shown again only after this many seconds.
QUIET_SECONDS = 30.0
#: Repeats of one error logged one line each, then no more (the dialog keeps counting).
MAX_LOGGED_REPEATS = 20
#: Registry methods that write in one transaction: an exception inside one means that change was rolled back.
_STORE_WRITES = frozenset(
    {"add_patient", "update_patient", "delete_patient", "add_record", "update_record", "delete_record",
     "import_patients", "replace_all_patients", "set_setting"}
)  # fmt: skip
NO_DATA_LOST = (
    "No data was lost: every change is saved in its own transaction, so a change is either saved whole or not at all."
)


@dataclass(slots=True)
class CrashReport:
    """One unexpected exception, as shown and copied."""

    kind: str  # the exception's type name
    message: str  # its message, one line
    details: str  # version, time, thread and the traceback
    signature: tuple[str, str, int]  # type, file and line where it was raised: what makes two errors "the same"
    unsaved: str | None = None  # what was not saved, when that can be told
    in_background: bool = False

    @property
    def sentence(self) -> str:
        """What happened, in one sentence."""
        where = " in a background task" if self.in_background else ""
        what = f"{self.kind}: {self.message}"
        return f"{APP_NAME} ran into an unexpected error{where} and stopped what it was doing ({what})."


def build_report(exc_type: type[BaseException], error: BaseException, tb: TracebackType | None) -> CrashReport:
    """A report of the exception: its traceback text and, from its frames, what was not saved."""
    thread = threading.current_thread()
    message = " ".join(str(error).split()) or "no message"
    if len(message) > 300:
        message = message[:297] + "…"
    frames = list(traceback.walk_tb(tb))
    last = frames[-1][0].f_code if frames else None
    signature = (exc_type.__name__, last.co_filename if last else "", frames[-1][1] if frames else 0)
    details = "\n".join(
        [
            f"{APP_NAME} {__version__}, Python {platform.python_version()}, {platform.platform()}",
            f"{dt.datetime.now().isoformat(timespec='seconds')}, thread {thread.name}",
            "",
            "".join(traceback.format_exception(exc_type, error, tb)).rstrip(),
        ]
    )
    in_background = thread is not threading.main_thread() or _raised_in_worker(frames)
    unsaved = unsaved_change(frames) if thread is threading.main_thread() else None
    return CrashReport(exc_type.__name__, message, details, signature, unsaved, in_background)


def _raised_in_worker(frames: list[tuple[Any, int]]) -> bool:
    return any(frame.f_code.co_name == "run" and frame.f_code.co_filename.endswith("workers.py") for frame, _ in frames)


def unsaved_change(frames: list[tuple[Any, int]]) -> str | None:
    """What was not saved, told from the traceback's frames (GUI thread only), or None when no form was saving.

    Raised inside a registry write: that transaction was rolled back. Raised before the save reached the undo
    commands or the registry: nothing was written. Otherwise (after the write, or in between) it cannot be told.
    """
    from desktop.ui.forms.form import EntryDialog  # at crash time: start-up stays light

    form: EntryDialog | None = None
    in_store_write = reached_registry = False
    for frame, _ in frames:
        code = frame.f_code
        place = Path(code.co_filename)
        in_store = place.parent.name == "store"
        in_store_write |= in_store and code.co_name in _STORE_WRITES
        reached_registry |= in_store or (place.name == "commands.py" and place.parent.name == "ui")
        if form is None:
            form = next((v for v in frame.f_locals.values() if isinstance(v, EntryDialog)), None)
    if form is None:
        return None
    entry = f"Your entry in “{form.windowTitle()}”"
    still_open = " The form is still open with what you typed." if form.isVisible() else ""
    if in_store_write:
        return f"{entry} was not saved: the registry undid the unfinished change.{still_open}"
    if not reached_registry:
        return f"{entry} was not saved: the error came before anything was written.{still_open}"
    return f"{entry} may have been saved just before the error: check the patient's records before saving again."


class CrashDialog(QDialog):
    """Says what happened, that no data was lost, where the log is; Copy details puts the report on the clipboard."""

    def __init__(self, report: CrashReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.report = report
        self.repeats = 0
        self.setObjectName("crash")
        self.setWindowTitle(f"{APP_NAME}: unexpected error")
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumWidth(460)
        self.repeat_label = QLabel()
        self.repeat_label.setWordWrap(True)
        self.repeat_label.hide()
        self.details = QPlainTextEdit(report.details, readOnly=True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumHeight(180)
        self.details.hide()
        buttons = QDialogButtonBox()
        self.copy_button: QPushButton = buttons.addButton("&Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setToolTip("Copy the error report (with the traceback) to the clipboard, for a bug report")
        self.copy_button.clicked.connect(self.copy_details)
        self.details_button: QPushButton = buttons.addButton("Show &details", QDialogButtonBox.ButtonRole.ActionRole)
        self.details_button.clicked.connect(self._toggle_details)
        close = buttons.addButton("C&ontinue working", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        top = QVBoxLayout()
        top.addWidget(self.message)
        top.addWidget(self.repeat_label)
        line = QHBoxLayout()
        line.addWidget(icon)
        line.addLayout(top, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(line)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.message.setText(self._text())

    def _text(self) -> str:
        report = self.report
        path = log_file()
        where = f"The details are in the log file {path}." if path else "No log file was written: copy the details."
        saved = f" {report.unsaved}" if report.unsaved else ""
        return (
            f"<p><b>{_escape(report.sentence)}</b></p><p>{_escape(NO_DATA_LOST + saved)}</p>"
            f"<p>You can keep working. {_escape(where)} Help → About shows the log folder.</p>"
        )

    def add_repeat(self, report: CrashReport) -> None:
        """Another unexpected error while this dialog is open: counted, not shown in a dialog of its own."""
        self.repeats += 1
        same = report.signature == self.report.signature
        times = f"{self.repeats} more time{'s' if self.repeats > 1 else ''}"
        latest = "" if same else f" (latest: {_escape(report.kind)}: {_escape(report.message)})"
        what = "The same error" if same else "Unexpected errors"
        self.repeat_label.setText(f"{what} happened {times} since this one{latest}; each is in the log.")
        self.repeat_label.show()
        if not same:
            self.report.details += f"\n\nAlso: {report.details}"
            self.details.setPlainText(self.report.details)

    def copy_details(self) -> None:
        """The whole report (version, thread, traceback) to the clipboard."""
        QGuiApplication.clipboard().setText(self.report.details)
        self.copy_button.setText("Copied")

    def _toggle_details(self) -> None:
        self.details.setVisible(not self.details.isVisible())
        self.details_button.setText("Hide &details" if self.details.isVisible() else "Show &details")
        self.adjustSize()


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


class CrashReporter(QObject):
    """Receives unexpected exceptions from any thread, logs them there, shows them on the GUI thread."""

    _arrived = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.closed_at: dict[tuple[str, str, int], float] = {}
        self.counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()  # `report` runs on any thread
        self.previous: tuple[Callable[..., Any], Callable[..., Any]] | None = None
        self._arrived.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, exc_type: type[BaseException], error: BaseException, tb: TracebackType | None) -> CrashReport:
        """Log the exception (any thread) and queue its dialog for the GUI thread."""
        report = build_report(exc_type, error, tb)
        with self._lock:
            count = self.counts[report.signature] = self.counts.get(report.signature, 0) + 1
        if count == 1:
            log.error("unexpected error: %s: %s\n%s", report.kind, report.message, report.details)
        elif count <= MAX_LOGGED_REPEATS + 1:
            log.error("unexpected error again (%d times): %s: %s", count, report.kind, report.message)
            if count == MAX_LOGGED_REPEATS + 1:
                log.error("further repeats of %s at %s:%d are not logged", *report.signature)
        self._arrived.emit(report)
        return report

    def excepthook(self, exc_type: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        """`sys.excepthook`: Ctrl+C and exits go to the previous hook; the rest is reported."""
        if issubclass(exc_type, KeyboardInterrupt | SystemExit) or QApplication.instance() is None:
            (self.previous[0] if self.previous else sys.__excepthook__)(exc_type, error, tb)
            return
        self.report(exc_type, error, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        """`threading.excepthook`: an exception that ended a Python thread."""
        if args.exc_type is SystemExit:
            return
        self.report(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    @Slot(object)
    def _show(self, report: CrashReport) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_repeat(report)
            return
        closed = self.closed_at.get(report.signature)
        if closed is not None and time.monotonic() - closed < QUIET_SECONDS:
            return  # just closed: counted and logged, not shown again at once
        self.dialog = CrashDialog(report, QApplication.activeWindow())
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)  # on top and usable, even over a form
        self.dialog.finished.connect(lambda _: self.closed_at.__setitem__(report.signature, time.monotonic()))
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()


_reporter: CrashReporter | None = None


def install(app: QApplication) -> CrashReporter:
    """Install the hooks (once; a second call returns the installed reporter)."""
    global _reporter
    if _reporter is not None:
        return _reporter
    reporter = CrashReporter(app)
    reporter.previous = (sys.excepthook, threading.excepthook)
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.thread_excepthook
    _reporter = reporter
    return reporter


def uninstall() -> None:
    """Restore the hooks `install` replaced (tests)."""
    global _reporter
    if _reporter is not None:
        if _reporter.previous is not None:
            sys.excepthook, threading.excepthook = _reporter.previous
        _reporter.deleteLater()
    _reporter = None


def report_exception(error: BaseException) -> None:
    """Report an exception caught elsewhere (a background task's): the dialog when installed, else the log."""
    if _reporter is not None:
        _reporter.report(type(error), error, error.__traceback__)
    else:
        log.error("unexpected error", exc_info=error)


def is_unexpected(error: BaseException) -> bool:
    """Whether a failure is a bug rather than one the app explains itself (refused data, registry, file, cancel)."""
    from desktop.domain import InvalidData
    from desktop.store import RegistryError
    from desktop.ui.workers import Cancelled

    return not isinstance(error, InvalidData | RegistryError | OSError | Cancelled)
