"""Registry → Outcomes: the registry's outcomes (clinical-rules §9) beside the published figures, in a window of
its own (non-modal: it stays open beside the patients).

Computed on a worker thread on a connection of its own: the window never waits. A newer request (a filter, an
edit, another as-of date) cancels the running one; record changes are gathered for a moment first. While the
window is closed nothing is computed; it catches up when shown again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME
from desktop.ui.charts.outcome_charts import OutcomeCharts
from desktop.ui.outcomes_data import FRAMING, SOURCE, Facets, OutcomesResult, compute, figures, percent, write_csv
from desktop.ui.outcomes_filters import Filters
from desktop.ui.session import RegistrySession
from desktop.ui.single_window import show_single
from desktop.ui.workers import Cancelled, Progress, Task, run_task

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

DATA_DELAY_MS = 400  # record changes come in bursts (an import, undo of many): gather them first
FILTER_DELAY_MS = 150
COLUMNS = ("Outcome", "Patients", "This registry", f"Published ({SOURCE})", "Note")


class OutcomesWindow(QWidget):
    """The outcome charts, the figures table, the filters and the exports, following the main window's session."""

    def __init__(self, main: MainWindow):
        super().__init__(main, Qt.WindowType.Window)
        self.setObjectName("registry_outcomes")
        self.main = main
        self.session: RegistrySession | None = None
        self.result: OutcomesResult | None = None
        self.task: Task | None = None
        self._generation = 0
        self._facets: Facets | None = None
        self._stale = True

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.banner = QLabel(f"⚠ {FRAMING}")
        self.banner.setObjectName("framing")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#framing { background: rgba(201,138,18,0.18); border: 1px solid rgba(201,138,18,0.6);"
            " border-radius: 4px; padding: 5px; }"
        )
        self.status = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setFormat("computing… %p%")
        self.progress.hide()
        self.filters = Filters()
        self.filters.setMinimumWidth(190)
        self.filters.setMaximumWidth(280)
        self.charts = OutcomeCharts()
        self.charts.setMinimumSize(840, 400)  # three panels still readable
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.save_chart_button = QPushButton("Save &chart…")
        self.save_chart_button.clicked.connect(self.save_chart)
        self.csv_button = QPushButton("Export C&SV…")
        self.csv_button.clicked.connect(self.save_csv)
        self.pdf_button = QPushButton("Export &PDF…")
        self.pdf_button.clicked.connect(self.save_pdf)
        close = QPushButton("Close")
        close.clicked.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.status)
        top.addWidget(self.progress)
        self.splitter = right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.charts)
        right.addWidget(self.table)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 0)
        self._table_fitted = False
        middle = QHBoxLayout()
        middle.addWidget(self.filters)
        middle.addWidget(right, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_chart_button)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addLayout(middle, 1)
        layout.addLayout(buttons)
        self._set_exports_enabled(False)

        self._data_timer = self._refresh_timer(DATA_DELAY_MS)
        self._filter_timer = self._refresh_timer(FILTER_DELAY_MS)
        self.filters.changed.connect(self._filter_timer.start)
        screen = main.screen().availableGeometry()
        self.resize(min(1500, screen.width() - 60), min(940, screen.height() - 60))
        self.attach(main.session)

    # ---- the session -------------------------------------------------------------------------------

    def _refresh_timer(self, delay_ms: int) -> QTimer:
        """A single-shot timer that refreshes the figures `delay_ms` after its last start (changes come in bursts)."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(delay_ms)
        timer.timeout.connect(self.refresh)
        return timer

    def attach(self, session: RegistrySession) -> None:
        """Follow `session` (the main window's; another one after File → Open)."""
        self.session = session
        for signal in (session.patient_changed, session.patient_removed, session.reloaded, session.as_of_changed,
                       session.changed_elsewhere, session.evaluations_ready, session.patient_renamed):  # fmt: skip
            signal.connect(self._data_changed)
        session.destroyed.connect(self._session_closed)
        self.setWindowTitle(f"{APP_NAME}: registry outcomes — {session.path.name}")
        self._data_changed()

    def _session_closed(self) -> None:
        """The main window switched registries: start again on the new one, with every patient selected."""
        self._cancel()
        self.result, self._facets = None, None
        self.filters.blockSignals(True)
        self.filters.reset()
        self.filters.blockSignals(False)
        QTimer.singleShot(0, self, lambda: self.attach(self.main.session))  # dropped if this window is gone

    def _data_changed(self, *_: object) -> None:
        self._facets = None  # years and regimens may have changed too
        self._stale = True
        if self.isVisible():
            self._data_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ---- computing -----------------------------------------------------------------------------------

    def refresh(self) -> Task | None:
        """Compute again in the background with the filters and the session's as-of date (cancels a running
        computation)."""
        session = self.session
        if session is None:
            return None
        self._cancel()
        self._generation += 1
        self._stale = False
        generation, path, as_of = self._generation, session.path, session.as_of
        selection, facets = self.filters.selection(), self._facets

        def work(progress: Progress) -> OutcomesResult:
            return compute(path, as_of, selection, facets, progress)

        def done(result: OutcomesResult) -> None:
            if generation == self._generation:
                self.task = None
                self._show(result)

        def failed(error: BaseException) -> None:
            if generation == self._generation and not isinstance(error, Cancelled):
                self.task = None
                self._busy(False)
                self.status.setText(f"Computing the outcomes failed: {error}")

        self._busy(True)
        task = run_task(work, done, failed, on_progress=self._progress, start=False)
        self.task = task  # before it starts: a synchronous pool finishes it inside `start`
        return task.start()

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self._data_timer.stop()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self.status.setText("Computing…")
        self._set_exports_enabled(not busy and self.result is not None)

    @property
    def computing(self) -> bool:
        """Whether a computation is running."""
        return self.task is not None

    def _show(self, result: OutcomesResult) -> None:
        self.result = result
        self._facets = result.facets
        self.filters.blockSignals(True)
        self.filters.set_facets(result.facets)
        self.filters.blockSignals(False)
        self.heading.setText(
            f"<b>Registry outcomes</b> (clinical rules §9) as of <b>{result.as_of.isoformat()}</b> · "
            f"{result.counts_text()}"
        )
        what = f"VenTrack, {result.registry_name}, as of {result.as_of.isoformat()}: {result.counts_text()}"
        self.charts.show_outcomes(result.outcomes, f"{what}; published: {SOURCE}.\n{FRAMING}")
        self._fill_table(result)
        self._busy(False)
        self.status.setText("")

    def _fill_table(self, result: OutcomesResult) -> None:
        rows = figures(result.outcomes)
        self.table.setRowCount(len(rows))
        for row, figure in enumerate(rows):
            texts = (figure.label, figure.patients_text(), percent(figure.value), percent(figure.published),
                     figure.note)  # fmt: skip
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        if not self._table_fitted:  # the whole table at first; the user may move the splitter later
            self._table_fitted = True
            height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + 2
            height += sum(self.table.rowHeight(row) for row in range(self.table.rowCount()))
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([max(total - height, 300), height])

    # ---- exports ---------------------------------------------------------------------------------------

    def _set_exports_enabled(self, enabled: bool) -> None:
        for button in (self.save_chart_button, self.csv_button, self.pdf_button):
            button.setEnabled(enabled)

    def _stem(self) -> str:
        as_of = self.result.as_of if self.result else dt.date.today()
        return f"ventrack-outcomes-{as_of.isoformat()}"

    def save_chart(self) -> None:
        """Save the three charts as PNG or SVG."""
        name, _ = QFileDialog.getSaveFileName(self, "Save chart", f"{self._stem()}.png",
                                              "PNG image (*.png);;SVG drawing (*.svg)")  # fmt: skip
        if name:
            self._export(lambda: self.charts.export_image(Path(name)), name)

    def save_csv(self) -> None:
        """Save the figures and the curves' life tables as CSV."""
        name, _ = QFileDialog.getSaveFileName(self, "Export CSV", f"{self._stem()}.csv", "CSV (*.csv)")
        if name and self.result is not None:
            result = self.result
            self._export(lambda: write_csv(Path(name), result, dt.datetime.now()), name)

    def save_pdf(self) -> None:
        """Save the outcomes report as PDF."""
        name, _ = QFileDialog.getSaveFileName(self, "Export PDF", f"{self._stem()}.pdf", "PDF (*.pdf)")
        if name and self.result is not None:
            from desktop.ui.reports.outcomes_report import write_outcomes_report

            result = self.result
            self._export(lambda: write_outcomes_report(Path(name), result, dt.datetime.now()), name)

    def _export(self, write: object, name: str) -> None:
        try:
            write()  # type: ignore[operator]
        except OSError as error:
            QMessageBox.critical(self, APP_NAME, f"Could not save {name}:\n{error.strerror or error}")
        else:
            self.status.setText(f"Saved {Path(name).name}")

    def closeEvent(self, event: object) -> None:
        self._cancel()
        super().closeEvent(event)  # type: ignore[arg-type]


def show_outcomes(main: MainWindow) -> OutcomesWindow:
    """Show the main window's Outcomes window (created on first use), in front."""
    return show_single(main, OutcomesWindow, "registry_outcomes")
