"""Input fields for the data-entry forms: each reads its widget into a value or a one-line error, and shows
errors beside itself. Optional numbers and dates are line edits (empty = not recorded), not spin boxes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.ui import wording

ERROR_STYLE = f"color: {wording.BAD.name()};"


class Field:
    """One labelled input: `read()` returns (value, error); `show_error()` writes beside the input."""

    def __init__(self, name: str, label: str, editor: QWidget, unit: str = "", hint: str = ""):
        self.name, self.label, self.editor, self.unit = name, label, editor, unit
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.error.setObjectName(f"error_{name}")
        self.container = QWidget()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(editor, 1)
        if unit:
            row.addWidget(QLabel(unit))
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addLayout(row)
        column.addWidget(self.error)
        if hint:
            editor.setToolTip(hint)

    def read(self) -> tuple[Any, str | None]:
        raise NotImplementedError

    def write(self, value: Any) -> None:
        raise NotImplementedError

    def on_change(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError

    def show_error(self, message: str | None) -> None:
        """Show (or clear) the message under the input."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.editor.setStyleSheet("border: 1px solid " + wording.BAD.name() if message else "")


class DateField(Field):
    """A required date with a calendar pop-up, shown as YYYY-MM-DD."""

    def __init__(self, name: str, label: str, hint: str = ""):
        editor = QDateEdit(calendarPopup=True)
        editor.setDisplayFormat("yyyy-MM-dd")
        editor.setMinimumDate(QDate(1900, 1, 1))
        super().__init__(name, label, editor, hint=hint)
        self.date_edit = editor

    def read(self) -> tuple[Any, str | None]:
        q = self.date_edit.date()
        return dt.date(q.year(), q.month(), q.day()), None

    def write(self, value: dt.date | None) -> None:
        if value is not None:
            self.date_edit.setDate(QDate(value.year, value.month, value.day))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.date_edit.dateChanged.connect(lambda _: callback())


class TextField(Field):
    """Free text (optional: empty = None); numbers and optional dates parse the text."""

    def __init__(self, name: str, label: str, unit: str = "", *, optional: bool = False, placeholder: str = "",
                 hint: str = "", parse: Callable[[str], Any] | None = None):  # fmt: skip
        editor = QLineEdit()
        editor.setPlaceholderText(placeholder or ("optional" if optional else ""))
        super().__init__(name, label, editor, unit, hint)
        self.line = editor
        self.optional = optional
        self.parse = parse

    def read(self) -> tuple[Any, str | None]:
        text = self.line.text().strip()
        if not text:
            return (None, None) if self.optional else (None, "required")
        if self.parse is None:
            return text, None
        try:
            return self.parse(text), None
        except ValueError as error:
            return None, str(error)

    def write(self, value: Any) -> None:
        if value is None:
            self.line.clear()
        elif isinstance(value, float):
            self.line.setText(f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}")
        else:
            self.line.setText(str(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.line.textChanged.connect(lambda _: callback())


class ChoiceField(Field):
    """A choice from a list (`editable`: free text allowed too, e.g. a regimen not in the list)."""

    def __init__(self, name: str, label: str, choices: Sequence[str], *, editable: bool = False,
                 labels: dict[str, str] | None = None, hint: str = "", upper: bool = False):  # fmt: skip
        editor = QComboBox()
        editor.setEditable(editable)
        for choice in choices:
            editor.addItem((labels or {}).get(choice, choice), choice)
        super().__init__(name, label, editor, hint=hint)
        self.combo, self.editable, self.upper = editor, editable, upper

    def read(self) -> tuple[Any, str | None]:
        if self.editable:
            text = self.combo.currentText().strip()
            text = text.upper() if self.upper else text
            index = self.combo.findText(text)
            value = self.combo.itemData(index) if index >= 0 else text
            return (value, None) if value else (None, "required")
        return self.combo.currentData(), None

    def write(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        elif self.editable and value is not None:
            self.combo.setEditText(str(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _: callback())
        if self.editable:
            self.combo.editTextChanged.connect(lambda _: callback())


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(integer: bool = False) -> Callable[[str], float | int]:
    """A parser of numbers. A decimal comma is accepted (`0,5`), but `8,000` is refused as ambiguous (eight
    thousand, or eight with a decimal comma?) rather than guessed: a wrong guess is a 1000-fold error."""

    def parse(text: str) -> float | int:
        cleaned = text.replace(" ", "")
        if _THOUSANDS.match(cleaned):
            plain = cleaned.replace(",", "")
            raise ValueError(f"ambiguous {text!r}: write {plain} (no thousands separator) or use a decimal point")
        try:
            value = float(cleaned.replace(",", "."))
        except ValueError:
            raise ValueError(f"not a number: {text!r}") from None
        if integer:
            if not value.is_integer():
                raise ValueError(f"a whole number is needed, not {text!r}")
            return int(value)
        return value

    return parse


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a real date as YYYY-MM-DD: {text!r}") from None
