"""Follow-up views: one patient's MRD schedule, and the registry-wide alerts list (click opens the patient)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.clinical.alerts import SEVERITY_ORDER, Alert
from desktop.clinical.evaluation import PatientEvaluation
from desktop.clinical.schedule import ScheduleItem
from desktop.ui import wording

Index = QModelIndex | QPersistentModelIndex


class _ListModel(QAbstractTableModel):
    """A read-only table of rows of texts with an optional colour per row."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.items: list[Any] = []
        self._texts: list[tuple[str, ...]] = []

    def set_items(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self._texts = [self.texts(item) for item in self.items]
        self.endResetModel()

    def texts(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def colour(self, item: Any) -> Any:
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            colour = self.colour(item)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole and index.column() == 1 and self.colour(item) is not None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._texts[index.row()][-1]
        return None


class ScheduleModel(_ListModel):
    """One patient's MRD follow-up items (done, due, overdue, upcoming)."""

    headers = ("Due", "Status", "Window", "Sample", "Reason")

    def texts(self, item: ScheduleItem) -> tuple[str, ...]:
        course = "" if item.current_course else " (earlier course)"
        return (
            item.due_date.isoformat(),
            wording.SCHEDULE_STATUS[item.status],
            f"{item.window_start.isoformat()} – {item.window_end.isoformat()}",
            item.sample_date.isoformat() if item.sample_date else "",
            f"{item.reason}{course}",
        )

    def colour(self, item: ScheduleItem) -> Any:
        return wording.SCHEDULE_COLOUR[item.status]


class AlertsModel(_ListModel):
    """Alerts, most severe first."""

    headers = ("Patient", "Severity", "Date", "Alert", "Message")

    def texts(self, item: Alert) -> tuple[str, ...]:
        alert = wording.ALERT.get(item.code, item.code.replace("_", " "))
        return (item.patient_id, item.severity, item.date.isoformat(), alert, item.message)

    def colour(self, item: Alert) -> Any:
        return wording.SEVERITY_COLOUR[item.severity]


def read_only_table(model: QAbstractItemModel, widths: Sequence[int] = ()) -> QTableView:
    """A read-only row-selecting table; with `widths`, fixed column widths (ResizeToContents reads every row,
    too slow for the 10,000-row alerts list)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    if widths:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(widths):
            view.setColumnWidth(column, width)
    else:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


class FollowUpView(QWidget):
    """One patient's schedule and active alerts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.schedule_model = ScheduleModel(self)
        self.alerts_model = AlertsModel(self)
        self.schedule = read_only_table(self.schedule_model)
        self.alerts = read_only_table(self.alerts_model)
        self.alerts.setColumnHidden(0, True)
        self.alerts.setWordWrap(True)  # a patient's few alerts: the whole sentence, not "CTCAE grad…"
        self.alerts.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.alerts_title = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>MRD follow-up schedule</b> (NPM1 MRD timing: VenTrack rules §6)"))
        layout.addWidget(self.schedule, 3)
        layout.addWidget(self.alerts_title)
        layout.addWidget(self.alerts, 1)

    def show_evaluation(self, evaluation: PatientEvaluation | None) -> None:
        """Show a patient's schedule and alerts (empty when None)."""
        schedule = evaluation.schedule if evaluation else []
        alerts = evaluation.alerts if evaluation else []
        self.schedule_model.set_items(schedule)
        self.alerts_model.set_items(alerts)
        self.alerts_title.setText(f"<b>Active alerts</b> ({len(alerts)})" if alerts else "<b>Active alerts:</b> none")


class AlertsPanel(QWidget):
    """Every active alert of the registry, sorted by severity; activating one asks to open its patient."""

    open_patient = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = AlertsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = read_only_table(self.proxy, (80, 70, 90, 200))
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.activated.connect(self._activated)
        self.summary = QLabel("Evaluating…")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)

    def show_alerts(self, evaluations: Iterable[PatientEvaluation]) -> None:
        """Show the alerts of these evaluations: critical first, then warnings, then information."""
        alerts = sorted(
            (alert for e in evaluations for alert in e.alerts),
            key=lambda a: (SEVERITY_ORDER[a.severity], a.date, a.patient_id, a.code),
        )
        self.model.set_items(alerts)
        hint = "  —  press Enter or double-click to open the patient" if alerts else ""
        self.summary.setText(_summary(alerts) + hint)

    def _activated(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        self.open_patient.emit(self.model.items[source.row()].patient_id)


def _summary(alerts: Sequence[Alert]) -> str:
    counts = {severity: 0 for severity in SEVERITY_ORDER}
    for alert in alerts:
        counts[alert.severity] += 1
    return ", ".join(f"{n} {severity}" for severity, n in counts.items()) if alerts else "No active alerts"
