"""The inputs of the data-entry forms. Each `FormField` reads its widget into a value, writes a value into it,
and shows its own problems in a label right under it.

Numbers are validated line edits, not spin boxes: a spin box can neither be empty ("not recorded") nor hold
an out-of-range value long enough to say what is wrong with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.forms.constraints import Limits

#: Marks a required value that was left empty: the key is left out and the model reports it as missing.
MISSING: Any = object()


def plain_number(value: float | int) -> str:
    """A number as a clinician would type it: `84000`, `0.4`, `0.00012` (no exponent, no trailing zeros)."""
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    return f"{float(value):.12f}".rstrip("0").rstrip(".") if "e" in text else text


class FormField:
    """One labelled input: `editor` takes the focus, `widget` goes in the form (editor, unit, problems)."""

    def __init__(self, name: str, label: str, editor: QWidget, *, unit: str = "", note: str = "", hint: str = ""):
        self.name = name
        self.mnemonic_label = label
        self.label = label.replace("&", "")
        self.unit = unit
        self.editor = editor
        editor.setObjectName(name)
        editor.setAccessibleName(self.label)
        if hint:
            editor.setToolTip(hint)
        self.error = QLabel()
        self.error.setObjectName(f"{name}_error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.widget = QWidget()
        self.line_layout = QHBoxLayout()
        self.line_layout.setContentsMargins(0, 0, 0, 0)
        self.line_layout.addWidget(editor)
        if unit or note:
            suffix = QLabel(" ".join(t for t in (unit, note) if t))
            suffix.setObjectName(f"{name}_unit")
            self.line_layout.addWidget(suffix)
        self.line_layout.addStretch(1)
        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(self.line_layout)
        column.addWidget(self.error)

    def focus_chain(self) -> list[QWidget]:
        """The widgets this field puts in the tab order, first to last."""
        return [self.editor]

    def read(self) -> tuple[Any, str | None]:
        """(value, problem in the text itself); value is None when not recorded, MISSING when required and empty."""
        raise NotImplementedError

    def write(self, value: Any) -> None:
        raise NotImplementedError

    def on_change(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError

    def show_problems(self, messages: Sequence[str], colour: str) -> None:
        """Show `messages` under the field (hide the label when there are none)."""
        self.error.setText("\n".join(messages))
        self.editor.setAccessibleDescription("; ".join(messages))
        self.error.setStyleSheet(f"color: {colour};")
        self.error.setVisible(bool(messages))


class NumberField(FormField):
    """A number typed in a line edit (`.` or `,` as decimal mark); empty = not recorded when optional."""

    def __init__(self, name: str, label: str, limits: Limits, *, unit: str = "", note: str = "", hint: str = ""):
        edit = QLineEdit()
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        pattern = r"^-?\d*$" if limits.integer else r"^-?\d*([.,]\d*)?$"
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), edit))
        edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000000.000") + 16)
        if limits.optional:
            edit.setPlaceholderText("optional")
        super().__init__(name, label, edit, unit=unit, note=note, hint=hint)
        self.line, self.limits = edit, limits

    def read(self) -> tuple[Any, str | None]:
        text = self.line.text().strip()
        if not text:
            return (None if self.limits.optional else MISSING), None
        if re.fullmatch(r"-?\d+,\d{3}", text):  # 84,000: a thousands separator or a decimal comma?
            plain = text.replace(",", "")
            return MISSING, f"{self.label}: write {plain} or {text.replace(',', '.')} (no thousands separator)"
        text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return MISSING, f"{self.label}: {text!r} is not a number"
        if self.limits.integer:
            return int(value), None
        return value, None

    def write(self, value: float | int | None) -> None:
        self.line.setText("" if value is None else plain_number(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.line.textChanged.connect(lambda _: callback())


class UpperCase(QValidator):
    """Turns letters to upper case as they are typed (gene names)."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        return QValidator.State.Acceptable, text.upper(), pos


class TextField(FormField):
    """Free text, optionally with suggestions (`choices`) that are not a closed list; `upper` for gene names."""

    def __init__(self, name: str, label: str, choices: Sequence[str] = (), *, optional: bool = False,
                 upper: bool = False, hint: str = "", width: int = 260, placeholder: str = ""):  # fmt: skip
        self.line = QLineEdit()
        self.combo: QComboBox | None = None
        editor: QWidget = self.line
        if choices:
            self.combo = QComboBox()
            self.combo.setLineEdit(self.line)
            self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.combo.addItems(list(choices))
            self.combo.setCurrentIndex(-1)
            completer = QCompleter(list(choices), self.combo)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            self.combo.setCompleter(completer)
            editor = self.combo
        editor.setMinimumWidth(width)
        if upper:
            self.line.setValidator(UpperCase(self.line))
        self.line.setPlaceholderText(placeholder or ("optional" if optional else ""))
        self.optional = optional
        super().__init__(name, label, editor, hint=hint)

    def read(self) -> tuple[Any, str | None]:
        text = self.line.text().strip()
        if not text:
            return (None if self.optional else MISSING), None
        return text, None

    def write(self, value: str | None) -> None:
        self.line.setText(value or "")

    def on_change(self, callback: Callable[[], None]) -> None:
        self.line.textChanged.connect(lambda _: callback())


class ChoiceField(FormField):
    """A closed list (`choices`: value, text). `none_text` adds a "not recorded" entry (None);
    `placeholder` starts with nothing chosen, so a required choice is never made by default."""

    def __init__(self, name: str, label: str, choices: Sequence[tuple[Any, str]], *, none_text: str = "",
                 placeholder: str = "", hint: str = ""):  # fmt: skip
        combo = QComboBox()
        if none_text:
            combo.addItem(none_text, None)
        for value, text in choices:
            combo.addItem(text, value)
        if placeholder:
            combo.setPlaceholderText(placeholder)
            combo.setCurrentIndex(-1)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        super().__init__(name, label, combo, hint=hint)
        self.combo = combo

    def read(self) -> tuple[Any, str | None]:
        if self.combo.currentIndex() < 0:
            return MISSING, None
        return self.combo.currentData(), None

    def write(self, value: Any) -> None:
        self.combo.setCurrentIndex(self.combo.findData(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _: callback())


class CheckField(FormField):
    """A yes/no answer as a check box (`text` beside it)."""

    def __init__(self, name: str, label: str, text: str, hint: str = ""):
        box = QCheckBox(text)
        super().__init__(name, label, box, hint=hint)
        self.box = box

    def read(self) -> tuple[Any, str | None]:
        return self.box.isChecked(), None

    def write(self, value: bool | None) -> None:
        self.box.setChecked(bool(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.box.toggled.connect(lambda _: callback())
