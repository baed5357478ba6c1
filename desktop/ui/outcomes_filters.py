"""The Outcomes window's filters: checkable lists of diagnosis years and first regimens, each with its patient
count; everything is checked at first ("all"), and values that appear later are checked only while the list
still selects all."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from desktop.ui.outcomes_data import NO_CYCLE, Facets, Selection

VALUE_ROLE = Qt.ItemDataRole.UserRole


class FacetList(QWidget):
    """One filter: a title, "All" and "None" buttons, and a checkable list; `changed` when the choice changes."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName(title)
        self.list.itemChanged.connect(self._item_changed)
        label = QLabel(f"<b>{title}</b>")
        label.setBuddy(self.list)
        every = QPushButton("All")
        none = QPushButton("None")
        for button in (every, none):
            button.setAutoDefault(False)
        every.clicked.connect(lambda: self.set_checked(None))
        none.clicked.connect(lambda: self.set_checked(set()))
        head = QHBoxLayout()
        head.addWidget(label, 1)
        head.addWidget(every)
        head.addWidget(none)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.list)
        self._chosen: set[Hashable] | None = None  # None: all, including values not listed yet
        self._filling = False

    def set_values(self, values: Sequence[tuple[Hashable, str]]) -> None:
        """List these (value, text) pairs, keeping the user's choice."""
        self._filling = True
        try:
            self.list.clear()
            for value, text in values:
                item = QListWidgetItem(text)
                item.setData(VALUE_ROLE, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                chosen = self._chosen is None or value in self._chosen
                item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
                self.list.addItem(item)
        finally:
            self._filling = False

    def chosen(self) -> frozenset[Hashable] | None:
        """The values checked, or None when all are (no filter)."""
        return None if self._chosen is None else frozenset(self._chosen)

    def set_checked(self, values: set[Hashable] | None) -> None:
        """Check these values (None: all); `changed` when that changes the choice."""
        before = self._chosen
        self._chosen = None if values is None else set(values)
        self._filling = True
        try:
            for item in self.items():
                chosen = values is None or item.data(VALUE_ROLE) in values
                item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        finally:
            self._filling = False
        if before != self._chosen:
            self.changed.emit()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def _item_changed(self, _: QListWidgetItem) -> None:
        if self._filling:
            return
        checked = {i.data(VALUE_ROLE) for i in self.items() if i.checkState() == Qt.CheckState.Checked}
        self._chosen = None if len(checked) == self.list.count() else checked
        self.changed.emit()


class Filters(QWidget):
    """Diagnosis year and first regimen; `changed` when the selection changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.years = FacetList("Diagnosis year")
        self.regimens = FacetList("First regimen")
        hint = QLabel("A patient's regimen is that of the first cycle.")
        hint.setWordWrap(True)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.years, 3)
        layout.addWidget(self.regimens, 2)
        layout.addWidget(hint)
        self.years.changed.connect(self.changed)
        self.regimens.changed.connect(self.changed)

    def set_facets(self, facets: Facets) -> None:
        """List the years and regimens of the registry with their patient counts."""
        self.years.set_values([(year, f"{year}  ({n:,})") for year, n in facets.years()])
        self.regimens.set_values([(r, f"{NO_CYCLE if r is None else r}  ({n:,})") for r, n in facets.regimens()])

    def selection(self) -> Selection:
        """The patients the filters select."""
        years, regimens = self.years.chosen(), self.regimens.chosen()
        return Selection(
            None if years is None else frozenset(int(y) for y in years),  # type: ignore[call-overload]
            None if regimens is None else frozenset(regimens),  # type: ignore[arg-type]
        )

    def reset(self) -> None:
        """Select all again (another registry)."""
        self.years.set_checked(None)
        self.regimens.set_checked(None)
