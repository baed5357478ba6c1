"""The left pane: type-to-filter box, filter chips and the patient table (model/view, 10,000 rows)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.fonts import unshaped
from desktop.ui.patient_list import (
    COLUMNS,
    FILTER_TIPS,
    FILTERS,
    NAME_COLUMN,
    PATIENT_ID_ROLE,
    PatientFilterProxy,
    PatientTableModel,
)

COLUMN_WIDTHS = {
    "Patient": 72,
    "Name": 112,
    "Eligibility": 108,  # "insufficient data" unelided
    "Alerts": 86,
    "Next MRD due": 148,  # "2026-12-02  OVERDUE" unelided
    "Latest MRD (NPM1/ABL1)": 190,
    "State": 120,
    "Cycles": 50,
    "Regimen": 80,
    "Diagnosis": 86,
}
VISUAL_ORDER = tuple(COLUMN_WIDTHS)  # id and name, then eligibility, alerts and the next MRD due
#: Space around the pane's contents, in pixels.
MARGIN = 4
#: The columns shown until the user chooses others (header context menu): what fits beside the charts.
COMPACT_COLUMNS = ("Patient", "Name", "Eligibility", "Alerts", "Next MRD due")


class PatientBrowser(QWidget):
    """Emits `patient_selected(id)` when the current patient changes (empty string for none)."""

    patient_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = PatientTableModel(self)
        self.proxy = PatientFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by patient id, name or regimen (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.chips: dict[str, QPushButton] = {}
        chips = QHBoxLayout()
        chips.setSpacing(4)
        for name, (label, _) in FILTERS.items():
            chip = QPushButton(label)
            chip.setCheckable(True)
            chip.setToolTip(f"Show only patients {FILTER_TIPS[name]} (chips combine: every checked one must hold)")
            chip.toggled.connect(self._chips_changed)
            chip.setStyleSheet("QPushButton { padding: 2px 8px; border-radius: 9px; }")
            self.chips[name] = chip
            chips.addWidget(chip)
        chips.addStretch(1)
        self.count = QLabel()
        self.table = QTableView()
        self.table.setFont(unshaped(self.table.font()))  # see `fonts.py`: cells are laid out at every paint
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)  # a whole row is selected: every column would light up (and repaint)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._choose_columns)
        header.setToolTip("Click to sort; right-click to choose the columns")
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(COLUMNS.index(column), width)
        for visual, column in enumerate(VISUAL_ORDER):  # what needs action first: no sideways scroll to see it
            header.moveSection(header.visualIndex(COLUMNS.index(column)), visual)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.filter.returnPressed.connect(self._focus_table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addWidget(self.filter)
        layout.addLayout(chips)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    @property
    def current_patient_id(self) -> str | None:
        """The selected patient's id."""
        index = self.table.currentIndex()
        return index.data(PATIENT_ID_ROLE) if index.isValid() else None

    def select_patient(self, patient_id: str) -> bool:
        """Select and reveal a patient (clears the filters if they hide it); False if unknown."""
        row = self.model.row_of(patient_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            self.clear_filters()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(proxy_index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def clear_filters(self) -> None:
        """Show every patient."""
        self.filter.clear()
        for chip in self.chips.values():
            chip.setChecked(False)

    def visible_columns(self) -> list[str]:
        """The names of the columns shown."""
        return [name for i, name in enumerate(COLUMNS) if not self.table.isColumnHidden(i)]

    def set_visible_columns(self, names: list[str] | tuple[str, ...]) -> None:
        """Show these columns (unknown names are ignored; the patient id is always shown)."""
        for i, name in enumerate(COLUMNS):
            self.table.setColumnHidden(i, name != COLUMNS[0] and name not in names)

    def columns_width(self) -> int:
        """The width the shown columns need, with the scroll bar and margins."""
        shown = self.visible_columns()  # their set widths: the last one is stretched to the viewport
        columns = sum(width for name, width in COLUMN_WIDTHS.items() if name in shown)
        return columns + self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth() + (2 * MARGIN)

    def _choose_columns(self, position: QPoint) -> None:
        menu = QMenu(self)
        for i, name in enumerate(COLUMNS[1:], start=1):
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(i))
            action.toggled.connect(lambda on, column=i: self.table.setColumnHidden(column, not on))
        menu.popup(self.table.horizontalHeader().mapToGlobal(position))

    def set_hide_names(self, hide: bool) -> None:
        """Hide the name column (de-identified view)."""
        self.table.setColumnHidden(NAME_COLUMN, hide)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _chips_changed(self) -> None:
        self.proxy.set_chips(name for name, chip in self.chips.items() if chip.isChecked())
        self._update_count()

    def _update_count(self, *_: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown:,} of {total:,} patients" if shown != total else f"{total:,} patients")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.patient_selected.emit(current.data(PATIENT_ID_ROLE) if current.isValid() else "")

    def _focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)
