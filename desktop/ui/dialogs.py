"""Small dialogs: confirmations, problem lists, the week's follow-up, parameters, About, file pickers.

Every dialog is opened non-blocking (`open()`/`show()`) and returned, so the caller (and tests) can drive it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.clinical.parameters import InvalidParameters, Parameters
from desktop.domain import InvalidData
from desktop.services.locations import data_dir
from desktop.services.logging_setup import log_file
from desktop.ui import wording

if TYPE_CHECKING:
    from desktop.ui.session import RegistrySession

REGISTRY_FILTER = "VenTrack registry (*.sqlite *.db);;All files (*)"


def confirm(parent: QWidget, text: str, on_yes: Callable[[], None], *, action: str) -> QMessageBox:
    """Ask before a destructive action; `on_yes` runs only on the explicit button (Esc cancels)."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Cancel, parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def finished() -> None:
        if box.clickedButton() is yes:
            try:
                on_yes()
            except InvalidData as error:
                show_problems(parent, "The change was refused; nothing was changed", error)

    box.finished.connect(finished)
    box.open()
    return box


def show_problems(parent: QWidget, title: str, error: InvalidData) -> QMessageBox:
    """List every problem (patient, record, field, reason) of a refused change or import."""
    lines = [str(problem) for problem in error.problems]
    shown = lines[:30] + ([f"… and {len(lines) - 30} more"] if len(lines) > 30 else [])
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, f"{title}.", QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText("\n".join(shown))
    if len(lines) > 30:
        box.setDetailedText("\n".join(lines))
    box.open()
    return box


def week_items(session: RegistrySession, today: dt.date) -> tuple[list[str], list[str], list[str]]:
    """Overdue MRD items, MRD items due within 7 days, and critical alerts, as lines of text."""
    overdue: list[tuple[dt.date, str, str]] = []
    due: list[tuple[dt.date, str, str]] = []
    critical = []
    week_end = today + dt.timedelta(days=7)
    for patient_id, evaluation in sorted(session.evaluations.items()):
        for item in evaluation.schedule:
            if not item.current_course:
                continue
            if item.status == "overdue":
                text = f"{patient_id}: MRD {item.reason}, due {item.due_date} (window ended {item.window_end})"
                overdue.append((item.due_date, patient_id, text))
            elif item.status == "due" or (item.status == "upcoming" and item.due_date <= week_end):
                due.append((item.due_date, patient_id, f"{patient_id}: MRD {item.reason}, due {item.due_date}"))
        critical += [f"{patient_id}: {a.message}" for a in evaluation.alerts if a.severity == "critical"]
    # Longest overdue first, then what falls due soonest: the order in which they need a call.
    return [t for *_, t in sorted(overdue)], [t for *_, t in sorted(due)], critical


def show_week_summary(parent: QWidget, session: RegistrySession) -> QDialog:
    """What is overdue, due this week, and critical, registry-wide (shown at start-up)."""
    overdue, due, critical = week_items(session, session.as_of)
    sections = []
    for title, lines in (
        (f"Overdue MRD ({len(overdue)})", overdue),
        (f"MRD due within 7 days ({len(due)})", due),
        (f"Critical alerts ({len(critical)})", critical),
    ):
        body = "".join(f"<li>{html.escape(line)}</li>" for line in lines[:200]) or "<li>none</li>"
        more = f"<p>… and {len(lines) - 200} more (see the alerts dock)</p>" if len(lines) > 200 else ""
        sections.append(f"<h3>{title}</h3><ul>{body}</ul>{more}")
    dialog = QDialog(parent)
    dialog.setObjectName("week_summary")
    dialog.setWindowTitle(f"{APP_NAME}: follow-up for the week of {session.as_of.isoformat()}")
    text = QTextBrowser()
    text.setHtml("".join(sections) + f"<p><i>{html.escape(wording.DISCLAIMER)}</i></p>")
    again = QCheckBox("Show this summary when VenTrack starts")
    settings = getattr(parent, "settings", None)
    again.setChecked(True if settings is None else settings.value("show_week_summary", True, type=bool))
    if settings is not None:
        again.toggled.connect(lambda on: settings.setValue("show_week_summary", on))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(again)
    layout.addWidget(buttons)
    dialog.resize(720, 520)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def about(parent: QWidget, session: RegistrySession) -> QMessageBox:
    """About: version, the decision-support note, where the registry, its backups and the log live."""
    log = log_file()
    text = (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Registry and decision support for venetoclax-based therapy of NPM1-mutated AML.</p>"
        f"<p><b>{html.escape(wording.DISCLAIMER)}</b></p>"
        f"<p>Registry: {html.escape(str(session.path))}<br>"
        f"Schema version: {session.registry.schema_version}<br>"
        f"Data folder: {html.escape(str(data_dir()))}<br>"
        f"Log file: {html.escape(str(log) if log else 'not configured')}</p>"
    )
    box = QMessageBox(QMessageBox.Icon.NoIcon, f"About {APP_NAME}", text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setObjectName("about")
    box.open()
    return box


class ParametersDialog(QDialog):
    """Edit the rules' parameters (validated by `Parameters.from_dict`; the change is audited)."""

    def __init__(self, params: Parameters, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: clinical parameters")
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, value in params.to_dict().items():
            edit = QLineEdit(", ".join(value) if isinstance(value, list | tuple) else str(value))
            edit.textChanged.connect(self._validate)
            self.fields[name] = edit
            form.addRow(name.replace("_", " "), edit)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {wording.BAD.name()};")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Defaults are those of clinical-rules.md §1. Changes apply to this registry and are audited.")
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.result_params: Parameters | None = params

    def _values(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for name, edit in self.fields.items():
            text = edit.text().strip()
            if name == "high_risk_genes":
                values[name] = [g.strip() for g in text.split(",") if g.strip()]
            else:
                try:
                    values[name] = int(text) if text.lstrip("-").isdigit() else float(text)
                except ValueError:
                    values[name] = text
        return values

    def _validate(self) -> None:
        try:
            self.result_params = Parameters.from_dict(self._values())
            self.error.setText("")
        except InvalidParameters as error:
            self.result_params = None
            self.error.setText(str(error))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.result_params is not None)


def edit_parameters(parent: QWidget, params: Parameters) -> Parameters | None:
    """Show the parameters dialog (modal); the new parameters, or None when cancelled."""
    dialog = ParametersDialog(params, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.result_params if accepted else None


def ask_registry_path(parent: QWidget) -> Path | None:
    """Pick an existing registry file."""
    name, _ = QFileDialog.getOpenFileName(parent, "Open registry", str(data_dir()), REGISTRY_FILTER)
    return Path(name) if name else None


def ask_new_registry_path(parent: QWidget) -> Path | None:
    """Pick where a new, empty registry goes (an existing file is not overwritten: it is opened or refused)."""
    name, _ = QFileDialog.getSaveFileName(parent, "New registry", str(data_dir() / "registry.sqlite"), REGISTRY_FILTER)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".sqlite")
