"""The patient list: a table model over one precomputed row per patient, and a filter proxy.

Rows hold their display texts and sort keys, computed once per change, so `data()` is a lookup and a
10,000-patient registry filters and sorts without touching the database. Sorting is done by the source
model (one Python sort of keys) rather than by the proxy's per-pair comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush

from desktop.clinical.evaluation import PatientEvaluation
from desktop.clinical.mrd import classify
from desktop.clinical.parameters import Parameters
from desktop.store import PatientSummary
from desktop.ui import wording

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (
    "Patient",
    "Name",
    "Diagnosis",
    "Regimen",
    "Cycles",
    "Latest MRD (NPM1/ABL1)",
    "State",
    "Eligibility",
    "Next MRD due",
    "Alerts",
)
NAME_COLUMN = 1
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DISPLAY_ROLE, FOREGROUND_ROLE = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ForegroundRole)
ALIGNMENT_ROLE, TOOLTIP_ROLE = int(Qt.ItemDataRole.TextAlignmentRole), int(Qt.ItemDataRole.ToolTipRole)
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NOT_EVALUATED = "…"
CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


@dataclass(slots=True)
class PatientRow:
    """What the list shows of one patient, with sort keys and filter flags."""

    patient_id: str
    texts: tuple[str, ...]
    keys: tuple[Any, ...]
    search: str
    eligible: bool = False
    overdue: bool = False
    critical: bool = False
    on_therapy: bool = False
    off_therapy: bool = False
    severity: str | None = None
    status: str | None = None
    next_due_status: str | None = None


def build_row(summary: PatientSummary, evaluation: PatientEvaluation | None, params: Parameters) -> PatientRow:
    """The list row of a patient from its summary and (when known) its evaluation."""
    mrd_class = ratio = None
    if summary.latest_mrd_npm1 is not None and summary.latest_mrd_abl1:
        mrd_class = classify(summary.latest_mrd_npm1, summary.latest_mrd_abl1, params)
        ratio = summary.latest_mrd_npm1 / summary.latest_mrd_abl1 * 100
    mrd = wording.mrd_text(mrd_class, ratio)
    if mrd and summary.latest_mrd_date:
        mrd = f"{mrd}  ({summary.latest_mrd_date.isoformat()})"
    state = status = severity = next_status = None
    next_due: dt.date | None = None
    alert_text = state_text = status_text = due_text = _NOT_EVALUATED
    alert_count = 0
    if evaluation is not None:
        state, status = evaluation.state.state, evaluation.eligibility.status
        state_text, status_text = wording.STATE[state], wording.ELIGIBILITY_SHORT[status]
        pending = [item for item in evaluation.schedule if item.status != "done" and item.current_course]
        if pending:
            first = min(pending, key=lambda item: item.due_date)
            next_due, next_status = first.due_date, first.status
            due_text = f"{first.due_date.isoformat()}  {wording.SCHEDULE_STATUS[first.status]}"
        else:
            due_text = ""
        alert_count = len(evaluation.alerts)
        if evaluation.alerts:
            severity = max((a.severity for a in evaluation.alerts), key=wording.SEVERITY_RANK.__getitem__)
            alert_text = f"{severity} ({alert_count})" if alert_count > 1 else severity
        else:
            alert_text = ""
    texts = (
        summary.patient_id,
        summary.name or "",
        summary.diagnosis_date.isoformat(),
        summary.regimen or "",
        str(summary.cycles),
        mrd,
        state_text,
        status_text,
        due_text,
        alert_text,
    )
    keys = (
        summary.patient_id,
        (summary.name or "").casefold(),
        summary.diagnosis_date,
        summary.regimen or "",
        summary.cycles,
        (ratio if ratio is not None else -1.0),
        state_text,
        status_text,
        next_due or dt.date.max,
        (-wording.SEVERITY_RANK[severity], -alert_count),
    )
    return PatientRow(
        summary.patient_id,
        texts,
        keys,
        " ".join((summary.patient_id, summary.name or "", summary.regimen or "")).casefold(),
        eligible=status == "eligible",
        overdue=next_status == "overdue"
        or any(a.code == "mrd_overdue" for a in (evaluation.alerts if evaluation else ())),
        critical=severity == "critical",
        on_therapy=state == "on_therapy",
        off_therapy=state == "off_therapy",
        severity=severity,
        status=status,
        next_due_status=next_status,
    )


class PatientTableModel(QAbstractTableModel):
    """One row per patient (see `PatientRow`)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[PatientRow] = []
        self._row_of: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    # ---- Qt model API ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._value(self.rows[index.row()], index.column(), role)

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan) -> None:  # type: ignore[override]
        """Every role a cell is painted with in one call (the view asks for seven per cell)."""
        row, column = self.rows[index.row()], index.column()
        for role_data in roleDataSpan:  # type: ignore[attr-defined]  # iterable at run time, not in the stubs
            role_data.setData(self._value(row, column, role_data.role()))

    @staticmethod
    def _value(row: PatientRow, column: int, role: int) -> Any:
        if role == DISPLAY_ROLE:
            return row.texts[column]
        if role == PATIENT_ID_ROLE:
            return row.patient_id
        if role == FOREGROUND_ROLE:
            colour = None
            if column == 7 and row.status:
                colour = wording.STATUS_COLOUR.get(row.status)
            elif column == 8 and row.next_due_status:
                colour = wording.SCHEDULE_COLOUR.get(row.next_due_status)
            elif column == 9 and row.severity:
                colour = wording.SEVERITY_COLOUR[row.severity]
            return QBrush(colour) if colour is not None else None
        if role == ALIGNMENT_ROLE and column == 4:
            return RIGHT_ALIGNED
        if role == TOOLTIP_ROLE and column == 9 and row.severity:
            return "Alerts: see the patient's follow-up tab or the alerts dock"
        if role == TOOLTIP_ROLE and column == 7 and row.status:
            return f"TFR criteria (rules §4): {wording.ELIGIBILITY[row.status]}"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = {row.patient_id: i for i, row in enumerate(self.rows)}
        persistent = self.persistentIndexList()
        self._apply_sort()
        self._remap_persistent(persistent, old)
        self.layoutChanged.emit()

    # ---- content ----------------------------------------------------------------------------------

    def reset_rows(self, rows: Iterable[PatientRow]) -> None:
        """Replace every row (opening a registry, an import, a registry-wide evaluation)."""
        self.beginResetModel()
        self.rows = list(rows)
        self._apply_sort()
        self.endResetModel()

    def update_rows(self, rows: Iterable[PatientRow]) -> None:
        """Refresh the rows of these patients in place (same set of patients)."""
        for new in rows:
            i = self._row_of.get(new.patient_id)
            if i is not None:
                self.rows[i] = new
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def upsert(self, row: PatientRow) -> None:
        """Add or refresh one patient's row."""
        i = self._row_of.get(row.patient_id)
        if i is None:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
            self.rows.append(row)
            self._row_of[row.patient_id] = len(self.rows) - 1
            self.endInsertRows()
            self.sort(*self._sort)
        else:
            self.rows[i] = row
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def remove(self, patient_id: str) -> None:
        """Remove one patient's row."""
        i = self._row_of.get(patient_id)
        if i is None:
            return
        self.beginRemoveRows(QModelIndex(), i, i)
        del self.rows[i]
        self._row_of = {row.patient_id: n for n, row in enumerate(self.rows)}
        self.endRemoveRows()

    def row_of(self, patient_id: str) -> int | None:
        """The source row of a patient."""
        return self._row_of.get(patient_id)

    def _apply_sort(self) -> None:
        column, order = self._sort
        self.rows.sort(
            key=lambda row: (row.keys[column], row.patient_id), reverse=order == Qt.SortOrder.DescendingOrder
        )
        self._row_of = {row.patient_id: n for n, row in enumerate(self.rows)}

    def _remap_persistent(self, persistent: list[QModelIndex], old: dict[str, int]) -> None:
        ids_by_old_row = {row: pid for pid, row in old.items()}
        new_indexes = []
        for index in persistent:
            pid = ids_by_old_row.get(index.row())
            new_row = self._row_of.get(pid) if pid is not None else None
            new_indexes.append(self.index(new_row, index.column()) if new_row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, new_indexes)


FILTERS: dict[str, tuple[str, Callable[[PatientRow], bool]]] = {
    "eligible": ("Criteria met", lambda row: row.eligible),
    "overdue": ("MRD overdue", lambda row: row.overdue),
    "critical": ("Critical alerts", lambda row: row.critical),
    "on_therapy": ("On therapy", lambda row: row.on_therapy),
    "off_therapy": ("Off therapy", lambda row: row.off_therapy),
}

#: Whom each chip keeps ("Show only patients …"), for its tooltip.
FILTER_TIPS: dict[str, str] = {
    "eligible": "who meet all TFR criteria (rules §4): a planned stop to discuss, not a decision",
    "overdue": "with an overdue MRD assessment",
    "critical": "with a critical alert",
    "on_therapy": "on venetoclax-based therapy",
    "off_therapy": "off therapy (treatment-free remission follow-up)",
}


class PatientFilterProxy(QSortFilterProxyModel):
    """Type-to-filter on id, name and regimen, plus filter chips (all selected chips must hold)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._needle = ""
        self._chips: tuple[Callable[[PatientRow], bool], ...] = ()
        self._source: Any = None
        self.setDynamicSortFilter(False)

    def set_text(self, text: str) -> None:
        """Keep the patients whose id, name or regimen contains `text` (any case)."""
        needle = text.strip().casefold()
        if needle != self._needle:
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_chips(self, names: Iterable[str]) -> None:
        """Keep the patients that satisfy every named filter of `FILTERS`."""
        self.beginFilterChange()
        self._chips = tuple(FILTERS[name][1] for name in names)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        """Also keep the model on the Python side: `filterAcceptsRow` runs once per row on every keystroke."""
        self._source = model
        super().setSourceModel(model)

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan) -> None:  # type: ignore[override]
        """Map the cell once and let the source fill every role (Qt's proxy would ask it role by role)."""
        self._source.multiData(self.mapToSource(index), roleDataSpan)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Every cell is enabled and selectable, never edited: answered here, since Qt's proxy maps the cell
        to the source and back into Python twice (its row and column counts) for each painted cell."""
        return CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        row = self._source.rows[source_row]
        if self._needle and self._needle not in row.search:
            return False
        return not self._chips or all(chip(row) for chip in self._chips)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)
