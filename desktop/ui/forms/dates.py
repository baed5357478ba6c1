"""Date inputs: YYYY-MM-DD with a calendar pop-up, typed like text; an optional date with a "known" box."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QDateEdit, QWidget

from desktop.ui.forms.fields import FormField

FIRST_DATE = QDate(1900, 1, 1)
LAST_DATE = QDate(2100, 12, 31)


def to_qdate(value: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    """A QDate as a Python date."""
    return dt.date(value.year(), value.month(), value.day())


class IsoDateEdit(QDateEdit):
    """A QDateEdit that types like a text field: Tab leaves it (arrows move between year, month and day),
    and a `-` typed just after a section filled itself in is not taken as a second move."""

    def __init__(self) -> None:
        super().__init__()
        self._advanced = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.text() == "-" and self._advanced:
            self._advanced = False
            event.accept()
            return
        before = self.currentSection()
        super().keyPressEvent(event)
        self._advanced = event.text().isdigit() and self.currentSection() != before

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class DateField(FormField):
    """A date with a calendar pop-up, shown and typed as YYYY-MM-DD."""

    def __init__(self, name: str, label: str, hint: str = ""):
        edit = IsoDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDateRange(FIRST_DATE, LAST_DATE)
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0000-00-00") + 48)
        super().__init__(name, label, edit, hint=hint or "YYYY-MM-DD; Alt+Down opens the calendar")
        self.date_edit = edit

    def read(self) -> tuple[Any, str | None]:
        return from_qdate(self.date_edit.date()), None

    def write(self, value: dt.date | None) -> None:
        if value is not None:
            self.date_edit.setDate(to_qdate(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.date_edit.dateChanged.connect(lambda _: callback())


class OptionalDateField(DateField):
    """A date that may be unknown: a "known" check box enables the date (unchecked = not recorded)."""

    def __init__(self, name: str, label: str, default: dt.date, hint: str = ""):
        super().__init__(name, label, hint)
        self.default = default
        self.known = QCheckBox("known")
        self.known.setObjectName(f"{name}_known")
        self.known.setToolTip(f"Uncheck when the {self.label.lower()} is not recorded")
        self.line_layout.insertWidget(0, self.known)
        self.date_edit.setSpecialValueText("not recorded")
        self.known.toggled.connect(self._known_toggled)
        self._known_toggled(False)

    def focus_chain(self) -> list[QWidget]:
        return [self.known, self.date_edit]

    def _known_toggled(self, known: bool) -> None:
        self.date_edit.setEnabled(known)
        if not known:
            self.date_edit.setDate(self.date_edit.minimumDate())  # shows "not recorded"
        elif self.date_edit.date() == self.date_edit.minimumDate():
            self.date_edit.setDate(to_qdate(self.default))

    def read(self) -> tuple[Any, str | None]:
        return (from_qdate(self.date_edit.date()), None) if self.known.isChecked() else (None, None)

    def write(self, value: dt.date | None) -> None:
        self.known.setChecked(value is not None)
        if value is not None:
            self.date_edit.setDate(to_qdate(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        super().on_change(callback)
        self.known.toggled.connect(lambda _: callback())


class EndDateField(DateField):
    """An end date that may not have come yet: an "ongoing" check box (checked = no end date, the default)
    disables the date; unchecking it offers `default` (today) as the last day."""

    def __init__(self, name: str, label: str, default: dt.date, hint: str = ""):
        super().__init__(name, label, hint or "Last day taken (YYYY-MM-DD); check “ongoing” while it is still taken")
        self.default = default
        self.ongoing = QCheckBox("ongoing")
        self.ongoing.setObjectName(f"{name}_ongoing")
        self.ongoing.setToolTip("Checked while it is still taken (no end date); uncheck to enter the last day")
        self.line_layout.insertWidget(0, self.ongoing)
        self.date_edit.setSpecialValueText("no end date")
        self.ongoing.toggled.connect(self._ongoing_toggled)
        self.ongoing.setChecked(True)

    def focus_chain(self) -> list[QWidget]:
        return [self.ongoing, self.date_edit]

    def _ongoing_toggled(self, ongoing: bool) -> None:
        self.date_edit.setEnabled(not ongoing)
        if ongoing:
            self.date_edit.setDate(self.date_edit.minimumDate())  # shows "no end date"
        elif self.date_edit.date() == self.date_edit.minimumDate():
            self.date_edit.setDate(to_qdate(self.default))

    def read(self) -> tuple[Any, str | None]:
        return (None, None) if self.ongoing.isChecked() else (from_qdate(self.date_edit.date()), None)

    def write(self, value: dt.date | None) -> None:
        self.ongoing.setChecked(value is None)
        if value is not None:
            self.date_edit.setDate(to_qdate(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        super().on_change(callback)
        self.ongoing.toggled.connect(lambda _: callback())
