"""A patient's records, one tab per kind, with Add / Edit / Delete (Insert, Enter, Delete keys)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import RECORD_KINDS, Record
from desktop.store import StoredPatient
from desktop.ui import wording
from desktop.ui.alerts_view import read_only_table
from desktop.ui.interactions import class_text

Index = QModelIndex | QPersistentModelIndex
TAB_TITLES = {
    "cycles": "Cycles",
    "mrd": "MRD",
    "counts": "Blood counts",
    "responses": "Responses",
    "adverse_events": "Adverse events",
    "events": "Events",
    "co_mutations": "Co-mutations",
    "medications": "Medications",
}
HEADERS = {
    "number": "Cycle",
    "start_date": "Start",
    "regimen": "Regimen",
    "venetoclax_dose_mg": "Venetoclax (mg/day)",
    "venetoclax_days": "Venetoclax days",
    "hma_days": "HMA days",
    "date": "Date",
    "specimen": "Specimen",
    "npm1_copies": "NPM1 copies",
    "abl1_copies": "ABL1 copies",
    "anc": "ANC (10⁹/L)",
    "platelets": "Platelets (10⁹/L)",
    "hemoglobin": "Hb (g/dL)",
    "wbc": "WBC (10⁹/L)",
    "blasts_pct": "Blasts (%)",
    "category": "Response",
    "term": "Term",
    "grade": "CTCAE grade",
    "type": "Event",
    "gene": "Gene",
    "allelic_ratio": "Allelic ratio",
    "vaf": "VAF",
    "name": "Medication",
    "end_date": "End",
}
#: Columns derived from the record, after its own fields.
EXTRA_COLUMNS = {"mrd": "NPM1/ABL1 (%)", "medications": "Venetoclax interaction"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 1000 else f"{value:g}"
    return str(value)


class RecordsModel(QAbstractTableModel):
    """The records of one kind; MRD rows also show the derived NPM1/ABL1 ratio, medications their interaction
    class (of the parameters shown) and "ongoing" without an end date."""

    def __init__(self, kind: str, parent: Any = None):
        super().__init__(parent)
        self.kind = kind
        self.fields = list(RECORD_KINDS[kind].model_fields)
        self.extra = [EXTRA_COLUMNS[kind]] if kind in EXTRA_COLUMNS else []
        self.records: list[Record] = []
        self.ids: list[int] = []
        self.params: Parameters = DEFAULT_PARAMETERS

    def set_records(self, records: list[Record], ids: list[int], params: Parameters | None = None) -> None:
        self.beginResetModel()
        self.records, self.ids = records, ids
        self.params = params or self.params
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields) + len(self.extra)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            names = [HEADERS.get(f, f) for f in self.fields] + self.extra
            return names[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.records[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column < len(self.fields):
                value = getattr(record, self.fields[column])
                return "ongoing" if value is None and self.fields[column] == "end_date" else _cell(value)
            if self.kind == "medications":
                return class_text(record.name, self.params)  # type: ignore[attr-defined]
            npm1, abl1 = record.npm1_copies, record.abl1_copies  # type: ignore[attr-defined]
            if not npm1:
                return "not detected"
            ratio = npm1 / abl1 * 100
            return f"{ratio:.3g}" if ratio < 1000 else f"{ratio:,.0f}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column < len(self.fields):
                numeric = isinstance(getattr(record, self.fields[column]), int | float)
            else:
                numeric = self.kind == "mrd"  # the ratio; a medication's interaction is text
            if numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RecordsView(QWidget):
    """Tabs of record tables. Signals ask the window to add, edit or delete (it owns dialogs and undo)."""

    add_requested = Signal(str)
    edit_requested = Signal(str, int)
    delete_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.models: dict[str, RecordsModel] = {}
        self.views: dict[str, QTableView] = {}
        for kind in TAB_TITLES:
            model = RecordsModel(kind, self)
            view = read_only_table(model)  # edits go through the record dialog, not the cells
            view.activated.connect(lambda index, k=kind: self._edit(k, index.row()))
            self.models[kind], self.views[kind] = model, view
            self.tabs.addTab(view, TAB_TITLES[kind])
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        self.add_button.setToolTip("Add a record of this kind (Insert)")
        self.edit_button.setToolTip("Edit the selected record (Enter or double-click)")
        self.delete_button.setToolTip("Delete the selected record (Delete); Undo restores it")
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.current_kind))
        self.edit_button.clicked.connect(lambda: self._edit(self.current_kind, self._selected_row()))
        self.delete_button.clicked.connect(self._delete_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, lambda: self.add_requested.emit(self.current_kind))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self, self._delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)

    @property
    def current_kind(self) -> str:
        """The kind of the visible tab."""
        return list(TAB_TITLES)[self.tabs.currentIndex()]

    def show_kind(self, kind: str) -> None:
        """Bring a kind's tab forward."""
        self.tabs.setCurrentIndex(list(TAB_TITLES).index(kind))

    def show_patient(self, stored: StoredPatient | None, params: Parameters | None = None) -> None:
        """Fill every tab from a stored patient (empty when None); `params` name the medications' interactions."""
        for kind, model in self.models.items():
            records = list(getattr(stored.patient, kind) or []) if stored else []
            ids = list(stored.record_ids.get(kind, [])) if stored else []
            model.set_records(records, ids, params)
            self.tabs.setTabText(list(TAB_TITLES).index(kind), f"{TAB_TITLES[kind]} ({len(records)})")
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setEnabled(stored is not None)

    def select_record(self, kind: str, record_id: int) -> None:
        """Select a record by id (after an add or edit)."""
        model = self.models[kind]
        if record_id in model.ids:
            self.show_kind(kind)
            self.views[kind].selectRow(model.ids.index(record_id))

    def _selected_row(self) -> int:
        rows = self.views[self.current_kind].selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _edit(self, kind: str, row: int) -> None:
        if 0 <= row < len(self.models[kind].ids):
            self.edit_requested.emit(kind, self.models[kind].ids[row])

    def _delete_selected(self) -> None:
        kind, row = self.current_kind, self._selected_row()
        if 0 <= row < len(self.models[kind].ids):
            self.delete_requested.emit(kind, self.models[kind].ids[row])

    @staticmethod
    def kind_label(kind: str) -> str:
        """`cycle`, `MRD sample`, …"""
        return wording.RECORD_KIND[kind]
