"""The shared mechanics of the data-entry dialogs: fields in a form, validation on every change through the
domain models (never a second copy of the rules), each message beside its field, OK only when valid."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop.domain import Problem
from desktop.ui.entry.fields import ERROR_STYLE, Field

COMPARISONS = {"greater_than_equal": ("≥", "ge"), "less_than_equal": ("≤", "le"), "greater_than": (">", "gt"),
               "less_than": ("<", "lt")}  # fmt: skip


def friendly(error: dict[str, Any], unit: str = "") -> str:
    """A pydantic error as a short sentence with the unit, e.g. `must be ≤ 100 ×10⁹/L`."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in COMPARISONS:
        sign, key = COMPARISONS[kind]
        bound = ctx.get(key)
        bound_text = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return f"must be {sign} {bound_text}{' ' + unit if unit else ''}"
    if kind == "string_pattern_mismatch":
        return "use upper-case letters, digits and '-' only"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    if kind in ("missing", "string_too_short"):
        return "required"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


class FormDialog(QDialog):
    """A dialog of `Field`s; subclasses implement `validate()` returning {field or "": message}."""

    def __init__(self, title: str, fields: list[Field], parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.today = today or dt.date.today()
        self.fields = {field.name: field for field in fields}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in fields:
            label = QLabel(field.label)
            label.setBuddy(field.editor)
            self.form.addRow(label, field.container)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setObjectName("summary")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.errors: dict[str, str] = {}
        self.touched: set[str] = set()
        self.submitted = False

    def connect_fields(self) -> None:
        """Validate on every change (call once the fields hold their first values)."""
        for name, field in self.fields.items():
            field.on_change(lambda n=name: self._touched(n))
        self.revalidate()
        first = next(iter(self.fields.values()))
        first.editor.setFocus()

    def read_fields(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The values of every field, and the fields that could not be read."""
        values, errors = {}, {}
        for name, field in self.fields.items():
            value, error = field.read()
            if error:
                errors[name] = error
            values[name] = value
        return values, errors

    def model_errors(self, error: ValidationError, strip: int = 0) -> dict[str, str]:
        """Field → message of a pydantic error (locations with `strip` leading parts removed)."""
        errors: dict[str, str] = {}
        for item in error.errors(include_url=False):
            loc = item["loc"][strip:]
            name = str(loc[0]) if loc else ""
            unit = self.fields[name].unit if name in self.fields else ""
            errors.setdefault(name if name in self.fields else "", friendly(item, unit))
        return errors

    def problem_errors(self, problems: list[Problem], record: str | None) -> dict[str, str]:
        """Field → message of whole-patient problems that concern this form's record (`record` e.g. mrd[3])."""
        errors: dict[str, str] = {}
        for problem in problems:
            if problem.record == record and problem.field in self.fields:
                errors.setdefault(problem.field, problem.reason)
            elif problem.record == record or record is None:
                errors.setdefault("", str(problem))
        return errors

    def validate(self) -> dict[str, str]:
        raise NotImplementedError

    def _touched(self, name: str) -> None:
        self.touched.add(name)
        self.revalidate()

    def revalidate(self) -> None:
        """Run the validation and show every message beside its field; OK only when there is none."""
        self.errors = self.validate()
        for name, field in self.fields.items():
            message = self.errors.get(name)
            if message == "required" and name not in self.touched and not self.submitted:
                message = None  # an empty form is not an error yet; OK stays disabled
            field.show_error(f"{field.label.replace('&', '')}: {message}" if message else None)
        self.summary.setText(self.errors.get("", ""))
        self.summary.setVisible(bool(self.errors.get("")))
        self.ok.setEnabled(not self.errors)

    def _accept_if_valid(self) -> None:
        self.submitted = True
        self.revalidate()
        if not self.errors:
            self.accept()
