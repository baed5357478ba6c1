"""The mechanics every data-entry dialog shares: labelled fields in a form, validation on every change, each
problem under its field and in a summary, OK enabled only while the entry is valid, keyboard-first.

Subclasses implement `check()`, which returns the problems by field name (the domain models decide what is
valid; the form only shows it).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeyEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import InvalidData
from desktop.store import RegistryError
from desktop.ui.forms.fields import MISSING, FormField

#: The key under which `check()` returns problems that belong to no single field.
GENERAL = ""
#: Text colours (light scheme, dark scheme): red for errors, amber for warnings, grey for hints.
COLOURS = {"error": ("#b3261e", "#ff8a80"), "warning": ("#8a5300", "#ffcc66"), "hint": ("#5f6368", "#b0b4ba")}

Problems = dict[str, list[str]]


class EntryDialog(QDialog):
    """A form of `FormField`s with live validation; `check()` is implemented by each dialog."""

    def __init__(self, title: str, fields: Sequence[FormField], ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields: dict[str, FormField] = {f.name: f for f in fields}
        self.problems: Problems = {}
        #: Fields changed since the dialog opened; an empty required field is flagged only once touched.
        self.touched: set[str] = set()
        #: Writes the entry when OK is pressed; if it raises `InvalidData` or `RegistryError` (busy, refused), the
        #: dialog stays open with what was typed and the reason, so nothing typed is lost.
        self.save: Callable[[EntryDialog], object] | None = None
        self.header = QLabel()
        self.header.setObjectName("header")
        self.header.setWordWrap(True)
        self.header.hide()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setVerticalSpacing(8)
        for field in fields:
            label = QLabel(field.mnemonic_label)
            label.setBuddy(field.focus_chain()[0])
            label.setFixedHeight(field.editor.sizeHint().height())  # level with the input, not its messages
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.form.addRow(label, field.widget)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setText(ok_text)
        self.ok_button.setDefault(True)
        self.ok_button.setAutoDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(self.form)
        layout.addSpacing(4)
        layout.addStretch(1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def sizeHint(self) -> QSize:
        """At least the minimum width, with wrapped messages measured at that width (no blank band)."""
        hint = super().sizeHint()
        width = max(hint.width(), self.minimumWidth())
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            return QSize(width, layout.totalHeightForWidth(width))
        return QSize(width, hint.height())

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def colour(self, role: str) -> str:
        """A text colour for `role` that reads well on the current (light or dark) background."""
        light, dark = COLOURS[role]
        return dark if self.palette().color(QPalette.ColorRole.Window).lightness() < 128 else light

    def finish_setup(self) -> None:
        """Connect the fields, fix the tab order and validate once; call at the end of a subclass __init__."""
        chain = [w for f in self.fields.values() for w in f.focus_chain()]
        chain += [self.ok_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        for name, field in self.fields.items():
            field.on_change(functools.partial(self._edited, name))
        self.revalidate()

    def _edited(self, name: str) -> None:
        self.touched.add(name)
        self.revalidate()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        first = next(iter(self.fields.values())).focus_chain()[0]
        first.setFocus(Qt.FocusReason.TabFocusReason)

    # ---- validation ----------------------------------------------------------------------------------

    def check(self) -> Problems:
        """Problems by field name (GENERAL for the rest); empty when the entry is valid."""
        raise NotImplementedError

    def after_check(self) -> None:
        """Hook run after every validation (live derived values, warnings)."""

    @property
    def valid(self) -> bool:
        return not any(self.problems.values())

    def revalidate(self) -> None:
        """Validate the entry and show the result: messages under fields, the summary, OK enabled or not."""
        self.problems = {k: v for k, v in self.check().items() if v}
        red = self.colour("error")
        to_fill = [f for n, f in self.fields.items() if n not in self.touched and f.read()[0] is MISSING]
        for name, field in self.fields.items():
            field.show_problems([] if field in to_fill else self.problems.get(name, []), red)
        self.ok_button.setEnabled(self.valid)
        shown = [f.label for n, f in self.fields.items() if self.problems.get(n) and f not in to_fill]
        general = self.problems.get(GENERAL, [])
        if self.valid:
            self.summary.setText("Enter saves · Esc cancels")
            self.summary.setStyleSheet(f"color: {self.colour('hint')};")
        elif not shown and not general:
            self.summary.setText(f"To fill in: {', '.join(f.label for f in to_fill)}.")
            self.summary.setStyleSheet(f"color: {self.colour('hint')};")
        else:
            count = len(shown) + len(general)
            text = f"{count} problem{'s' if count > 1 else ''} to fix before saving"
            text += f" ({', '.join(shown)})" if shown else ""
            text += f"; still to fill in: {', '.join(f.label for f in to_fill)}" if to_fill else ""
            self.summary.setText("\n".join([text + (":" if general else "."), *general]))
            self.summary.setStyleSheet(f"color: {red};")
        self.after_check()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow an open dialog when a message wraps to more lines (its layout does not ask for the room, so
        the message would be squeezed over the next field)."""
        layout = self.layout()
        if not self.isVisible() or layout is None or not layout.hasHeightForWidth():
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def first_invalid(self) -> FormField | None:
        return next((f for name, f in self.fields.items() if self.problems.get(name)), None)

    def accept(self) -> None:
        """Accept only a valid entry; otherwise move to the first field with a problem."""
        self.revalidate()
        if not self.valid:
            self.touched.update(self.fields)
            self.revalidate()
            field = self.first_invalid()
            if field is not None:
                field.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.save is not None:
            try:
                self.save(self)
            except (InvalidData, RegistryError) as error:
                self.show_not_saved(error)
                return
        super().accept()

    def show_not_saved(self, error: Exception) -> None:
        """Say in the dialog why the entry was not saved; what was typed stays for another try."""
        reason = "; ".join(str(p) for p in error.problems) if isinstance(error, InvalidData) else str(error)
        self.summary.setText(f"Not saved: {reason}. What you typed is kept: press Enter to try again, or Esc.")
        self.summary.setStyleSheet(f"color: {self.colour('error')};")
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.accept()
            return
        super().keyPressEvent(event)
